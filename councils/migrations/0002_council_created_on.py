from datetime import date

from django.db import migrations, models

# Councils created by a reorganisation, as DfE's register dates them (councils/data/las.csv); a
# database loaded before this field existed gets them here, a new one from load_councils.
CREATED = {
    "E06000058": date(2019, 4, 1),  # Bournemouth, Christchurch and Poole
    "E06000059": date(2019, 4, 1),  # Dorset
    "E06000061": date(2021, 4, 1),  # North Northamptonshire
    "E06000062": date(2021, 4, 1),  # West Northamptonshire
    "E06000063": date(2023, 4, 1),  # Cumberland
    "E06000064": date(2023, 4, 1),  # Westmorland and Furness
}


def fill(apps, schema_editor):
    Council = apps.get_model("councils", "Council")
    for gss_code, created_on in CREATED.items():
        Council.objects.filter(gss_code=gss_code).update(created_on=created_on)


class Migration(migrations.Migration):
    dependencies = [("councils", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="council",
            name="created_on",
            field=models.DateField(
                blank=True,
                help_text="For a council created by a reorganisation (e.g. Cumberland, 1 April "
                "2023): its history starts here. Blank for councils that existed before.",
                null=True,
                verbose_name="created on",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

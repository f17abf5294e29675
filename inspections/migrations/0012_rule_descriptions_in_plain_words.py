"""The default cluster rules' descriptions cite the rule by its reasoning, not a file path.

The descriptions seeded by 0002 ended "(shared/DOMAIN.md...)", which a cluster's page showed to
its readers. Only descriptions still holding that citation are rewritten: one an administrator
has changed is left as they wrote it.
"""

from django.db import migrations

CITATION = "shared/DOMAIN.md"
DESCRIPTIONS = {
    "Back-to-back": "Two formal inspections whose on-site periods start within 90 days of each "
    "other: one inspection's cycle, from notification to action plan, runs for months, and no "
    "inspectorate publishes a minimum gap between two.",
    "Crowded year": "Three or more formal inspections whose on-site periods start within 365 "
    "days.",
}


def plain_words(apps, schema_editor):
    ClusterRule = apps.get_model("inspections", "ClusterRule")
    for rule in ClusterRule.objects.filter(description__contains=CITATION):
        rule.description = DESCRIPTIONS.get(
            rule.name, rule.description.replace(f" ({CITATION})", "").replace(CITATION, "")
        )
        rule.save(update_fields=["description"])


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0011_history_of_estimated_dates_and_joint_services"),
    ]

    operations = [migrations.RunPython(plain_words, migrations.RunPython.noop)]

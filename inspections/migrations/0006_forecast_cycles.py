"""Seed the stated inspection cycles (the facts of shared/DOMAIN.md and the reports' wording).

Administrators edit them in the admin. A fact that was not found is left without months, with
words that say so: the forecast then says "no stated cycle" instead of guessing.
"""

from datetime import date

from django.db import migrations

ILACS = "Ofsted, ILACS framework (Inspecting local authority children's services)"
SEND = (
    "Ofsted and CQC, area SEND inspection framework (2023, revised 2025), as every area SEND "
    "report words it"
)
# regime, after outcome, earliest, nominal, latest (months), no cycle, counted from, words, source
CYCLES = [
    ("ilacs_full", "", 30, 36, 42, False, None,
     "about every 3 years, within 6 months either side of the anniversary", ILACS),
    ("ilacs_full", "inadequate", None, None, None, False, None,
     "re-inspection after monitoring visits about quarterly (up to about 6); no interval stated",
     ILACS),
    ("ilacs_full", "none", None, None, None, False, date(2018, 1, 1),
     "no stated timing for a new council's first inspection", ILACS),
    ("ilacs_focused_visit", "", None, None, None, False, None,
     "at least one focused visit between full inspections; a JTAI can count as one", ILACS),
    ("ilacs_focused_visit", "inadequate", None, None, None, True, None,
     "inadequate councils get monitoring visits instead of focused visits", ILACS),
    ("area_send_full", "", None, 60, 60, False, None,
     "at least once every 5 years", SEND),
    ("area_send_full", "positive", None, 60, 60, False, None,
     "the next full inspection within approximately five years", SEND),
    ("area_send_full", "inconsistent", None, 36, 36, False, None,
     "the next full inspection within approximately three years", SEND),
    ("area_send_full", "systemic_failings", None, 36, 36, False, None,
     "the next full reinspection within approximately three years", SEND),
    ("area_send_full", "none", None, 60, 60, False, date(2023, 1, 1),
     "every local area at least once in the 5 years from the 2023 framework's start", SEND),
    ("area_send_monitoring", "systemic_failings", None, 18, 18, False, None,
     "a monitoring inspection within approximately 18 months", SEND),
    ("hmip_youth_justice", "", None, 72, None, False, None,
     "every youth justice service inspected over about 6 years",
     "HM Inspectorate of Probation, youth justice inspection programme"),
    ("cqc_adult_social_care", "", None, None, None, False, None,
     "the CQC has not published when it will assess a council again",
     "Care Quality Commission, local authority assessments (not found)"),
    ("cqc_adult_social_care", "none", None, None, None, False, date(2023, 4, 1),
     "every council's first assessment by December 2025; the app holds no list of them",
     "Care Quality Commission, local authority assessments"),
    ("jtai", "", None, None, None, True, None,
     "no cycle: JTAIs are targeted",
     "Ofsted, CQC, HMICFRS and HMI Probation, JTAI framework"),
]  # fmt: skip


def seed(apps, schema_editor):
    ForecastCycle = apps.get_model("inspections", "ForecastCycle")
    for regime, outcome, earliest, likely, latest, no_cycle, since, words, source in CYCLES:
        ForecastCycle.objects.update_or_create(
            regime=regime,
            after_outcome=outcome,
            defaults={
                "earliest_months": earliest,
                "likely_months": likely,
                "latest_months": latest,
                "no_cycle": no_cycle,
                "counted_from": since,
                "wording": words,
                "source": source,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0005_forecast")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

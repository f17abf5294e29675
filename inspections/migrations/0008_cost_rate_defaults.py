"""National default cost rates per team, and the CQC's grant per council as a reference figure.

Every figure here is editable in the admin (Cost rates, Reference figures). Each national default
is pay plus employer's on-costs per working hour, worked out as

    annual pay × (1 + 30% on-costs) ÷ 1,663 working hours

- 1,663 working hours: 37 hours a week × 52.14 weeks = 1,929 hours, less 36 days (28 days'
  leave and 8 bank holidays) × 7.4 hours = 266 hours.
- 30% on-costs: employer's National Insurance (13.8% above the secondary threshold in 2024-25,
  15% from April 2025) and the employer's contribution to the Local Government Pension Scheme
  (set fund by fund; commonly about 15–20% of pay). A round figure, not a published one.

The pay figures are the published ones as recalled when these defaults were set: the app was
built without network access, so they were not re-checked against the sources. The README and
the admin say so beside each; check and change them before quoting costs. They apply from
1 April 2000, so every year is costed at 2024-25 pay until a later rate is added.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

APPLIES_FROM = date(2000, 4, 1)
ON_COSTS = Decimal("0.30")
WORKING_HOURS = Decimal("1663")
NOT_RECHECKED = (
    "Quoted from the published source as recalled when this default was set; the app was built "
    "without network access, so it was not re-checked. Check it before quoting costs."
)
NJC = (
    "National Joint Council for Local Government Services: pay spine from 1 April 2024 "
    "(the 2024-25 pay award, agreed in October 2024)"
)
ASHE = (
    "ONS Annual Survey of Hours and Earnings (ASHE) 2024, provisional results: median gross "
    "annual earnings of full-time employees in the UK, £37,430"
)
ASHE_URL = (
    "https://www.ons.gov.uk/employmentandlabourmarket/peopleinwork/earningsandworkinghours/"
    "bulletins/annualsurveyofhoursandearnings/2024"
)

# team, annual pay (£), what the pay figure is, source, source address, note
DEFAULTS = [
    (
        "data",
        33400,
        "about spinal column point 25 of the NJC pay spine (about £33,400 a year), a common "
        "grade for a council data or performance analyst",
        NJC,
        "",
        NOT_RECHECKED,
    ),
    (
        "practitioners",
        41500,
        "about spinal column point 33 of the NJC pay spine (about £41,500 a year), a common "
        "point for a qualified children's social worker",
        NJC,
        "",
        NOT_RECHECKED,
    ),
    (
        "managers",
        51000,
        "the top of the NJC pay spine, spinal column point 43 (about £51,000 a year); team and "
        "service managers are often on local grades above it",
        NJC,
        "",
        NOT_RECHECKED,
    ),
    (
        "senior_leaders",
        90000,
        "£90,000 a year, an assumed head-of-service salary: chief officers' pay has no national "
        "scale (it is set locally under the JNC for Chief Officers)",
        "No national scale. Councils publish their senior pay each year in their pay policy "
        "statements (Localism Act 2011, section 38); £90,000 is an assumption within the range "
        "they publish, not a published average",
        "",
        "An assumption, not a published figure: set your council's own rate for senior leaders.",
    ),
    (
        "partners",
        37430,
        "the UK median for full-time employees (ASHE 2024), for staff of partner agencies "
        "(police, health, schools) whose pay scales differ",
        ASHE,
        ASHE_URL,
        NOT_RECHECKED,
    ),
    (
        "other",
        37430,
        "the UK median for full-time employees (ASHE 2024)",
        ASHE,
        ASHE_URL,
        NOT_RECHECKED,
    ),
]


def hourly(annual_pay: int) -> Decimal:
    return (Decimal(annual_pay) * (1 + ON_COSTS) / WORKING_HOURS).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def seed(apps, schema_editor):
    CostRate = apps.get_model("inspections", "CostRate")
    ReferenceFigure = apps.get_model("inspections", "ReferenceFigure")
    for team, pay, what, source, url, note in DEFAULTS:
        CostRate.objects.get_or_create(
            team=team,
            council=None,
            applies_from=APPLIES_FROM,
            defaults={
                "hourly_rate": hourly(pay),
                "basis": f"{what}, + 30% employer's on-costs, ÷ 1,663 working hours a year",
                "source": source,
                "source_url": url,
                "source_note": note,
            },
        )
    ReferenceFigure.objects.get_or_create(
        code="cqc-first-assessment-grant",
        defaults={
            "label": "Grant to each council for its first CQC assessment of adult social care",
            "amount": Decimal("26730"),
            "per": "council",
            "family": "cqc",
            "source": "Government grant for councils' first CQC assessment under the Care Act "
            "assurance regime: £26,730 per council, £4.1m in all (as reported in public LGA "
            "and council material)",
            "source_date": "",
            "caveat": "A grant to prepare for an assessment, not a measured cost of one; the "
            "original announcement was not re-checked when this figure was set.",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("inspections", "CostRate").objects.filter(
        council=None, applies_from=APPLIES_FROM
    ).delete()
    apps.get_model("inspections", "ReferenceFigure").objects.filter(
        code="cqc-first-assessment-grant"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0007_cost_rates")]
    operations = [migrations.RunPython(seed, unseed)]

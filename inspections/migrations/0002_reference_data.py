"""Seed the inspection regimes of shared/DOMAIN.md and the default cluster rules.

Administrators edit all of it in the admin afterwards: the regimes change often, so outcomes are
data that belong to a type, never choices in code. Facts that were not found are left empty.
"""

from django.db import migrations

FOUR_POINT = [
    ("outstanding", "Outstanding"),
    ("good", "Good"),
    ("requires_improvement", "Requires improvement to be good"),
    ("inadequate", "Inadequate"),
]
FOUR_POINT_SHORT = [
    ("outstanding", "Outstanding"),
    ("good", "Good"),
    ("requires_improvement", "Requires improvement"),
    ("inadequate", "Inadequate"),
]
ILACS_AREAS = ["impact_of_leaders", "help_and_protection", "in_care", "care_leavers"]

# code, name, family, inspectorates, formal, notice (working days), on-site days, outcomes,
# judgement areas, description
TYPES = [
    (
        "ilacs_standard", "ILACS standard inspection", "ilacs", "Ofsted", True, 5, 10,
        FOUR_POINT, ILACS_AREAS,
        "For councils graded requires improvement, and re-inspection after inadequate. A call to "
        "the director on the Monday; inspectors arrive the following Monday; 2 weeks on site. "
        "From April 2026 the overall effectiveness grade is no longer given; sub-judgements stay.",
    ),
    (
        "ilacs_short", "ILACS short inspection", "ilacs", "Ofsted", True, 5, 5,
        FOUR_POINT, ILACS_AREAS,
        "For councils graded good or outstanding; 1 week on site.",
    ),
    (
        "ilacs_focused_visit", "ILACS focused visit", "ilacs", "Ofsted", True, None, 2,
        [("letter", "Letter published"), ("priority_action", "Areas for priority action")],
        [],
        "2 inspectors, 2 days on site; a published letter with no grade. Notice: not published.",
    ),
    (
        "ilacs_monitoring_visit", "ILACS monitoring visit", "ilacs", "Ofsted", True, None, 2,
        [("progress_letter", "Progress letter published")],
        [],
        "For councils graded inadequate: about quarterly, up to about 6 before re-inspection.",
    ),
    (
        "ilacs_engagement_meeting", "ILACS annual engagement meeting", "ilacs",
        "Ofsted regional team", False, None, 1,
        [("letter", "Unpublished letter to the director")],
        [],
        "The yearly 'annual conversation' on the council's self-evaluation.",
    ),
    (
        "jtai", "Joint targeted area inspection (JTAI)", "jtai",
        "Ofsted, CQC, HMICFRS; HMI Probation for some themes", True, 10, 15,
        [("letter_of_findings", "Letter of findings")],
        [],
        "A 'front door' inspection or a themed deep dive. 10 working days' notice; a 3-week "
        "process; the partnership's action plan is due about 3 months after the letter.",
    ),
    (
        "area_send_full", "Area SEND full inspection", "area_send", "Ofsted and CQC", True, 10, 15,
        [
            ("positive", "Typically positive experiences and outcomes"),
            ("inconsistent", "Inconsistent experiences and outcomes"),
            ("systemic_failings", "Widespread and/or systemic failings"),
        ],
        [],
        "2023 framework, revised June 2025. 8 working days before fieldwork, 10 before on site; "
        "a 3-week process; at least once every 5 years.",
    ),
    (
        "area_send_monitoring", "Area SEND monitoring inspection", "area_send", "Ofsted and CQC",
        True, None, None,
        [("progress_report", "Progress report")],
        [],
        "Usually 18 months after a 'widespread and/or systemic failings' report.",
    ),
    (
        "area_send_engagement", "Area SEND engagement meeting", "area_send", "Ofsted and CQC",
        False, None, 1,
        [],
        [],
        "Yearly meeting; no outcome.",
    ),
    (
        "cqc_adult_social_care", "CQC assessment of adult social care", "cqc", "CQC", True, 50,
        None,
        FOUR_POINT_SHORT,
        [],
        "Care Act assessment since April 2023: notification and information return about 9–11 "
        "weeks before on-site interviews; a 4-point rating plus scores on 9 quality statements.",
    ),
    (
        "hmip_youth_justice", "HMI Probation youth justice inspection", "hmip", "HMI Probation",
        True, None, None,
        FOUR_POINT_SHORT,
        [],
        "Every youth justice service over about 6 years; a 4-point rating plus ratings per "
        "standard.",
    ),
    (
        "childrens_home", "Council children's home inspection (SCCIF)", "other", "Ofsted", False,
        0, 2,
        FOUR_POINT_SHORT + [
            ("improved", "Interim: improved"),
            ("sustained", "Interim: sustained"),
            ("declined", "Interim: declined"),
        ],
        [],
        "Unannounced; full up to 2 days, interim 1 day. Inspects one home rather than the "
        "council's services, so it is not counted as a formal inspection by default.",
    ),
    (
        "dfe_intervention", "DfE intervention", "dfe_intervention", "Department for Education",
        False, None, None,
        [
            ("improvement_adviser", "Improvement adviser appointed"),
            ("improvement_notice", "Improvement notice"),
            ("statutory_direction", "Statutory direction"),
            ("commissioner", "Commissioner appointed"),
        ],
        [],
        "After an inadequate grade: adviser, then improvement notice, then statutory direction; "
        "a commissioner for persistent or systemic failure.",
    ),
    (
        "lga_peer_challenge", "LGA peer challenge", "peer_review", "LGA (sector-led)", False,
        None, 3,
        [("feedback", "Feedback, no grade")],
        [],
        "Voluntary, commissioned by the council; 2–4 days with peers from other councils.",
    ),
]

RULES = [
    {
        "name": "Back-to-back",
        "description": "Two formal inspections whose on-site periods start within 90 days of "
        "each other (shared/DOMAIN.md: one inspection's cycle from notification to action plan "
        "runs for months; no inspectorate publishes a minimum gap).",
        "window_days": 90,
        "min_events": 2,
        "severity": "high",
    },
    {
        "name": "Crowded year",
        "description": "Three or more formal inspections within 365 days (shared/DOMAIN.md).",
        "window_days": 365,
        "min_events": 3,
        "severity": "medium",
    },
]


def seed(apps, schema_editor):
    InspectionType = apps.get_model("inspections", "InspectionType")
    InspectionOutcome = apps.get_model("inspections", "InspectionOutcome")
    ClusterRule = apps.get_model("inspections", "ClusterRule")
    for order, row in enumerate(TYPES):
        code, name, family, inspectorates, formal, notice, on_site, outcomes, areas, desc = row
        itype, _ = InspectionType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "family": family,
                "inspectorates": inspectorates,
                "is_formal": formal,
                "typical_notice_working_days": notice,
                "typical_on_site_days": on_site,
                "judgement_areas": areas,
                "description": desc,
                "sort_order": (order + 1) * 10,
            },
        )
        for position, (outcome_code, label) in enumerate(outcomes):
            InspectionOutcome.objects.update_or_create(
                inspection_type=itype,
                code=outcome_code,
                defaults={"label": label, "sort_order": (position + 1) * 10},
            )
    for rule in RULES:
        ClusterRule.objects.update_or_create(
            name=rule["name"],
            defaults={**rule, "formal_only": True, "families": [], "anchor": "on_site_start"},
        )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

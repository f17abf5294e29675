"""Showing what a published report said: ``{% load published_record %}``.

``sub_judgement_rows``: an event's sub-judgements as (area, grade) labels, in the order of its
type's judgement areas, for ``{% for area, grade in event|sub_judgement_rows %}``. A value that
is not one of the type's outcome codes (HMI Probation's score) is shown as it is.
"""

from django import template

register = template.Library()

NOT_RECORDED_LABEL = "Not recorded"
# Ofsted's wording of the ILACS judgements; other areas are shown from their codes.
AREA_LABELS = {
    "impact_of_leaders": "Impact of leaders on social work practice",
    "help_and_protection": "Experiences and progress of children who need help and protection",
    "in_care": "Experiences and progress of children in care",
    "care_leavers": "Experiences and progress of care leavers",
    # HMI Probation's youth justice score and domain ratings (as the published list names them).
    "score_percent": "Score (per cent of the maximum)",
    "outofcourt_disposal_policy_and_provision": "Out-of-court disposal policy and provision",
}


@register.filter
def sub_judgement_rows(event) -> list[tuple[str, str]]:
    judgements = event.sub_judgements or {}
    if not judgements:
        return []
    outcome_labels = {o.code: o.label for o in event.inspection_type.outcomes.all()}
    areas = [a for a in event.inspection_type.judgement_areas if a in judgements]
    areas += [a for a in judgements if a not in areas]
    return [
        (
            AREA_LABELS.get(area, area.replace("_", " ").capitalize()),
            outcome_labels.get(
                judgements[area],
                NOT_RECORDED_LABEL if judgements[area] == "not_recorded" else judgements[area],
            ),
        )
        for area in areas
    ]

"""Template helpers for GOV.UK Design System markup: ``{% load govuk %}``.

- ``outcome_tag``: the GOV.UK tag colour class for an inspection outcome, for
  ``<strong class="govuk-tag {{ outcome|outcome_tag }}">{{ outcome }}</strong>``.
- ``govuk_page_range``: the page numbers (with ellipses) for templates/govuk/pagination.html.

For query strings use Django's built-in ``{% querystring page=2 %}`` (Django 5.2+).
"""

from __future__ import annotations

import re

from django import template

register = template.Library()

GREY = "govuk-tag--grey"

# Normalised outcome (code or label) -> tag colour class. Colours follow the meaning, as on
# Ofsted's reports: best green, then teal, yellow for "needs work", red for the worst.
OUTCOME_TAG_CLASSES = {
    # Ofsted judgements (ILACS, SCCIF, area SEND under the 2019 framework…)
    "outstanding": "govuk-tag--green",
    "good": "govuk-tag--teal",
    "requires improvement": "govuk-tag--yellow",
    "requires improvement to be good": "govuk-tag--yellow",
    "ri": "govuk-tag--yellow",
    "inadequate": "govuk-tag--red",
    # Ofsted grades 1 to 4
    "1": "govuk-tag--green",
    "2": "govuk-tag--teal",
    "3": "govuk-tag--yellow",
    "4": "govuk-tag--red",
    # Area SEND (2023 framework) and similar three-way outcomes
    "positive": "govuk-tag--green",
    "positive experiences": "govuk-tag--green",
    "inconsistent": "govuk-tag--yellow",
    "inconsistent experiences": "govuk-tag--yellow",
    "systemic": "govuk-tag--red",
    "systemic failings": "govuk-tag--red",
    "widespread and or systemic failings": "govuk-tag--red",
    # ILACS focused visit letters
    "priority action": "govuk-tag--red",
    "areas for priority action": "govuk-tag--red",
    # No graded outcome
    "none": GREY,
    "no outcome": GREY,
    "not graded": GREY,
    "ungraded": GREY,
    "not applicable": GREY,
    "n a": GREY,
    "not recorded": GREY,
    "not recorded yet": GREY,
}

_SEPARATORS = re.compile(r"[\s_\-/]+")


def _normalise(value) -> str:
    """Lower case; underscores, hyphens, slashes and runs of spaces become one space."""
    text = str(getattr(value, "code", None) or value or "").strip().lower()
    return _SEPARATORS.sub(" ", text).strip()


@register.filter
def outcome_tag(value) -> str:
    """The GOV.UK tag colour class for an outcome code, label or object with a ``code``.

    Unknown or empty outcomes are grey.
    """
    key = _normalise(value)
    if key in OUTCOME_TAG_CLASSES:
        return OUTCOME_TAG_CLASSES[key]
    # Labels with more words: "Good – with areas for improvement", "Systemic failings found"
    for prefix in ("requires improvement", "outstanding", "inadequate", "good"):
        if key.startswith(prefix):
            return OUTCOME_TAG_CLASSES[prefix]
    # Area SEND sentences: "Typically positive experiences and outcomes"
    words = key.split()
    for word in ("systemic", "inconsistent", "positive"):
        if word in words:
            return OUTCOME_TAG_CLASSES[word]
    return GREY


@register.filter
def govuk_page_range(page_obj, on_each_side: int = 1):
    """Page numbers around the current page, with ``Paginator.ELLIPSIS`` for gaps."""
    return page_obj.paginator.get_elided_page_range(
        page_obj.number, on_each_side=int(on_each_side), on_ends=1
    )

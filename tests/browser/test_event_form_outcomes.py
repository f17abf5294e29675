"""With JavaScript the event form offers only the chosen inspection type's outcomes, and follows
the type when it changes (without JavaScript: tests/inspections/test_event_form_outcomes.py)."""

import pytest
from playwright.sync_api import expect

from inspections.models import InspectionType

from .support import sign_in

pytestmark = pytest.mark.browser


def _offered(page) -> list[str]:
    return page.get_by_label("Outcome").locator("option").all_inner_texts()


def test_the_outcome_list_follows_the_chosen_type(page, world):
    sign_in(page, "editor.a")
    page.goto(f"/councils/{world.council_a.slug}/events/new/")
    outcome = page.get_by_label("Outcome")
    # No type chosen yet: nothing to choose but "not recorded".
    expect(outcome.locator("option")).to_have_count(1)

    ilacs = InspectionType.objects.get(code="ilacs_standard")
    page.get_by_label("Inspection type").select_option(label=ilacs.name)
    expected = [
        "Not recorded yet",
        *ilacs.outcomes.order_by("sort_order").values_list("label", flat=True),
    ]
    expect(outcome.locator("option")).to_have_count(len(expected))
    assert _offered(page) == expected
    outcome.select_option(label=expected[-1])

    # Another type: its outcomes replace the first's, and a choice of the first type is dropped.
    send = InspectionType.objects.get(code="area_send_full")
    page.get_by_label("Inspection type").select_option(label=send.name)
    expected = [
        "Not recorded yet",
        *send.outcomes.order_by("sort_order").values_list("label", flat=True),
    ]
    expect(outcome.locator("option")).to_have_count(len(expected))
    assert _offered(page) == expected
    expect(outcome).to_have_value("")

"""The staff-time form in a browser: it fits the screen at 1280 and 320 px, a row is added
without reloading the page, and an event and its hours are logged with the keyboard alone."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum
from playwright.sync_api import expect

from inspections.models import InspectionEvent, StaffTime
from tests.factories import make_event

from .support import screenshot, sign_in

pytestmark = pytest.mark.browser


def _fits(page):
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, f"the page is {width} px wide in a {viewport} px window"


@pytest.mark.parametrize("width", [1280, 320])
def test_a_row_is_added_without_reloading_and_the_form_fits(page, world, width):
    page.set_viewport_size({"width": width, "height": 800})
    event = make_event(world.council_a, "ilacs_standard", date(2025, 3, 3))
    for team in ["data", "managers"]:
        StaffTime.objects.create(event=event, team=team, phase="on_site", hours=10, people=1)
    sign_in(page, "editor.a")
    page.goto(f"/events/{event.pk}/staff-time/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff time")
    rows = page.locator("tr[data-row]")
    expect(rows).to_have_count(3)  # two entries and one spare row
    _fits(page)
    # A mark on the page that a reload would wipe.
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Hours, row 3", exact=True).fill("4")
    page.get_by_role("button", name="Add another row").click()
    expect(rows).to_have_count(4)
    assert page.evaluate("window.notReloaded === true")
    expect(page.get_by_label("Team, row 4", exact=True)).to_be_focused()
    expect(page.get_by_label("Hours, row 3", exact=True)).to_have_value("4")
    _fits(page)
    screenshot(page, f"staff-time-form-{width}")
    for row, team in [(3, "Senior leaders"), (4, "Partner agencies")]:
        page.get_by_label(f"Team, row {row}", exact=True).select_option(label=team)
        page.get_by_label(f"Phase, row {row}", exact=True).select_option(label="After")
    page.get_by_label("Hours, row 4", exact=True).fill("6.5")
    page.get_by_role("button", name="Save staff time").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Staff time saved")
    assert event.staff_time.aggregate(total=Sum("hours"))["total"] == Decimal("30.5")


def test_an_error_names_its_row_and_the_form_still_fits(page, world):
    page.set_viewport_size({"width": 320, "height": 800})
    event = make_event(world.council_a, "ilacs_standard", date(2025, 3, 3))
    StaffTime.objects.create(event=event, team="data", phase="on_site", hours=10, people=1)
    sign_in(page, "editor.a")
    page.goto(f"/events/{event.pk}/staff-time/")
    page.get_by_label("Hours, row 1", exact=True).fill("ten")
    page.get_by_role("button", name="Save staff time").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name="Row 1: Enter the hours as a number, for example 37.5")
    link.click()
    expect(page.get_by_label("Hours, row 1", exact=True)).to_be_focused()
    _fits(page)
    assert event.staff_time.get().hours == 10


_FOCUSED_NAME = """() => {
    const el = document.activeElement;
    const label = el && el.labels && el.labels[0];
    const text = label ? label.textContent : (el ? el.textContent || el.value || "" : "");
    return text.replace(/\\s+/g, " ").trim();
}"""


def _tab_to(page, label, *, limit=60):
    """Press Tab until the field labelled ``label`` (or the button saying it) has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(_FOCUSED_NAME) == label:
            return
    raise AssertionError(f"Tab never reached {label!r}")


def _choose(page, label, option):
    """Choose an option of the focused select with the arrow keys alone."""
    select = page.get_by_label(label, exact=True)
    for _ in range(12):
        if select.evaluate("s => s.options[s.selectedIndex].text") == option:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{option!r} not found in {label!r}")


def test_an_event_and_its_hours_are_logged_with_the_keyboard_alone(page, world):
    sign_in(page, "editor.a")
    page.goto(f"/councils/{world.council_a.slug}/events/new/")
    _tab_to(page, "Inspection type")
    _choose(page, "Inspection type", "ILACS focused visit")
    for group, parts in [
        ("on_site_start", ("4", "3", "2019")),
        ("on_site_end", ("5", "3", "2019")),
    ]:
        for part, value in zip(["day", "month", "year"], parts, strict=True):
            _tab_to_id(page, f"id_{group}_{part}")
            page.keyboard.type(value)
    _tab_to(page, "Save event")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff time")

    _tab_to(page, "Team, row 1")
    _choose(page, "Team, row 1", "Data and performance")
    page.keyboard.press("Tab")
    _choose(page, "Phase, row 1", "Preparation")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.type("37.5")
    # A new row from the keyboard: the focus moves to it.
    _tab_to(page, "Add another row")
    rows = page.locator("tr[data-row]").count()
    page.keyboard.press("Enter")
    expect(page.locator("tr[data-row]")).to_have_count(rows + 1)
    last = f"row {rows + 1}"
    expect(page.get_by_label(f"Team, {last}", exact=True)).to_be_focused()
    _choose(page, f"Team, {last}", "Managers")
    page.keyboard.press("Tab")
    _choose(page, f"Phase, {last}", "On site")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("12")
    page.keyboard.press("Enter")  # Enter in a field saves (Save is the form's first button)

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Staff time saved")
    event = InspectionEvent.objects.get(council=world.council_a)
    assert event.staff_time.aggregate(total=Sum("hours"))["total"] == Decimal("49.5")
    assert sorted(event.staff_time.values_list("team", "people")) == [("data", 2), ("managers", 1)]


def _tab_to_id(page, element_id, *, limit=60):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.factories import make_event, make_hours

from .support import sign_in

pytestmark = pytest.mark.browser


def expect_styled_not_found_page(page, response):
    assert response.status == 404
    expect(page).to_have_title("Page not found – Inspection Burden Tracker")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Page not found")
    # Styled by GOV.UK Frontend, not the browser's defaults: Arial headings, the service header.
    assert "arial" in heading.evaluate("h => getComputedStyle(h).fontFamily").lower()
    expect(page.locator(".govuk-service-navigation")).to_be_visible()
    expect(page.get_by_role("link", name="Skip to main content")).to_be_attached()


def test_an_editor_is_refused_another_councils_edit_pages(page, world):
    event_a = make_event(world.council_a, "jtai", date(2025, 5, 5))
    make_hours(event_a, 80, team="partners", phase="on_site")
    event_b = make_event(world.council_b, "ilacs_focused_visit", date(2025, 6, 2))
    sign_in(page, "editor.b")

    for path in [
        f"/councils/{world.council_a.slug}/events/new/",
        f"/events/{event_a.pk}/edit/",
        f"/events/{event_a.pk}/staff-time/",
        f"/events/{event_a.pk}/delete/",
    ]:
        expect_styled_not_found_page(page, page.goto(path))

    # The same pages of the editor's own council open.
    response = page.goto(f"/events/{event_b.pk}/edit/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Change event")

    # Another council's event is public, but its hours and its buttons are not shown.
    page.goto(event_a.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Joint targeted area")
    expect(page.get_by_role("link", name="Change event")).to_have_count(0)
    expect(page.locator("[data-total=event-hours]")).to_have_count(0)
    expect(page.get_by_text("shown only as regional and national totals")).to_be_visible()

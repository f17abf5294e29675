import re
from decimal import Decimal

import pytest
from django.db.models import Sum
from playwright.sync_api import expect

from inspections.models import InspectionEvent

from .support import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_an_editor_logs_an_event_with_staff_hours_and_corrects_a_mistake_on_the_way(page, world):
    council = world.council_a
    sign_in(page, "editor.a")
    # Home sends a council user to their council.
    expect(page.get_by_role("heading", level=1)).to_have_text(council.name)

    page.get_by_role("link", name="Log an inspection event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log an inspection event")
    page.get_by_label("Inspection type").select_option(label="ILACS focused visit")
    notified = page.get_by_role("group", name="Date notified")
    notified.get_by_label("Day").fill("24")
    notified.get_by_label("Month").fill("2")
    notified.get_by_label("Year").fill("2019")
    start = page.get_by_role("group", name="On-site start")
    start.get_by_label("Day").fill("4")
    start.get_by_label("Month").fill("3")
    start.get_by_label("Year").fill("2019")
    end = page.get_by_role("group", name="On-site end")
    end.get_by_label("Day").fill("5")
    end.get_by_label("Month").fill("3")
    # The year of the on-site end is forgotten.
    page.get_by_label("Theme").fill("Help and protection")
    page.get_by_role("button", name="Save event").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus here so it is read out first
    expect(page).to_have_title(re.compile(r"^Error: Log an inspection event"))
    error_link = summary.get_by_role("link", name="On-site end must include a year")
    expect(error_link).to_have_attribute("href", "#id_on_site_end_year")
    expect(end.locator(".govuk-error-message")).to_contain_text("must include a year")
    # Nothing typed is lost.
    expect(page.get_by_label("Inspection type").locator("option:checked")).to_have_text(
        "ILACS focused visit"
    )
    expect(start.get_by_label("Day")).to_have_value("4")
    expect(end.get_by_label("Month")).to_have_value("3")
    expect(page.get_by_label("Theme")).to_have_value("Help and protection")
    assert not InspectionEvent.objects.filter(council=council).exists()
    screenshot(page, "event-form-with-errors")

    error_link.click()
    expect(end.get_by_label("Year")).to_be_focused()
    end.get_by_label("Year").fill("2019")
    page.get_by_role("button", name="Save event").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Staff time")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "ILACS focused visit saved"
    )
    page.get_by_label("Team, row 1", exact=True).select_option(label="Data and performance")
    page.get_by_label("Phase, row 1", exact=True).select_option(label="Preparation")
    page.get_by_label("Hours, row 1", exact=True).fill("37.5")
    page.get_by_label("Number of people, row 1", exact=True).fill("2")
    page.get_by_label("Team, row 2", exact=True).select_option(label="Managers")
    page.get_by_label("Phase, row 2", exact=True).select_option(label="On site")
    page.get_by_label("Hours, row 2", exact=True).fill("12")
    screenshot(page, "staff-time-form")
    page.get_by_role("button", name="Save staff time").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("ILACS focused visit")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Staff time saved")
    expect(page.locator("#event-summary")).to_contain_text("4 March 2019 to 5 March 2019")
    expect(page.locator("#event-summary")).to_contain_text("Help and protection")
    expect(page.locator("[data-total=event-hours]")).to_have_text("49.5")
    event = InspectionEvent.objects.get(council=council)
    assert page.url.endswith(event.get_absolute_url())
    assert event.staff_time.aggregate(total=Sum("hours"))["total"] == Decimal("49.5")

    # The council's list shows it too, with its hours.
    page.get_by_role("link", name=council.name).first.click()
    row = page.locator("#events tr", has_text="ILACS focused visit")
    expect(row).to_contain_text("4 Mar 2019")
    expect(row).to_contain_text("49.5")

"""Every page at every width, on paper, with one filter-error pattern, and the pages a public
service must have (issue #13).

- At 1280, 640 (200% zoom at 1280), 390 and 320 px (400% zoom), no main page is wider than the
  screen: a table too wide scrolls inside its own region, which keyboard users can reach
  (tabindex 0) and screen readers can name (its caption).
- Printing a region's dashboard hides navigation, filters, buttons and downloads, fits the
  league table to an A4 page and prints no link's address; axe finds no violation in the print
  view.
- A filter the page does not read is refused: 400, the error summary (focused), "Error: ".
- The footer's pages and the rules page pass axe; password reset by e-mail works and is styled.

The list of pages is generated: the accessibility suite's main pages plus every named page of
the URL configuration (tests/browser/test_accessibility.py), so a new page is measured too.
"""

import re
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from inspections.models import Cluster, ImportJob

from .support import axe_violations, describe_violations, screenshot, sign_in
from .test_accessibility import _url_name, core_pages, discovered_pages
from .test_accessibility import events as events  # the same history, a fixture

pytestmark = pytest.mark.browser

WIDTHS = [1280, 640, 390, 320]
# The README's screenshots at phone width (as well as the accessibility suite's at 1280 px).
PHONE_SCREENSHOTS = {
    "council-page",
    "region-page",
    "dashboard-national",
    "event-page",
    "cluster-list",
    "cluster-detail",
    "forecast-national",
    "evidence-pack",
    "import-upload",
    "accessibility",
}
# A4 portrait less the print style sheet's 12 mm side margins, in CSS pixels (96 per inch).
A4_CONTENT_PX = round((210 - 2 * 12) / 25.4 * 96)


@pytest.fixture
def pages(world, events):  # noqa: F811 - the accessibility suite's fixture
    from tests.factories import make_event

    # A cluster (a JTAI and an area SEND inspection 15 days apart) and an import with problems.
    make_event(world.council_a, "area_send_full", date(2024, 10, 1))
    job = ImportJob.objects.create(
        kind="events",
        file_name="a-very-long-file-name-with-no-spaces-at-all-from-a-council-system.csv",
        content=b"",
        created_by=world.users["editor"],
    )
    assert Cluster.objects.filter(council=world.council_a).exists()
    listed = core_pages(world, events)
    listed += discovered_pages(world, events, {_url_name(path) for _, path in listed})
    listed.append(("import-job", reverse("import-job", args=[job.pk])))
    return listed


def overflow(page) -> dict:
    """How wide the document is, and the scrolling regions a keyboard could not reach."""
    return page.evaluate(
        """() => {
            const wide = document.documentElement.scrollWidth;
            const bad = [];
            for (const box of document.querySelectorAll('.app-table-scroll')) {
                if (box.scrollWidth <= box.clientWidth + 1) continue;
                const label = document.getElementById(box.getAttribute('aria-labelledby') || '');
                const name = (box.getAttribute('aria-label') || '').trim()
                             || (label ? label.textContent.trim() : '');
                if (box.getAttribute('tabindex') !== '0' || box.getAttribute('role') !== 'region'
                    || !name) {
                    bad.push(box.outerHTML.slice(0, 120));
                }
            }
            return {width: wide, viewport: window.innerWidth, unreachable: bad};
        }"""
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_screen(page, pages, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "administrator")
    too_wide, measured = [], 0
    for label, path in pages:
        response = page.goto(path)
        if page.locator("html.govuk-template").count() == 0:
            continue  # a file or a fragment
        measured += 1
        found = overflow(page)
        if found["width"] > found["viewport"] or found["unreachable"]:
            too_wide.append(f"{label} ({path}, {response.status}): {found}")
        if width == 390 and label in PHONE_SCREENSHOTS:
            screenshot(page, f"{label}-390")
    assert measured >= 20, f"only {measured} pages were measured"
    assert not too_wide, f"at {width} px:\n" + "\n".join(too_wide)


def test_the_check_finds_a_page_wider_than_the_screen(page, world):
    # Guards the measurement: a 500 px table outside any region widens a 320 px page.
    page.set_viewport_size({"width": 320, "height": 600})
    page.goto(reverse("about"))
    page.evaluate(
        """() => { const t = document.createElement('table');
                   t.innerHTML = '<tr><td>' + 'x'.repeat(80) + '</td></tr>';
                   t.style.width = '500px'; document.querySelector('main').append(t); }"""
    )
    assert overflow(page)["width"] > 320


def test_a_printed_region_dashboard_has_the_content_only_and_fits_a4(page, world, events):  # noqa: F811
    sign_in(page, "lga.officer")
    page.set_viewport_size({"width": A4_CONTENT_PX, "height": 1000})
    page.goto(world.council_a.region.get_absolute_url() + "?date_from=")
    page.emulate_media(media="print")

    for hidden in (
        ".govuk-service-navigation",
        ".govuk-header, .govuk-template__header",
        "#filters",
        "#downloads",
        ".govuk-footer",
        ".govuk-button",
    ):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    league = page.locator("#league-table")
    expect(league).to_be_visible()
    right = league.evaluate("t => t.getBoundingClientRect().right")
    assert right <= A4_CONTENT_PX, f"the league table is {right} px wide on a {A4_CONTENT_PX} page"
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_CONTENT_PX
    # No link's address printed after it (GOV.UK Frontend's print style adds them).
    after = page.evaluate(
        """() => [...document.querySelectorAll('main a[href]')]
                  .map(a => getComputedStyle(a, '::after').content)
                  .filter(c => c && c !== 'none' && c !== 'normal')"""
    )
    assert after == []
    violations = axe_violations(page)
    assert not violations, describe_violations("the print view of a region", violations)
    page.emulate_media(media="screen")
    expect(page.locator("#filters")).to_be_visible()


def test_a_filter_the_page_does_not_read_is_refused_on_every_filtered_page(page, world, events):  # noqa: F811
    sign_in(page, "lga.officer")
    region = world.council_a.region.slug
    filtered = [
        reverse("dashboard-national"),
        reverse("region-dashboard", args=[region]),
        reverse("council-detail", args=[world.council_a.slug]),
        reverse("cluster-list"),
        reverse("forecast-national"),
        reverse("forecast-region", args=[region]),
        reverse("inadequate-journey"),
        reverse("evidence-pack"),
        reverse("export-events"),
        reverse("export-summary"),
    ]
    failures = []
    for path in filtered:
        response = page.goto(f"{path}?councl=manchester")
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("‘councl’ is not a filter of this page")
        expect(page).to_have_title(re.compile(r"^Error: "))
        assert response.status == 400, path
    violations = axe_violations(page)
    if violations:
        failures.append(describe_violations("an export refused", violations))
    page.goto(reverse("council-detail", args=[world.council_a.slug]) + "?councl=x")
    expect(page.locator("#totals")).to_have_count(0)
    violations = axe_violations(page)
    if violations:
        failures.append(describe_violations("a council page refused", violations))
    assert not failures, "\n\n".join(failures)


def test_the_footer_pages_and_the_rules_page_pass_axe(page, world, events):  # noqa: F811
    failures = []
    page.goto(reverse("login"))
    for name in ("Accessibility statement", "Cookies", "Privacy", "Contact"):
        page.locator("footer").get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        violations = axe_violations(page)
        if violations:
            failures.append(describe_violations(name, violations))
        if name == "Accessibility statement":
            screenshot(page, "accessibility")

    sign_in(page, "administrator")
    page.goto(reverse("cluster-list"))
    page.get_by_role("link", name="Change the cluster rules").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cluster rules")
    screenshot(page, "cluster-rules")
    page.get_by_role("link", name=re.compile(r"^Back-to-back\W+change$")).click()
    page.get_by_label("Window in days").fill("400")
    # Every formal inspection within 400 days: Lakeshire's and Riverton's fall together.
    page.get_by_role("button", name="Preview the clusters").click()
    expect(page.locator("#preview-count")).to_contain_text("would find 2 clusters in 2 councils")
    expect(page.locator("#rule-preview")).to_be_visible()
    screenshot(page, "cluster-rule-preview")
    violations = axe_violations(page)
    if violations:
        failures.append(describe_violations("the rule preview", violations))
    assert not failures, "\n\n".join(failures)


def test_a_forgotten_password_is_reset_by_email_on_styled_pages(page, world, live_server, settings):
    # The link in the e-mail starts with the service's address (SITE_URL), here the live server.
    settings.SITE_URL = live_server.url
    user = world.users["editor"]
    user.email = "editor.a@lakeshire.example"
    user.save()
    page.goto(reverse("login"))
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.locator("html.govuk-template")).to_have_count(1)
    failures = []
    violations = axe_violations(page)
    if violations:
        failures.append(describe_violations("password reset", violations))
    page.get_by_label("Email").fill(user.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[0].body)[0]
    assert link.startswith(live_server.url + "/accounts/reset/")
    page.goto(link)
    expect(page.locator("html.govuk-template")).to_have_count(1)
    violations = axe_violations(page)
    if violations:
        failures.append(describe_violations("choose a new password", violations))
    assert not failures, "\n\n".join(failures)

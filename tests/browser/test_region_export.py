import csv
import io
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.factories import make_event, make_hours

from .support import sign_in

pytestmark = pytest.mark.browser

CSV_LINK = re.compile(r"CSV", re.IGNORECASE)


def download_csv(page):
    """Follow the page's first CSV link; the file's name and its text (BOM kept)."""
    with page.expect_download() as started:
        page.get_by_role("link", name=CSV_LINK).first.click()
    download = started.value
    with open(download.path(), encoding="utf-8", newline="") as handle:
        return download.suggested_filename, handle.read()


def test_an_lga_officer_filters_a_region_and_downloads_what_it_shows(page, world):
    manchester, salford, cornwall = world.council_a, world.council_b, world.other_region_council
    # Within the last year, so that any default period of the dashboards includes them.
    today = date.today()
    standard = make_event(manchester, "ilacs_standard", today - timedelta(days=300))
    make_hours(standard, 420, team="practitioners", phase="on_site")
    make_event(manchester, "jtai", today - timedelta(days=120), theme="Domestic abuse")
    make_event(salford, "ilacs_short", today - timedelta(days=200))
    make_event(cornwall, "ilacs_standard", today - timedelta(days=100))

    sign_in(page, "lga.officer")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Councils").click()
    page.get_by_role("link", name="North West", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("North West")
    if page.get_by_role("link", name=CSV_LINK).count() == 0:
        pytest.skip("export issue not landed: the region page has no CSV download link")

    unfiltered_name, unfiltered = download_csv(page)

    family = page.get_by_label("Family", exact=True)
    family.select_option(label="ILACS (Ofsted)")
    page.locator("form").filter(has=family).get_by_role("button").first.click()
    expect(page).to_have_url(re.compile(r"family=ilacs"))
    expect(page.get_by_label("Family", exact=True).locator("option:checked")).to_have_text(
        "ILACS (Ofsted)"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("North West")

    name, text = download_csv(page)
    assert name.endswith(".csv")
    assert text.startswith("\ufeff"), "Excel needs the UTF-8 byte-order mark"
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) >= 2, text
    header = rows[0]
    assert all(column and column == column.strip() for column in header), header
    assert "Manchester" in text or manchester.gss_code in text
    # The region's export, not England's; and the filter reached the file.
    for export in (unfiltered, text):
        assert "Cornwall" not in export and cornwall.gss_code not in export
    assert text != unfiltered
    if any("type" in column for column in header):  # one row per event
        assert "Joint targeted area inspection" in unfiltered
        assert "Joint targeted area inspection" not in text
    assert unfiltered_name.endswith(".csv")

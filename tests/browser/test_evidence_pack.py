"""The evidence pack printed by Chromium to PDF: A4 pages, every section present (read back
with pypdf), no sign-in header or filters on paper."""

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from inspections.models import InspectionOutcome
from tests.factories import make_event, make_hours

from .support import screenshot, sign_in

pytestmark = pytest.mark.browser

A4_POINTS = (595, 842)
SECTIONS = [
    "Headline figures",
    "Events per quarter",
    "Cost by financial year",
    "Staff hours and cost by team",
    "Cost per 10,000 children and young people, by council",
    "Inspection events a year",
    "The inadequate journey",
    "The cost rates used",
    "Definitions",
    "Data sources",
]


def test_the_pack_for_a_region_prints_to_a4_with_every_section(page, world):
    manchester, salford = world.council_a, world.council_b
    today = date.today()
    inadequate = InspectionOutcome.objects.get(
        inspection_type__code="ilacs_standard", code="inadequate"
    )
    standard = make_event(
        manchester,
        "ilacs_standard",
        today - timedelta(days=400),
        outcome=inadequate,
        published_on=today - timedelta(days=340),
    )
    make_hours(standard, 420, team="practitioners", phase="on_site")
    visit = make_event(manchester, "ilacs_monitoring_visit", today - timedelta(days=200))
    make_hours(visit, 35, team="data", phase="preparation")
    make_event(salford, "jtai", today - timedelta(days=120), theme="Domestic abuse")

    sign_in(page, "lga.officer")
    page.goto(f"/evidence-pack/?region=north-west&date_from={today.year - 2}-01-01")
    page.get_by_role("heading", level=1, name="North West").wait_for()
    screenshot(page, "evidence-pack")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)

    reader = PdfReader(io.BytesIO(pdf))
    for pdf_page in reader.pages:
        width, height = float(pdf_page.mediabox.width), float(pdf_page.mediabox.height)
        assert (round(width), round(height)) == A4_POINTS
    text = " ".join(pdf_page.extract_text() for pdf_page in reader.pages)
    text = " ".join(text.split())
    missing = [section for section in SECTIONS if section not in text]
    assert not missing, f"sections missing from the printed pack: {missing}"
    assert "Manchester" in text
    # What is for the screen stays off the paper.
    assert "Sign out" not in text and "Make the pack" not in text
    assert "Download the pack as a ZIP" not in text
    page.emulate_media(media="print")
    screenshot(page, "evidence-pack-print")

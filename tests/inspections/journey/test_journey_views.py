"""The inadequate journey from the database: a hand-made history of two councils, its page and
its exports, hours and cost while inadequate visible as hours are."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from councils.access import access_for
from inspections.cost.models import CostRate
from inspections.journey import selectors
from inspections.models import InspectionOutcome
from inspections.selectors.burden import BurdenFilters
from tests import factories


def judgement(council, code, start, published, grade):
    event = factories.make_event(
        council, code, start, published_on=published, outcome=_outcome(code, grade)
    )
    return event


def _outcome(code, grade):
    return InspectionOutcome.objects.get(inspection_type__code=code, code=grade)


@pytest.fixture
def history(council_a, council_b):
    """Lakeshire: inadequate (published 2019-03-01), two monitoring visits and a DfE step,
    re-inspected and judged good (published 2021-03-01). Riverton: inadequate (published
    2023-06-01), nothing since."""
    CostRate.objects.all().delete()
    CostRate.objects.create(team="data", applies_from=date(2000, 4, 1), hourly_rate=20, source="t")
    judgement(council_a, "ilacs_standard", date(2019, 1, 14), date(2019, 3, 1), "inadequate")
    visit = factories.make_event(council_a, "ilacs_monitoring_visit", date(2019, 6, 3))
    factories.make_hours(visit, "10")
    factories.make_event(council_a, "ilacs_monitoring_visit", date(2019, 10, 7))
    factories.make_event(council_a, "dfe_intervention", date(2019, 4, 1), days=1)
    judgement(council_a, "ilacs_standard", date(2021, 1, 11), date(2021, 3, 1), "good")
    judgement(council_b, "ilacs_standard", date(2023, 4, 17), date(2023, 6, 1), "inadequate")


def test_every_inadequate_judgement_and_what_followed(history, lga_officer, council_a):
    rows = selectors.journey_rows(BurdenFilters(), access_for(lga_officer))
    assert [r.council_name for r in rows] == ["Lakeshire", "Riverton"]
    a, b = rows
    assert (a.monitoring_visits, a.focused_visits, a.dfe_steps) == (2, 0, 1)
    assert a.next_outcome == "Good" and a.next_judged_on == date(2021, 3, 1) and a.improved
    assert a.staff_hours == Decimal("10.00") and a.cost == Decimal("200.00")
    assert b.next_judged_on is None and b.improved is None
    (england, north_west) = selectors.journey_figures(BurdenFilters(), access_for(lga_officer))
    assert england.name == "England" and north_west.name == "North West"
    assert england.figures.median_days_inadequate == Decimal("731.0")
    assert england.figures.spells_open == 1 and england.figures.share_improved == Decimal("100.0")
    assert england.cost == Decimal("200.00")


def test_another_councils_hours_while_inadequate_are_not_shown(history, editor_b):
    rows = {
        r.council_name: r for r in selectors.journey_rows(BurdenFilters(), access_for(editor_b))
    }
    assert rows["Lakeshire"].staff_hours is None and rows["Lakeshire"].cost is None
    assert rows["Lakeshire"].monitoring_visits == 2  # dates are public
    (england, _) = selectors.journey_figures(BurdenFilters(), access_for(editor_b))
    assert england.cost is None  # it would be Lakeshire's alone


def test_a_period_after_the_journey_leaves_it_out(history, lga_officer):
    rows = selectors.journey_rows(
        BurdenFilters(date_from=date(2022, 1, 1)), access_for(lga_officer)
    )
    assert [r.council_name for r in rows] == ["Riverton"]


def test_the_page_and_its_exports(history, client_for, lga_officer):
    client = client_for(lga_officer)
    page = client.get(reverse("inadequate-journey"))
    assert page.status_code == 200
    assert 'id="journeys-table"' in page.text and "Lakeshire" in page.text
    assert 'id="journey-timeline"' in page.text
    body = client.get(reverse("export-inadequate-journeys")).getvalue().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["council_name"] for r in rows] == ["Lakeshire", "Riverton"]
    assert rows[0]["monitoring_visits_after"] == "2" and rows[0]["improved_at_next"] == "yes"
    assert rows[0]["cost_while_inadequate_gbp"] == "200.00"
    assert rows[1]["improved_at_next"] == "" and rows[1]["next_judged_on"] == ""
    body = client.get(reverse("export-inadequate-journey-figures")).getvalue()
    figures = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert figures[0]["scope"] == "England" and figures[0]["median_days_inadequate"] == "731.00"


def test_a_bad_filter_is_named(client_for, lga_officer, db):
    page = client_for(lga_officer).get(reverse("inadequate-journey"), {"region": "atlantis"})
    assert page.status_code == 400 and "govuk-error-summary" in page.text


def test_a_report_known_by_its_publication_date_counts_from_that_date(council_a, lga_officer):
    """A children's services judgement of any ILACS-family type counts, single inspection
    framework reports (loaded with estimated on-site dates) included: dated by publication."""
    from inspections.models import InspectionType

    sif, _ = InspectionType.objects.get_or_create(
        code="sif_like_test", defaults={"name": "SIF-like inspection", "family": "ilacs"}
    )
    for code in ("inadequate", "good"):
        InspectionOutcome.objects.get_or_create(
            inspection_type=sif, code=code, defaults={"label": code.title()}
        )
    factories.make_event(
        council_a,
        "sif_like_test",
        date(2016, 1, 11),
        days=20,
        published_on=date(2016, 3, 15),
        outcome=InspectionOutcome.objects.get(inspection_type=sif, code="inadequate"),
    )
    judgement(council_a, "ilacs_standard", date(2019, 1, 14), date(2019, 3, 1), "good")
    (row,) = selectors.journey_rows(BurdenFilters(), access_for(lga_officer))
    assert row.inspection_type == "SIF-like inspection"
    assert row.judged_on == date(2016, 3, 15)
    assert row.next_judged_on == date(2019, 3, 1) and row.improved

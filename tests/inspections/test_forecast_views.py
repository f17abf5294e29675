"""The forecast pages and exports for each role: forecasts are public, like inspection dates."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from inspections.forecast.services import forecast_recompute
from inspections.models import ClusterRule, ForecastClash, InspectionOutcome, Source
from tests.factories import make_council, make_event

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 30)
ROLES = ["viewer_a", "editor_a", "editor_b", "lga_officer", "administrator"]


@pytest.fixture
def forecast(council_a, council_b, london):
    """Lakeshire: an area SEND inspection due and an ILACS logged ahead, close together."""
    make_event(
        council_a,
        "area_send_full",
        date(2024, 3, 11),
        outcome=InspectionOutcome.objects.get(code="inconsistent"),
    )
    make_event(council_a, "ilacs_standard", date(2027, 2, 1), days=10)
    make_event(
        council_b,
        "ilacs_short",
        date(2025, 1, 13),
        outcome=InspectionOutcome.objects.get(inspection_type__code="ilacs_short", code="good"),
        source=Source.DEMO,
    )
    make_council("Thameside", region=london)
    forecast_recompute(as_of=AS_OF, alert=False)


def urls(council_a):
    return [
        reverse("forecast-national"),
        reverse("forecast-region", args=["north-west"]),
        council_a.get_absolute_url(),
        reverse("export-forecast-clashes"),
        reverse("export-forecast-windows"),
    ]


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def test_forecast_pages_need_a_signed_in_user(client, forecast, council_a):
    for url in urls(council_a):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_same_forecast(request, client_for, forecast, council_a, role):
    client = client_for(request.getfixturevalue(role))
    national = client.get(reverse("forecast-national"), {"months": 6})
    assert national.status_code == 200
    clashes = [(c.council.name, c.member_key) for c in national.context["clashes"]]
    assert ("Lakeshire", "area_send_full+ilacs_full") in clashes
    region = client.get(reverse("forecast-region", args=["north-west"]))
    assert region.status_code == 200
    page = body(region)
    assert '<svg xmlns="http://www.w3.org/2000/svg" id="forecast-timeline"' in page
    assert "Forecast inspection windows: North West" in page  # the title inside the chart
    assert "Demo: includes invented figures" in page  # Riverton's window rests on a demo event
    assert 'id="region-forecast-windows"' in page
    council = client.get(council_a.get_absolute_url())
    text = body(council)
    assert 'id="council-forecast-windows"' in text
    assert "Area SEND full inspection" in text and "within approximately three years" in text
    assert 'data-clash="area_send_full+ilacs_full"' in text
    clash_csv = body(client.get(reverse("export-forecast-clashes"), {"region": "north-west"}))
    rows = list(csv.DictReader(io.StringIO(clash_csv)))
    assert ("Lakeshire", "Back-to-back") in {(r["council_name"], r["rule"]) for r in rows}
    windows_csv = body(client.get(reverse("export-forecast-windows"), {"council": "riverton"}))
    rows = list(csv.DictReader(io.StringIO(windows_csv)))
    assert len(rows) == 7 and {r["demo"] for r in rows if r["regime"] == "ilacs_full"} == {"yes"}


def test_the_clash_export_lists_what_the_page_lists(client_for, lga_officer, forecast):
    """In the same order (the page shows 50 at a time; the export every one)."""
    client = client_for(lga_officer)
    for months in (6, 12, 24):
        page = client.get(reverse("forecast-national"), {"months": months})
        listed = [(c.council.name, c.rule.name, c.member_key) for c in page.context["clashes"]]
        exported = body(client.get(reverse("export-forecast-clashes"), {"months": months}))
        rows = list(csv.DictReader(io.StringIO(exported)))
        assert [(r["council_name"], r["rule"]) for r in rows] == [(n, r) for n, r, _ in listed]


def test_a_horizon_nobody_offers_is_refused_with_a_message_not_an_error(
    client_for, viewer_a, forecast
):
    client = client_for(viewer_a)
    page = client.get(reverse("forecast-national"), {"months": "7"})
    assert page.status_code == 400 and page.context["months"] == 12
    assert 'id="forecast-clashes"' not in body(page)  # no clashes beside the error
    assert "Select a valid choice" in body(page)
    export = client.get(reverse("export-forecast-clashes"), {"months": "abc"})
    assert export.status_code == 400 and "months" in export.content.decode()


def test_an_unknown_region_is_not_found(client_for, viewer_a, forecast):
    assert (
        client_for(viewer_a).get(reverse("forecast-region", args=["atlantis"])).status_code == 404
    )


def test_the_navigation_links_the_forecast(client_for, viewer_a, forecast):
    page = client_for(viewer_a).get(reverse("council-list"))
    assert reverse("forecast-national") in body(page)


def test_the_national_list_shows_fifty_clashes_a_page(client_for, viewer_a, council_a):
    rule = ClusterRule.objects.get(name="Back-to-back")
    ForecastClash.objects.bulk_create(
        ForecastClash(
            council=council_a,
            rule=rule,
            member_key=f"a+b{n}",
            members=[],
            summary=f"Clash {n}",
            likelihood_6=0.5,
            likelihood_12=0.6,
            likelihood_24=0.7,
            likely_date=date(2027, 1, 1),
            first_date=date(2027, 1, 1),
            last_date=date(2027, 3, 1),
            as_of=AS_OF,
        )
        for n in range(60)
    )
    client = client_for(viewer_a)
    assert len(client.get(reverse("forecast-national")).context["clashes"]) == 50
    second = client.get(reverse("forecast-national"), {"page": 2, "months": 12})
    assert len(second.context["clashes"]) == 10
    exported = body(client.get(reverse("export-forecast-clashes"), {"months": 12}))
    assert len(list(csv.DictReader(io.StringIO(exported)))) == 60

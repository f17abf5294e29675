"""Values a program can send that DRF's own fields would take: read by the one plausibility
rule instead (digits 0 to 9, bounded), each refusal a 400 naming the field, never a 500.

Found by a tester after the schemathesis run: ``{"event": 1e309}`` (JSON's infinity) gave a 500
on staff-time create and update; ``２０２５-01-01``, ``١٢`` and ``٣`` were saved as 2025, 12 and 3;
``people`` of 0 answered with a database constraint's name and 2,147,483,648 was saved.
"""

import json

import pytest

from inspections.models import InspectionEvent, StaffTime

STAFF = "/api/v1/staff-time/"
EVENTS = "/api/v1/events/"


def _post_raw(api, url, body: str):
    return api.post(url, data=body, content_type="application/json")


@pytest.mark.parametrize("method", ["post", "patch"])
def test_an_infinite_event_id_is_a_400_naming_the_field(method, api_for, editor_a, event_a):
    api = api_for(editor_a)
    body = '{"event": 1e309, "team": "data", "phase": "after", "hours": "1"}'
    if method == "post":
        response = _post_raw(api, STAFF, body)
    else:
        entry = event_a.staff_time.first()
        response = api.patch(f"{STAFF}{entry.pk}/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "event" in response.json()


@pytest.mark.parametrize(
    "field, value",
    [
        ("event", "٩١٢٠"),
        ("hours", "１２"),
        ("people", "٣"),
        ("people", 0),
        ("people", 2147483648),
        ("people", True),
        ("hours", "1e3"),
    ],
)
def test_staff_time_numbers_are_digits_0_to_9_within_bounds(
    field, value, api_for, editor_a, event_a
):
    before = StaffTime.objects.count()
    body = {"event": event_a.pk, "team": "data", "phase": "after", "hours": "1", "people": 1}
    body[field] = value
    response = _post_raw(api_for(editor_a), STAFF, json.dumps(body))
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert "Constraint" not in json.dumps(response.json())
    assert StaffTime.objects.count() == before


@pytest.mark.parametrize("field", ["on_site_start", "notified_on", "published_on"])
def test_event_dates_in_other_scripts_digits_are_refused(field, api_for, editor_a, council_a):
    body = {
        "council": council_a.slug,
        "inspection_type": "ilacs_focused_visit",
        "on_site_start": "2025-03-03",
        "on_site_end": "2025-03-04",
    }
    body[field] = "２０２５-03-03"
    response = _post_raw(api_for(editor_a), EVENTS, json.dumps(body))
    assert response.status_code == 400 and field in response.json()
    assert not InspectionEvent.objects.filter(council=council_a).exists()


def test_an_impossible_date_is_named_as_not_real(api_for, editor_a, council_a):
    body = {
        "council": council_a.slug,
        "inspection_type": "ilacs_focused_visit",
        "on_site_start": "2025-02-30",
        "on_site_end": "2025-03-04",
    }
    response = _post_raw(api_for(editor_a), EVENTS, json.dumps(body))
    assert response.status_code == 400
    assert "real date" in response.json()["on_site_start"][0]


@pytest.mark.parametrize("url", ["/api/v1/summaries/regions/", "/api/v1/summaries/councils/"])
def test_summary_dates_in_other_scripts_digits_are_refused(url, api_for, lga_officer):
    response = api_for(lga_officer).get(url, {"date_from": "２０２５-01-01"})
    assert response.status_code == 400


def test_a_csv_page_says_the_list_goes_on(api_for, lga_officer, council_a):
    from datetime import date, timedelta

    from tests.factories import make_event

    for week in range(3):
        make_event(council_a, "ilacs_focused_visit", date(2025, 3, 3) + timedelta(weeks=week))
    response = api_for(lga_officer).get(EVENTS, {"format": "csv", "page_size": 2})
    assert response.status_code == 200
    assert response["X-Total-Count"] == "3"
    assert 'rel="next"' in response["Link"] and "page=2" in response["Link"]


def test_notes_are_bounded_so_every_event_can_be_imported_again(api_for, editor_a, council_a):
    """2,000,000 characters of notes were saved, and the export could not be imported back."""
    body = {
        "council": council_a.slug,
        "inspection_type": "ilacs_focused_visit",
        "on_site_start": "2025-03-03",
        "on_site_end": "2025-03-04",
        "notes": "x" * 10_001,
    }
    response = _post_raw(api_for(editor_a), EVENTS, json.dumps(body))
    assert response.status_code == 400 and "notes" in response.json()
    body["notes"] = "x" * 10_000
    assert _post_raw(api_for(editor_a), EVENTS, json.dumps(body)).status_code == 201

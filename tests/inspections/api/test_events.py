import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from inspections.models import Cluster, InspectionEvent, Source, StaffTime
from tests.factories import make_event

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"


def new_event(**changes):
    body = {
        "council": "Lakeshire",
        "inspection_type": "jtai",
        "notified_on": "2025-06-02",
        "on_site_start": "2025-06-16",
        "on_site_end": "2025-06-20",
        "theme": "Child exploitation",
    }
    body.update(changes)
    return body


def test_an_editor_creates_an_event_naming_the_council_by_any_code(api_for, editor_a, council_a):
    for key, start in [(council_a.gss_code, "2025-06-16"), (council_a.slug, "2025-09-01")]:
        response = api_for(editor_a).post(
            EVENTS, new_event(council=key, on_site_start=start, on_site_end=start), format="json"
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["council"] == council_a.slug
        assert body["inspection_type"] == "jtai"
        assert body["on_site_days"] == 1
    event = InspectionEvent.objects.get(pk=body["id"])
    assert event.source == Source.API
    assert event.created_by == editor_a


def test_validation_errors_name_the_field_with_the_forms_messages(api_for, editor_a, council_a):
    api = api_for(editor_a)
    response = api.post(EVENTS, new_event(on_site_end="2025-06-01"), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "on_site_end": ["The on-site end must be the same as or after the on-site start."]
    }
    response = api.post(EVENTS, new_event(notified_on="2025-07-01"), format="json")
    assert response.json() == {
        "notified_on": ["The date notified must be the same as or before the on-site start."]
    }
    response = api.post(EVENTS, new_event(notified_on=None), format="json")
    assert response.status_code == 201, response.json()  # the date notified may be unknown
    response = api.post(EVENTS, new_event(on_site_start="31/02/2025"), format="json")
    assert list(response.json()) == ["on_site_start"]
    response = api.post(EVENTS, new_event(inspection_type="nonsense"), format="json")
    assert list(response.json()) == ["inspection_type"]
    response = api.post(EVENTS, new_event(outcome="outstanding"), format="json")
    assert list(response.json()) == ["outcome"]
    assert "not an outcome of" in response.json()["outcome"][0]
    response = api.post(EVENTS, new_event(council="Nowhere"), format="json")
    assert list(response.json()) == ["council"]
    assert InspectionEvent.objects.count() == 1  # only the one without a date notified


def test_the_one_event_per_council_type_and_start_rule_has_the_models_message(
    api_for, editor_a, council_a
):
    api = api_for(editor_a)
    assert api.post(EVENTS, new_event(), format="json").status_code == 201
    response = api.post(EVENTS, new_event(), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "This council already has an event of this type starting on that date."
        ]
    }


def test_an_event_created_by_the_api_triggers_the_cluster_check(
    api_for, editor_a, council_a, django_capture_on_commit_callbacks
):
    make_event(council_a, "ilacs_standard", date(2025, 4, 7))
    assert not Cluster.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(editor_a).post(EVENTS, new_event(), format="json")
    assert response.status_code == 201
    cluster = Cluster.objects.get(council=council_a)
    assert response.json()["id"] in set(cluster.events.values_list("pk", flat=True))
    clusters = api_for(editor_a).get("/api/v1/clusters/", {"council": council_a.gss_code})
    assert [c["id"] for c in clusters.json()["results"]] == [cluster.pk]


def test_an_update_with_a_stale_version_is_refused_with_412(api_for, editor_a, event_a):
    api = api_for(editor_a)
    read = api.get(f"{EVENTS}{event_a.pk}/")
    etag = read["ETag"]
    assert etag.strip('"') == read.json()["version"]
    first = api.patch(
        f"{EVENTS}{event_a.pk}/", {"notes": "first"}, format="json", HTTP_IF_MATCH=etag
    )
    assert first.status_code == 200, first.json()
    assert first["ETag"] != etag
    stale = api.patch(
        f"{EVENTS}{event_a.pk}/", {"notes": "second"}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    stale = api.patch(
        f"{EVENTS}{event_a.pk}/",
        {"notes": "second", "version": read.json()["version"]},
        format="json",
    )
    assert stale.status_code == 412
    event_a.refresh_from_db()
    assert event_a.notes == "first"


def test_a_published_records_published_fields_stay_for_a_council(api_for, editor_a, council_a):
    event = make_event(council_a, "ilacs_standard", date(2024, 1, 8), source=Source.PUBLISHED)
    api = api_for(editor_a)
    response = api.patch(
        f"{EVENTS}{event.pk}/", {"on_site_start": "2024-01-01"}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["on_site_start"]
    response = api.patch(
        f"{EVENTS}{event.pk}/", {"notes": "ours"}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 200
    assert api.delete(f"{EVENTS}{event.pk}/").status_code == 403


def test_staff_hours_follow_the_hours_rule(api_for, viewer_a, lga_officer, event_a, event_b):
    own = api_for(viewer_a).get(EVENTS).json()["results"]
    hours = {row["id"]: row["staff_hours"] for row in own}
    assert hours == {event_a.pk: 52.5, event_b.pk: None}
    everyone = api_for(lga_officer).get(EVENTS).json()["results"]
    assert {row["id"]: row["staff_hours"] for row in everyone} == {
        event_a.pk: 52.5,
        event_b.pk: 123.5,
    }


def test_staff_time_is_logged_changed_and_deleted_through_the_service(api_for, editor_a, event_a):
    api = api_for(editor_a)
    response = api.post(
        "/api/v1/staff-time/",
        {"event": event_a.pk, "team": "data", "phase": "after", "hours": "7.5", "people": 2},
        format="json",
    )
    assert response.status_code == 201, response.json()
    entry = StaffTime.objects.get(pk=response.json()["id"])
    assert entry.hours == Decimal("7.5") and entry.created_by == editor_a
    too_many = api.patch(f"/api/v1/staff-time/{entry.pk}/", {"hours": "10000.01"}, format="json")
    assert too_many.status_code == 400
    assert too_many.json() == {"hours": ["Hours must be more than 0 and at most 10,000."]}
    assert api.delete(f"/api/v1/staff-time/{entry.pk}/").status_code == 204
    assert not StaffTime.objects.filter(pk=entry.pk).exists()


def test_list_endpoints_render_formula_safe_csv(api_for, editor_a, event_a):
    event_a.notes = "=HYPERLINK(1)"
    event_a.save()
    response = api_for(editor_a).get(EVENTS, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id,url,council,")
    assert "'=HYPERLINK(1)" in text


def test_withheld_hours_read_not_shown_in_csv(api_for, viewer_a, event_a, event_b):
    response = api_for(viewer_a).get(EVENTS, {"format": "csv"})
    rows = {
        row["id"]: row for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    }
    assert rows[str(event_a.pk)]["staff_hours"] == "52.50"
    assert rows[str(event_b.pk)]["staff_hours"] == "not shown"

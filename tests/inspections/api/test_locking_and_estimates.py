"""Optimistic locking on the API's event updates (If-Match or version, 412 on conflict, 428
without either) and estimated on-site dates through the API, as on the pages."""

from datetime import date

import pytest

from inspections.models import Cluster, ClusterRule, InspectionEvent
from tests.factories import make_event

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"


def test_the_etag_is_the_events_version_and_a_stale_one_is_refused_with_412(
    api_for, editor_a, administrator, council_a
):
    event = make_event(council_a, "jtai", date(2025, 5, 5))
    mine, theirs = api_for(editor_a), api_for(administrator)
    read = mine.get(f"{EVENTS}{event.pk}/")
    assert read["ETag"] == f'"{event.version}"' == f'"{read.json()["version"]}"'

    # Someone else changes it first, from the same version.
    other = theirs.patch(
        f"{EVENTS}{event.pk}/", {"theme": "Neglect"}, format="json", HTTP_IF_MATCH=read["ETag"]
    )
    assert other.status_code == 200
    assert other["ETag"] == f'"{event.version + 1}"'

    for how in ({"HTTP_IF_MATCH": read["ETag"]}, {"HTTP_IF_MATCH": f"W/{read['ETag']}"}):
        stale = mine.patch(f"{EVENTS}{event.pk}/", {"notes": "mine"}, format="json", **how)
        assert stale.status_code == 412
        body = stale.json()
        assert body["version"] == str(event.version + 1)
        assert "Theme" in body["changed"] and "Theme" in body["detail"]
    stale = mine.put(
        f"{EVENTS}{event.pk}/",
        {**read.json(), "notes": "mine"},  # the body's version is the one read
        format="json",
    )
    assert stale.status_code == 412
    assert mine.delete(f"{EVENTS}{event.pk}/", HTTP_IF_MATCH=read["ETag"]).status_code == 412
    event.refresh_from_db()
    assert (event.theme, event.notes) == ("Neglect", "")

    # With the version now, the change goes through; several ETags: any may match.
    now = mine.get(f"{EVENTS}{event.pk}/")["ETag"]
    done = mine.patch(
        f"{EVENTS}{event.pk}/", {"notes": "mine"}, format="json", HTTP_IF_MATCH=f'"1", {now}'
    )
    assert done.status_code == 200, done.json()
    event.refresh_from_db()
    assert (event.theme, event.notes) == ("Neglect", "mine")


def test_a_change_without_a_version_is_428_and_a_version_that_is_not_one_is_400(
    api_for, editor_a, council_a
):
    event = make_event(council_a, "jtai", date(2025, 5, 5))
    api = api_for(editor_a)
    assert api.patch(f"{EVENTS}{event.pk}/", {"notes": "x"}, format="json").status_code == 428
    bad = api.patch(f"{EVENTS}{event.pk}/", {"notes": "x"}, format="json", HTTP_IF_MATCH='"²"')
    assert bad.status_code == 400 and list(bad.json()) == ["If-Match"]
    bad = api.patch(f"{EVENTS}{event.pk}/", {"notes": "x", "version": "1e9"}, format="json")
    assert bad.status_code == 400 and list(bad.json()) == ["version"]
    body = {"notes": "x", "version": str(event.version)}
    assert api.patch(f"{EVENTS}{event.pk}/", body, format="json").status_code == 200
    assert api.patch(f"{EVENTS}{event.pk}/", {"notes": "y"}, HTTP_IF_MATCH="*").status_code == 200
    # Deleting takes If-Match when sent, and needs none.
    assert api.delete(f"{EVENTS}{event.pk}/").status_code == 204


def test_an_event_known_only_by_its_publication_date_gets_estimated_dates(
    api_for, editor_a, council_a
):
    api = api_for(editor_a)
    created = api.post(
        EVENTS,
        {
            "council": council_a.gss_code,
            "inspection_type": "ilacs_standard",
            "published_on": "2025-03-31",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["dates_estimated"] is True
    event = InspectionEvent.objects.get(pk=body["id"])
    assert event.dates_estimated
    assert body["on_site_start"] == event.on_site_start.isoformat() < "2025-03-31"

    # In its clusters too (shown as estimated), then replaced by real dates.
    other = make_event(council_a, "jtai", event.on_site_start)
    cluster = Cluster.objects.create(
        council=council_a,
        rule=ClusterRule.objects.first(),
        member_key=f"{event.pk},{other.pk}",
        first_date=event.on_site_start,
        last_date=event.on_site_start,
        span_days=0,
        event_count=2,
    )
    cluster.events.set([event, other])
    read = api.get("/api/v1/clusters/", {"council": council_a.slug}).json()["results"][0]
    assert read["includes_estimated_dates"] is True
    assert {m["id"]: m["dates_estimated"] for m in read["events"]} == {
        event.pk: True,
        other.pk: False,
    }

    real = api.patch(
        f"{EVENTS}{event.pk}/",
        {"on_site_start": "2025-01-13", "on_site_end": "2025-01-24"},
        format="json",
        HTTP_IF_MATCH=f'"{body["version"]}"',
    )
    assert real.status_code == 200, real.json()
    assert real.json()["dates_estimated"] is False

    neither = api.post(
        EVENTS, {"council": council_a.slug, "inspection_type": "jtai"}, format="json"
    )
    assert neither.status_code == 400
    assert "published" in " ".join(neither.json()["on_site_start"])

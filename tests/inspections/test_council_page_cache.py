"""The council page's parts drawn once and kept as HTML: still right for each user, and fresh
after every write (the events by the write's generation, the clusters and forecast by theirs)."""

import time
import types
from datetime import date, timedelta

import pytest
from django.urls import reverse

from inspections import dashboard_cache, services
from inspections.forecast.services import forecast_recompute
from inspections.models import InspectionEvent
from inspections.selectors.burden import cache_generation, derived_generation
from inspections.services.clusters import cluster_acknowledge, council_clusters_recheck
from tests.factories import inspection_type, make_event, make_hours, make_user

pytestmark = pytest.mark.django_db

DAY0 = date(2025, 3, 3)


def _page(client, council, **params):
    response = client.get(council.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def _save_jtai(council, start):
    """A JTAI of five days on site from ``start``, saved as the event form saves it."""
    services.event_save(
        event=InspectionEvent(
            council=council,
            inspection_type=inspection_type("jtai"),
            on_site_start=start,
            on_site_end=start + timedelta(days=4),
        )
    )


def _part(body, opening, closing="</table>"):
    """The part of the page from the element with ``opening`` in it to its end."""
    start = body.index(opening)
    return body[start : body.index(closing, start)]


def test_a_viewer_is_not_given_an_editors_links_from_the_cache(
    client, client_for, council_a, editor_a, viewer_a
):
    make_event(council_a, start=DAY0)
    create_url = reverse("event-create", args=[council_a.slug])
    editors = _page(client_for(editor_a), council_a)
    assert create_url in editors
    client.logout()
    viewers = _page(client_for(viewer_a), council_a)
    assert create_url not in viewers
    # The same table (the council's own hours), drawn once.
    assert viewers.count('id="events"') == 1 and "Staff hours" in viewers


def test_hours_drawn_for_one_user_are_not_shown_from_the_cache_to_another(
    client, client_for, council_a, council_b, lga_officer, editor_b
):
    event = make_event(council_a, "jtai", DAY0)
    make_event(council_a, start=DAY0 + timedelta(days=40))
    make_hours(event, 1234)
    council_clusters_recheck(council_id=council_a.pk, alert=False)
    officers = _page(client_for(lga_officer), council_a)
    assert "1,234" in officers
    client.logout()
    others = _page(client_for(editor_b), council_a)
    assert "1,234" not in others and "Not shown to you" in others
    assert reverse("event-create", args=[council_a.slug]) not in others


def test_an_event_saved_shows_on_the_next_view(
    client_for, council_a, viewer_a, django_capture_on_commit_callbacks
):
    client = client_for(viewer_a)
    assert "No events match these filters." in _page(client, council_a)
    with django_capture_on_commit_callbacks(execute=True):
        _save_jtai(council_a, DAY0)
    body = _page(client, council_a)
    assert "No events match these filters." not in body and "3 Mar 2025" in body


def test_each_page_of_the_events_is_drawn_for_itself(client_for, council_a, viewer_a):
    for offset in range(51):
        make_event(council_a, start=DAY0 - timedelta(days=7 * offset))
    client = client_for(viewer_a)
    first, second = (_part(_page(client, council_a, page=n), 'id="events"') for n in (1, 2))
    oldest = (DAY0 - timedelta(days=7 * 50)).strftime("%-d %b %Y")
    assert oldest not in first and oldest in second


def test_clusters_found_and_acknowledged_by_the_worker_show_on_the_next_view(
    client_for, council_a, viewer_a, lga_officer, django_capture_on_commit_callbacks
):
    make_event(council_a, "jtai", DAY0)
    make_event(council_a, start=DAY0 + timedelta(days=40))
    client = client_for(viewer_a)
    assert "data-gaps>40<" not in _page(client, council_a)
    # The worker's re-check, after the write that caused it had bumped the write generation.
    with django_capture_on_commit_callbacks(execute=True):
        council_clusters_recheck(council_id=council_a.pk, alert=False)
    assert "data-gaps>40<" in _page(client, council_a)
    cluster = council_a.clusters.get()
    with django_capture_on_commit_callbacks(execute=True):
        cluster_acknowledge(cluster=cluster, user=lga_officer, note="")
    assert f"Yes, {date.today():%-d %b %Y}" in _page(client, council_a)


def test_a_recheck_that_changes_nothing_keeps_the_drawn_clusters(
    council_a, django_capture_on_commit_callbacks
):
    make_event(council_a, "jtai", DAY0)
    before = derived_generation(council_a.pk)
    with django_capture_on_commit_callbacks(execute=True):
        council_clusters_recheck(council_id=council_a.pk, alert=False)
    assert derived_generation(council_a.pk) == before


def test_a_forecast_recomputed_makes_the_drawn_forecast_stale(
    council_a, django_capture_on_commit_callbacks
):
    before = derived_generation(council_a.pk)
    dashboards_before = cache_generation()
    with django_capture_on_commit_callbacks(execute=True):
        forecast_recompute(council_ids=[council_a.pk], alert=False)
    assert derived_generation(council_a.pk) > before
    # The dashboards show no forecast: their figures stand (each save's forecast would
    # otherwise make them be computed again).
    assert cache_generation() == dashboards_before


def test_no_council_user_sees_the_page_drawn_for_an_lga_officer(
    client, client_for, council_a, lga_officer
):
    make_hours(make_event(council_a, start=DAY0), 77)
    officers = _page(client_for(lga_officer), council_a)
    assert "Staff hours" in _part(officers, 'id="events"')
    client.logout()
    nobody = _page(client_for(make_user("nobody")), council_a)
    assert "Staff hours of other councils are shown only" in nobody
    assert "Staff hours" not in _part(nobody, 'id="events"')
    assert "staff-hours" not in _part(nobody, 'id="totals"', "</dl>")


# --- A write to one council leaves the other councils' pages drawn ----------------------------


def test_a_save_in_one_council_leaves_another_councils_page_drawn(
    client_for, council_a, council_b, viewer_a, django_capture_on_commit_callbacks, monkeypatch
):
    from inspections import views

    make_event(council_a, start=DAY0)
    client = client_for(viewer_a)
    before = _part(_page(client, council_a), 'id="events"')
    with django_capture_on_commit_callbacks(execute=True):
        _save_jtai(council_b, DAY0)

    def refuse(*args, **kwargs):
        raise AssertionError("drawn again after a save in another council")

    monkeypatch.setattr(views.selectors, "event_totals", refuse)
    monkeypatch.setattr(views.selectors, "events_with_hours", refuse)
    assert _part(_page(client, council_a), 'id="events"') == before
    monkeypatch.undo()
    # A save in the council itself is shown at once.
    with django_capture_on_commit_callbacks(execute=True):
        _save_jtai(council_a, DAY0 + timedelta(days=60))
    assert "2 May 2025" in _part(_page(client, council_a), 'id="events"')


def test_a_change_to_every_council_draws_every_councils_page_again(client_for, council_a, viewer_a):
    client = client_for(viewer_a)
    assert "No events match these filters." in _page(client, council_a)
    make_event(council_a, start=DAY0)
    services.dashboards_invalidate()  # as a change of cost rates or the demo data does
    assert "No events match these filters." not in _page(client, council_a)


def test_the_median_moved_by_another_council_shows_within_the_refresh_interval(
    client_for, council_a, council_b, viewer_a, settings, monkeypatch
):
    settings.DASHBOARD_REFRESH_SECONDS = 60
    make_event(council_a, "jtai", DAY0)
    client = client_for(viewer_a)
    body = _page(client, council_a)
    section = _part(body, 'id="council-burden"', "</section>")
    # Drawn from a window's figures and shown for up to a window more: two windows at most.
    assert "a change another council makes shows here within 2 minutes" in section
    make_event(council_b, "jtai", DAY0)
    make_event(council_b, "jtai", DAY0 + timedelta(days=100))
    services.councils_invalidate([council_b.pk])
    assert _part(_page(client, council_a), 'id="council-burden"', "</section>") == section
    # Past the interval, drawn again with council B's events in the median.
    later = time.time() + 61
    monkeypatch.setattr(dashboard_cache, "time", types.SimpleNamespace(time=lambda: later))
    assert _part(_page(client, council_a), 'id="council-burden"', "</section>") != section


def test_clusters_found_by_the_worker_after_the_save_show_on_the_dashboards(
    client_for, council_a, lga_officer, django_capture_on_commit_callbacks
):
    make_event(council_a, "jtai", DAY0)
    make_event(council_a, start=DAY0 + timedelta(days=40))
    client = client_for(lga_officer)
    url = reverse("region-dashboard", args=[council_a.region.slug]) + "?date_from=2025-01-01"

    def clusters_cell():
        body = client.get(url).content.decode()
        return _part(body, 'id="scope"', "</main>")

    before = clusters_cell()
    # The re-check runs after the save's own commit had made the figures stale.
    with django_capture_on_commit_callbacks(execute=True):
        council_clusters_recheck(council_id=council_a.pk, alert=False)
    assert clusters_cell() != before


def test_while_another_visitor_draws_a_councils_page_a_save_to_it_still_shows(
    client_for, council_a, viewer_a, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from inspections.selectors.burden import council_generation, generation_text

    client = client_for(viewer_a)
    assert "No events match these filters." in _page(client, council_a)
    with django_capture_on_commit_callbacks(execute=True):
        _save_jtai(council_a, DAY0)
    # Another visitor holds the lock for drawing the new generation's events table.
    key = dashboard_cache._key("council-events", (council_a.pk, [], True))
    cache.add(f"rendered-lock:{generation_text(council_generation(council_a.pk))}:{key}", 1)
    assert "No events match these filters." not in _page(client, council_a)


def test_an_inspection_type_renamed_in_the_admin_shows_on_the_council_pages(
    client_for, council_a, viewer_a, admin_user, rf, django_capture_on_commit_callbacks
):
    from django.contrib import admin

    from inspections.models import InspectionType

    make_event(council_a, "jtai", DAY0)
    client = client_for(viewer_a)
    assert "Renamed by the administrator" not in _page(client, council_a)
    itype = InspectionType.objects.get(code="jtai")
    itype.name = "Renamed by the administrator"
    request = rf.post("/")
    request.user = admin_user
    with django_capture_on_commit_callbacks(execute=True):
        admin.site._registry[InspectionType].save_model(request, itype, None, True)
    assert "Renamed by the administrator" in _page(client, council_a)


@pytest.mark.parametrize(
    ("generation", "memo"),
    [(5, True), (0, False), ((5, 6), True), ((0, 0), False), ((5, 0), False), ((0, 6), False)],
)
def test_figures_are_not_kept_in_the_process_while_the_cache_is_unreachable(generation, memo):
    """A generation of 0 (or with a 0 in it) is what an unreachable cache gives: every key
    would then outlive the writes made meanwhile."""
    from inspections.selectors import burden

    assert burden._memo_allowed(generation) is memo


def test_the_burden_section_shows_its_own_councils_save_at_once_within_a_window(
    client_for, council_a, council_b, viewer_a, settings, django_capture_on_commit_callbacks
):
    """The section reads the dashboards' shared figures of the refresh window, unless its
    council changed since the window was taken."""
    settings.DASHBOARD_REFRESH_SECONDS = 60
    client = client_for(viewer_a)

    def section():
        return _part(_page(client, council_a), 'id="council-burden"', "</section>")

    before = section()
    with django_capture_on_commit_callbacks(execute=True):
        _save_jtai(council_b, DAY0)
    assert section() == before  # another council's save: the window's figures
    with django_capture_on_commit_callbacks(execute=True):
        _save_jtai(council_a, DAY0)
    assert 'data-figure="formal"' in section()
    row = _part(section(), 'data-figure="events"', "</tr>")
    assert ">1<" in row  # its own event, at once


def test_a_councils_new_clusters_leave_the_drawn_clusters_of_every_other_council(
    council_a, council_b, django_capture_on_commit_callbacks
):
    """A save re-checks its council's clusters: that council's page draws its clusters and
    forecast again, no other council's (every save made every council's page draw them)."""
    make_event(council_a, "jtai", DAY0)
    make_event(council_a, "ilacs_focused_visit", DAY0 + timedelta(days=20))
    a_before, b_before = derived_generation(council_a.pk), derived_generation(council_b.pk)
    with django_capture_on_commit_callbacks(execute=True):
        council_clusters_recheck(council_id=council_a.pk, alert=False)
    assert council_a.clusters.exists()
    assert derived_generation(council_a.pk)[1] > a_before[1]
    assert derived_generation(council_b.pk) == b_before

"""Drawn dashboard figures: cached per generation, one drawer at a time, warmed after writes."""

import json
import types
from datetime import date

import pytest
import redis
from django.core.cache import cache
from django.urls import reverse

from inspections import dashboard_cache, services
from inspections.selectors.burden import cache_generation
from inspections.tasks import warm_dashboards
from inspections.views import dashboards as dashboard_views
from tests import factories
from tests.faults.support import REAL_SERVICES
from tests.inspections.burden_fixture import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(north_west, london, council_a, council_b):
    return build_world(north_west, london, council_a, council_b)


def _drawer(text):
    calls = []

    def draw():
        calls.append(1)
        return f"{text} {len(calls)}"

    return draw, calls


def test_figures_are_drawn_once_per_generation():
    draw, calls = _drawer("figures")
    assert dashboard_cache.rendered("test", ("a",), draw) == "figures 1"
    assert dashboard_cache.rendered("test", ("a",), draw) == "figures 1"
    assert dashboard_cache.rendered("test", ("b",), draw) == "figures 2"
    services.dashboards_invalidate()
    assert dashboard_cache.rendered("test", ("a",), draw) == "figures 3"
    assert len(calls) == 3


def test_while_one_visitor_draws_the_others_see_the_last_figures_drawn():
    draw, calls = _drawer("figures")
    dashboard_cache.rendered("test", ("a",), draw)
    services.dashboards_invalidate()
    # Another visitor holds this generation's lock: this one is shown the previous figures.
    key = dashboard_cache._key("test", ("a",))
    cache.add(f"rendered-lock:{cache_generation()}:{key}", 1)
    assert dashboard_cache.rendered("test", ("a",), draw) == "figures 1"
    assert len(calls) == 1


def test_with_no_earlier_figures_a_waiting_visitor_draws_them_itself():
    draw, calls = _drawer("figures")
    key = dashboard_cache._key("test", ("a",))
    cache.add(f"rendered-lock:{cache_generation()}:{key}", 1)
    assert dashboard_cache.rendered("test", ("a",), draw) == "figures 1"


def test_stale_figures_are_not_shown_past_their_age(monkeypatch):
    draw, calls = _drawer("figures")
    dashboard_cache.rendered("test", ("a",), draw)
    services.dashboards_invalidate()
    key = dashboard_cache._key("test", ("a",))
    cache.add(f"rendered-lock:{cache_generation()}:{key}", 1)
    monkeypatch.setattr(dashboard_cache, "STALE_SECONDS", -1)
    assert dashboard_cache.rendered("test", ("a",), draw) == "figures 2"


def test_the_warm_up_draws_the_default_views_so_visitors_find_them_drawn(
    world, client_for, lga_officer, monkeypatch
):
    services.dashboards_invalidate()
    assert warm_dashboards(cache_generation()) == 2 * 3  # England and two regions, twice

    def refuse(*args, **kwargs):
        raise AssertionError("the figures were drawn again")

    monkeypatch.setattr(dashboard_views, "_figures", refuse)
    client = client_for(lga_officer)
    assert client.get(reverse("dashboard-national")).status_code == 200
    assert client.get(reverse("region-dashboard", args=[world.north_west.slug])).status_code == 200


def test_a_warm_up_of_an_older_generation_draws_nothing(world):
    generation = cache_generation()
    services.dashboards_invalidate()
    assert warm_dashboards(generation) == 0


def test_the_timeline_of_a_long_period_is_bounded_to_its_last_six_years():
    from datetime import date

    from inspections.selectors.burden import BurdenFilters

    today = date(2026, 11, 30)
    bounded = dashboard_views.bounded_timeline(BurdenFilters(), today=today)
    assert bounded.date_from == date(2020, 11, 1)
    short = BurdenFilters(date_from=date(2024, 1, 1))
    assert dashboard_views.bounded_timeline(short, today=today) == short
    old = BurdenFilters(date_from=date(2001, 1, 1), date_to=date(2012, 6, 30))
    assert dashboard_views.bounded_timeline(old, today=today).date_from == date(2006, 6, 1)


def test_the_all_time_dashboard_says_its_timeline_is_bounded(world, client_for, lga_officer):
    html = client_for(lga_officer).get(reverse("dashboard-national") + "?date_from=").text
    assert 'id="timeline-bound"' in html
    default = client_for(lga_officer).get(reverse("dashboard-national")).text
    assert 'id="timeline-bound"' not in default


# --- The refresh interval: a write does not make everyone draw England again ------------------


def test_within_the_refresh_interval_a_write_leaves_the_figures_drawn_before_it():
    draw, calls = _drawer("figures")
    assert dashboard_cache.rendered("test", ("a",), draw, lag_seconds=60) == "figures 1"
    services.dashboards_invalidate()
    assert dashboard_cache.rendered("test", ("a",), draw, lag_seconds=60) == "figures 1"
    assert dashboard_cache.rendered("test", ("a",), draw) == "figures 2"  # no lag: drawn again
    assert len(calls) == 2


def test_past_the_refresh_interval_the_figures_are_drawn_again():
    draw, calls = _drawer("figures")
    dashboard_cache.rendered("test", ("a",), draw, lag_seconds=60)
    services.dashboards_invalidate()
    key = dashboard_cache._key("test", ("a",))
    drawn_at, html, as_at = cache.get(f"rendered-latest:{key}")
    cache.set(f"rendered-latest:{key}", (drawn_at - 61, html, as_at))
    assert dashboard_cache.rendered("test", ("a",), draw, lag_seconds=60) == "figures 2"


def test_a_refresh_window_keeps_its_generation_until_it_ends_or_the_warm_up_rolls_it(
    settings, monkeypatch
):
    settings.DASHBOARD_REFRESH_SECONDS = 60
    first = dashboard_cache.window()
    services.dashboards_invalidate()
    assert dashboard_cache.window() == first  # writes meanwhile: the same figures
    later = first[1] + 61
    monkeypatch.setattr(dashboard_cache, "time", types.SimpleNamespace(time=lambda: later))
    assert dashboard_cache.window()[0] == cache_generation() != first[0]
    services.dashboards_invalidate()
    assert dashboard_cache.window(roll=True)[0] == cache_generation()


def test_the_dashboard_says_when_its_figures_were_drawn_and_lags_a_write_by_the_interval(
    world, client_for, lga_officer, settings
):
    settings.DASHBOARD_REFRESH_SECONDS = 60
    client = client_for(lga_officer)
    url = reverse("dashboard-national") + "?date_from=2020-01-01"

    def figures():
        page = client.get(url).content.decode()
        return page[page.index('id="scope"') : page.index("</main>")]

    before = figures()
    assert "Figures as at " in before
    assert "A change made since then shows here within 2 minutes." in before
    factories.make_hours(world.events["E1"], 1234, team="data", phase="preparation")
    services.dashboards_invalidate()  # as the save's commit does
    assert figures() == before
    settings.DASHBOARD_REFRESH_SECONDS = 0
    after = figures()
    assert after != before
    assert "A change made since then" not in after


@pytest.mark.integration
@pytest.mark.skipif(not REAL_SERVICES, reason="needs Redis as the broker and cache (.ci/run)")
def test_writes_in_one_refresh_interval_queue_one_warm_up(settings):
    """Each write asks for a warm-up; with a refresh interval one is queued an interval, on
    the real broker (Redis), however many writes come meanwhile."""
    from burden.celery import app

    settings.DASHBOARD_REFRESH_SECONDS = 60
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    def warm_ups_queued():
        messages = [json.loads(m) for m in broker.lrange("celery", 0, -1)]
        return sum(1 for m in messages if m["headers"]["task"] == services.WARM_DASHBOARDS_TASK)

    app.control.purge()
    cache.delete(services.WARM_QUEUED_KEY)
    for _ in range(3):
        services.dashboards_invalidate()
        services.dashboards_warm()
    assert warm_ups_queued() == 1
    cache.delete(services.WARM_QUEUED_KEY)  # the interval has passed
    services.dashboards_warm()
    assert warm_ups_queued() == 2
    app.control.purge()


# --- What every user sees alike is drawn once for all of them ---------------------------------


def test_the_timeline_is_drawn_once_for_every_visibility_class_and_again_after_a_write(
    world,
    client_for,
    lga_officer,
    viewer_a,
    editor_b,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """Dates and outcomes are public: the timeline (a chart and a table of every event in
    England) is the same for an LGA officer and any council's users, so a council user's first
    England page does not draw it again; a write does."""
    from inspections import dashboard_charts

    drawn = []
    timeline_figure = dashboard_charts.timeline_figure

    def counting(*args, **kwargs):
        drawn.append(1)
        return timeline_figure(*args, **kwargs)

    monkeypatch.setattr(dashboard_charts, "timeline_figure", counting)
    url = reverse("dashboard-national") + "?date_from=2022-01-01"
    officer = client_for(lga_officer).get(url).text
    viewer = client_for(viewer_a).get(url).text
    other_council = client_for(editor_b).get(url).text
    # Once for the users who see exact hours, once for the others (the chart's words of its
    # period may differ), whatever their council.
    assert len(drawn) == 2
    # Still each class's own figures around it.
    assert officer != viewer != other_council
    assert "Thameside" in viewer and 'id="timeline-section"' in viewer

    with django_capture_on_commit_callbacks(execute=True):
        factories.make_event(world.thameside, "jtai", date(2025, 2, 3))
    after = client_for(editor_b).get(url).text
    assert len(drawn) == 3
    assert after.count("Joint targeted area inspection") > viewer.count(
        "Joint targeted area inspection"
    )


def test_a_regions_figures_are_drawn_once_for_the_users_of_every_council_outside_it(
    world, client_for, viewer_a, editor_b, monkeypatch
):
    """Lakeshire's and Riverton's users (North West) see London's figures as a user with no
    council does (``disclosure.viewer_of_region``): drawn once for both. Their own region's
    figures differ (each sees its own council's hours), so those are drawn for each."""
    drawn = []
    figures = dashboard_views._figures

    def counting(access, *args, **kwargs):
        drawn.append(access.council_id)
        return figures(access, *args, **kwargs)

    monkeypatch.setattr(dashboard_views, "_figures", counting)
    london = reverse("region-dashboard", args=[world.london.slug])
    first = client_for(viewer_a).get(london).text
    second = client_for(editor_b).get(london).text
    assert drawn == [None]
    assert "Thameside" in first and 'id="drawn-at"' in second

    north_west = reverse("region-dashboard", args=[world.north_west.slug])
    client_for(viewer_a).get(north_west)
    client_for(editor_b).get(north_west)
    assert drawn == [
        None,
        viewer_a.council_membership.council_id,
        editor_b.council_membership.council_id,
    ]


# --- Staggered: the drawings of a new window do not all fall due at its start -----------------


def test_each_view_falls_due_at_its_own_moment_of_the_first_half_of_a_window():
    dues = [dashboard_cache.due_at(("view", n), 1000.0, 60) for n in range(200)]
    assert all(1000.0 <= due < 1030.0 for due in dues)
    assert len({round(due) for due in dues}) > 20  # spread over the half window
    assert dashboard_cache.due_at(("view", 7), 1000.0, 60) == dues[7]  # the same every time


def test_before_its_due_moment_a_view_shows_its_last_drawing_and_after_it_is_drawn_again(
    monkeypatch,
):
    draw, calls = _drawer("figures")
    clock = types.SimpleNamespace(time=lambda: 1000.0)
    monkeypatch.setattr(dashboard_cache, "time", clock)

    def staggered(due, as_at):
        return dashboard_cache.Staggered(due=due, as_at=as_at, hold_seconds=120)

    assert dashboard_cache.rendered("test", ("a",), draw, staggered=staggered(0, 990)) == (
        "figures 1"
    )
    services.dashboards_invalidate()  # a new window's generation
    clock.time = lambda: 1010.0
    held = staggered(due=1020.0, as_at=1005.0)
    assert dashboard_cache.rendered("test", ("a",), draw, staggered=held) == "figures 1"
    clock.time = lambda: 1021.0
    assert dashboard_cache.rendered("test", ("a",), draw, staggered=held) == "figures 2"  # due
    services.dashboards_invalidate()
    # A drawing whose figures are from a window that began two minutes ago or more is never
    # shown in place of a new one, due or not (a change shows within two windows).
    clock.time = lambda: 1005.0 + 120
    late = staggered(due=1200.0, as_at=1100.0)
    assert dashboard_cache.rendered("test", ("a",), draw, staggered=late) == "figures 3"
    assert len(calls) == 3


def test_once_due_a_worker_is_asked_to_draw_it_and_visitors_see_the_last_drawing_meanwhile(
    monkeypatch,
):
    draw, calls = _drawer("figures")
    asked = []
    clock = types.SimpleNamespace(time=lambda: 1000.0)
    monkeypatch.setattr(dashboard_cache, "time", clock)
    first = dashboard_cache.Staggered(due=0, as_at=990.0, hold_seconds=120)
    assert dashboard_cache.rendered("test", ("a",), draw, staggered=first) == "figures 1"
    services.dashboards_invalidate()
    clock.time = lambda: 1030.0
    due = dashboard_cache.Staggered(
        due=1020.0, as_at=1025.0, hold_seconds=120, redraw_later=lambda: asked.append(1) or True
    )
    # Two visitors: one asks a worker, both are shown the last drawing at once.
    assert dashboard_cache.rendered("test", ("a",), draw, staggered=due) == "figures 1"
    assert dashboard_cache.rendered("test", ("a",), draw, staggered=due) == "figures 1"
    assert asked == [1] and len(calls) == 1
    # The worker draws; the next visitor is shown its drawing.
    dashboard_cache.redraw("test", ("a",), draw, generation=cache_generation(), as_at=1025.0)
    assert dashboard_cache.rendered("test", ("a",), draw, staggered=due) == "figures 2"
    # With no worker to ask (the broker refused), the visitor draws.
    services.dashboards_invalidate()
    clock.time = lambda: 1040.0
    no_worker = dashboard_cache.Staggered(
        due=1020.0, as_at=1035.0, hold_seconds=120, redraw_later=lambda: False
    )
    assert dashboard_cache.rendered("test", ("a",), draw, staggered=no_worker) == "figures 3"


def test_a_dashboard_drawn_in_the_last_window_is_shown_until_it_falls_due_then_drawn_again(
    world, client_for, lga_officer, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.DASHBOARD_REFRESH_SECONDS = 60
    client = client_for(lga_officer)
    url = reverse("region-dashboard", args=[world.north_west.slug]) + "?date_from=2020-01-01"

    def events_shown():
        return client.get(url).text.count("Joint targeted area inspection")

    before = events_shown()
    # A save, then a new window (the warm-up's): this view is not yet due, so it is held.
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_event(world.lakeshire, "jtai", date(2025, 2, 3))
    dashboard_cache.window(roll=True)
    parts_due = []

    def due_later(parts, taken, lag):
        parts_due.append(parts)
        return taken + 25  # not due for 25 s

    monkeypatch.setattr(dashboard_cache, "due_at", due_later)
    assert events_shown() == before
    assert parts_due
    monkeypatch.setattr(dashboard_cache, "due_at", lambda parts, taken, lag: taken - 1)  # due
    assert events_shown() > before


@pytest.mark.integration
@pytest.mark.skipif(not REAL_SERVICES, reason="needs Redis as the broker and cache (.ci/run)")
def test_a_due_view_is_queued_once_on_the_real_broker_and_the_task_draws_it(
    world, client_for, lga_officer, settings, monkeypatch
):
    """Once a view is due, visitors are shown its last drawing and one task is queued (JSON on
    Redis: ids and filter values); the task, run as a worker runs it, draws the new figures."""
    import base64

    from burden.celery import app
    from inspections import tasks

    settings.DASHBOARD_REFRESH_SECONDS = 60
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    app.control.purge()
    client = client_for(lga_officer)
    url = reverse("region-dashboard", args=[world.north_west.slug]) + "?date_from=2020-01-01"

    def figures():
        page = client.get(url).text
        return page[page.index('id="drawn-at"') : page.index("</main>")]

    before = figures()
    factories.make_hours(world.events["E1"], 1234, team="data", phase="preparation")
    services.dashboards_invalidate()  # as the save's commit does
    dashboard_cache.window(roll=True)  # the next window
    monkeypatch.setattr(dashboard_cache, "due_at", lambda parts, taken, lag: taken - 1)
    assert figures() == before
    assert figures() == before

    def redraws():
        messages = [json.loads(m) for m in broker.lrange("celery", 0, -1)]
        return [
            json.loads(base64.b64decode(m["body"]))[0][0]
            for m in messages
            if m["headers"]["task"] == dashboard_views.REDRAW_TASK
        ]

    queued = redraws()
    assert len(queued) == 1
    assert queued[0]["region_id"] == world.north_west.pk
    assert queued[0]["filters"]["date_from"] == "2020-01-01"
    app.control.purge()
    tasks.redraw_dashboard_figures(queued[0])
    after = figures()
    assert after != before
    assert not redraws()  # drawn: nothing more is asked


@pytest.mark.integration
@pytest.mark.skipif(not REAL_SERVICES, reason="needs Redis as the broker and cache (.ci/run)")
def test_drawn_pages_are_kept_a_quarter_of_an_hour_not_an_hour():
    """Each drawn England page is up to 1.5 MB, one per visibility class and filter a window:
    kept an hour, the benchmark's Redis grew to gigabytes."""
    draw, _ = _drawer("figures")
    dashboard_cache.rendered("test", ("ttl",), draw)
    key = dashboard_cache._key("test", ("ttl",))
    fresh = f"rendered:{dashboard_cache.generation_text(cache_generation())}:{key}"
    for name in (fresh, f"rendered-latest:{key}"):
        assert 0 < cache.ttl(name) <= dashboard_cache.RENDERED_TIMEOUT == 15 * 60

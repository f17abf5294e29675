"""Drawn dashboard figures: cached per generation, one drawer at a time, warmed after writes."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from inspections import dashboard_cache, services
from inspections.selectors.burden import cache_generation
from inspections.tasks import warm_dashboards
from inspections.views import dashboards as dashboard_views
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

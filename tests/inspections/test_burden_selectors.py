"""The burden figures against a world small enough to work out by hand (burden_fixture.py)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from burden import number_format
from councils.access import access_for
from councils.models import Council
from inspections import services
from inspections.models import ClusterRule, StaffTime
from inspections.selectors import burden
from inspections.selectors.burden import BurdenFilters
from tests import factories
from tests.inspections.burden_fixture import build_world

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def world(north_west, london, council_a, council_b):
    return build_world(north_west, london, council_a, council_b)


@pytest.fixture
def lga(lga_officer):
    return access_for(lga_officer)


def _rows(filters, access, **kwargs):
    return {row.name: row for row in burden.league_table(filters, access, **kwargs)}


def _figures(row):
    """A row's figures, hours per event as the page shows it (rounded once to 0.1)."""
    return (
        row.events,
        row.formal_inspections,
        row.on_site_days,
        row.staff_hours,
        number_format.round_decimal(row.hours_per_event, 1),
        row.clusters,
        row.shortest_gap_days,
        row.most_in_12_months,
    )


def test_the_league_table_gives_each_council_its_hand_computed_figures(world, lga):
    rows = _rows(BurdenFilters(region_id=world.north_west.pk), lga)

    assert set(rows) == {"Lakeshire", "Riverton", "Moorside"}
    # events, formal, on-site days, hours, hours per event, clusters, shortest gap, most in 12m
    assert _figures(rows["Lakeshire"]) == (5, 4, 30, D("384.5"), D("76.9"), 2, 56, 3)
    assert _figures(rows["Riverton"]) == (3, 2, 31, D("420"), D("140.0"), 1, 14, 2)
    assert _figures(rows["Moorside"]) == (0, 0, 0, D("0"), None, 0, None, 0)


def test_the_national_league_table_has_every_council_with_its_region(world, lga):
    rows = _rows(BurdenFilters(), lga)

    assert set(rows) == {"Lakeshire", "Riverton", "Moorside", "Thameside"}
    assert rows["Thameside"].region_name == "London"
    assert _figures(rows["Thameside"]) == (2, 2, 7, D("95"), D("47.5"), 0, 364, 2)


def test_the_default_order_puts_the_most_inspections_in_the_shortest_time_first(world, lga):
    rows = burden.league_table(BurdenFilters(), lga)

    # Lakeshire had 3 within 12 months; Riverton and Thameside 2 each, Riverton's 14 days apart
    assert [row.name for row in rows] == ["Lakeshire", "Riverton", "Thameside", "Moorside"]


def test_the_median_council_is_the_middle_one_on_each_figure(world, lga):
    medians = burden.region_medians(BurdenFilters(region_id=world.north_west.pk), lga)

    assert medians.councils == 3
    assert medians.events == D("3")  # 5, 3, 0
    assert medians.formal_inspections == D("2")  # 4, 2, 0
    assert medians.on_site_days == D("30")  # 30, 31, 0
    assert medians.staff_hours == D("384.5")  # 384.5, 420, 0
    assert medians.hours_per_event == D("108.45")  # (76.9 + 140.0) / 2; Moorside has none
    assert medians.clusters == D("1")  # 2, 1, 0
    assert medians.shortest_gap_days == D("35")  # (56 + 14) / 2
    assert medians.most_in_12_months == D("2")  # 3, 2, 0


def test_a_median_of_ratios_is_rounded_once_at_the_end(north_west, council_a, council_b, lga):
    # Lakeshire 1,239 h over 4 events (309.75 an event), Riverton 309.94 h over 1. Rounding each
    # first gives (309.8 + 309.9) / 2 = 309.85, shown as 309.9; the exact median is 309.845.
    for day in (3, 10, 17, 24):
        event = factories.make_event(council_a, "ilacs_focused_visit", date(2025, 3, day))
        factories.make_hours(event, D("309.75"))
    event = factories.make_event(council_b, "jtai", date(2025, 3, 3))
    factories.make_hours(event, D("309.94"))
    medians = burden.region_medians(BurdenFilters(region_id=north_west.pk), lga)
    assert medians.hours_per_event == D("309.845")
    assert number_format.page_decimal(medians.hours_per_event) == "309.8"
    assert number_format.export_decimal(medians.hours_per_event) == "309.85"


def test_hours_by_type_sum_each_types_events_most_hours_first(world, lga):
    rows = burden.hours_by_type(BurdenFilters(region_id=world.north_west.pk), lga)

    assert [(r.name, r.events, r.staff_hours, r.hours_per_event) for r in rows] == [
        ("Joint targeted area inspection (JTAI)", 2, D("500"), D("250.0")),
        ("ILACS standard inspection", 1, D("150.5"), D("150.5")),
        ("Area SEND full inspection", 1, D("120"), D("120.0")),
        ("ILACS focused visit", 2, D("30"), D("15.0")),
        ("ILACS annual engagement meeting", 1, D("4"), D("4.0")),
        ("Council children's home inspection (SCCIF)", 1, D("0"), D("0.0")),
    ]


def test_hours_by_team_and_phase_add_up_to_the_regions_hours(world, lga):
    table = burden.hours_by_team_and_phase(BurdenFilters(region_id=world.north_west.pk), lga)
    cells = {team: values for team, _, values, _ in table.rows}

    assert [code for code, _ in table.phases] == ["preparation", "on_site", "after"]
    assert cells["data"] == [D("220"), D("0"), D("10")]
    assert cells["partners"] == [D("0"), D("500"), D("0")]
    assert cells["managers"] == [D("0"), D("50.5"), D("0")]
    assert table.phase_totals == [D("224"), D("570.5"), D("10")]
    assert table.total == D("804.5") == D("384.5") + D("420")


def test_events_per_quarter_count_formal_and_other_events_with_empty_quarters(world, lga):
    quarters = burden.events_per_quarter(BurdenFilters(region_id=world.north_west.pk), lga)

    assert [(q.label, q.formal_inspections, q.other_events) for q in quarters] == [
        ("2023 Q1", 4, 0),
        ("2023 Q2", 0, 2),
        ("2023 Q3", 0, 0),
        ("2023 Q4", 1, 0),
        ("2024 Q1", 0, 0),
        ("2024 Q2", 1, 0),
    ]


def test_the_timeline_has_a_row_per_council_with_its_events_and_clusters(world, lga):
    rows = burden.timeline(BurdenFilters(region_id=world.north_west.pk), lga)
    by_name = {row.name: row for row in rows}
    e = world.events

    assert [row.name for row in rows] == ["Lakeshire", "Moorside", "Riverton"]
    assert [ev.event_id for ev in by_name["Lakeshire"].events] == [
        e[k].pk for k in ("E1", "E2", "E4", "E3", "E5")
    ]
    assert [c.rule_name for c in by_name["Lakeshire"].clusters] == ["Back-to-back", "Crowded year"]
    in_clusters = {ev.event_id: len(ev.cluster_ids) for ev in by_name["Lakeshire"].events}
    assert in_clusters[e["E1"].pk] == 2 and in_clusters[e["E3"].pk] == 1
    assert in_clusters[e["E5"].pk] == 0


def test_the_timeline_can_show_formal_inspections_only(world, lga):
    rows = burden.timeline(BurdenFilters(region_id=world.north_west.pk), lga, formal_only=True)
    names = {ev.type_name for row in rows for ev in row.events}

    assert "ILACS annual engagement meeting" not in names
    assert "Council children's home inspection (SCCIF)" not in names
    assert sum(len(row.events) for row in rows) == 6


def test_a_period_changes_every_figure_consistently(world, lga):
    filters = BurdenFilters(date_from=date(2023, 3, 1), date_to=date(2023, 12, 31))
    rows = _rows(filters, lga)

    # Lakeshire keeps E2, E4 and E3; Riverton only F3; Thameside only G2
    assert _figures(rows["Lakeshire"]) == (3, 2, 18, D("224"), D("74.7"), 2, 210, 2)
    assert _figures(rows["Riverton"]) == (1, 0, 1, D("0"), D("0.0"), 0, None, 0)
    assert _figures(rows["Thameside"]) == (1, 1, 2, D("15"), D("15.0"), 0, None, 1)
    assert burden.hours_by_team_and_phase(filters, lga).total == D("239")
    assert sum(r.staff_hours for r in burden.hours_by_type(filters, lga)) == D("239")
    quarters = burden.events_per_quarter(filters, lga)
    assert quarters[0].label == "2023 Q1" and quarters[-1].label == "2023 Q4"
    assert sum(q.events for q in quarters) == 5
    timeline_events = [ev for row in burden.timeline(filters, lga) for ev in row.events]
    assert len(timeline_events) == 5
    assert all(filters.date_from <= ev.on_site_start <= filters.date_to for ev in timeline_events)


def test_a_family_changes_every_figure_consistently(world, lga):
    filters = BurdenFilters(family="ilacs", region_id=world.north_west.pk)
    rows = _rows(filters, lga)

    # Lakeshire's ILACS events: E1, E2, E4 (not formal), E5; gaps 56 then 455 days
    assert _figures(rows["Lakeshire"]) == (4, 3, 15, D("184.5"), D("46.1"), 2, 56, 2)
    assert _figures(rows["Riverton"]) == (0, 0, 0, D("0"), None, 0, None, 0)
    assert {r.family for r in burden.hours_by_type(filters, lga)} == {"ilacs"}
    assert burden.hours_by_team_and_phase(filters, lga).total == D("184.5")
    assert sum(q.events for q in burden.events_per_quarter(filters, lga)) == 4


def test_a_type_changes_every_figure_consistently(world, lga):
    jtai = factories.inspection_type("jtai")
    filters = BurdenFilters(inspection_type_id=jtai.pk)
    rows = _rows(filters, lga)

    assert _figures(rows["Lakeshire"]) == (1, 1, 15, D("200"), D("200.0"), 1, None, 1)
    assert _figures(rows["Riverton"]) == (1, 1, 15, D("300"), D("300.0"), 1, None, 1)
    assert [r.name for r in burden.hours_by_type(filters, lga)] == [jtai.name]
    assert burden.hours_by_team_and_phase(filters, lga).total == D("500")


def test_a_region_keeps_only_its_own_councils(world, lga):
    filters = BurdenFilters(region_id=world.london.pk)

    assert list(_rows(filters, lga)) == ["Thameside"]
    assert burden.hours_by_team_and_phase(filters, lga).total == D("95")
    assert [row.name for row in burden.timeline(filters, lga)] == ["Thameside"]
    assert burden.region_medians(filters, lga).staff_hours == D("95")


def test_the_regions_are_compared_by_their_totals(world, lga):
    regions = {r.name: r for r in burden.regions_compared(BurdenFilters(), lga)}

    north_west = regions["North West"]
    assert (north_west.councils, north_west.events, north_west.formal_inspections) == (3, 8, 6)
    assert north_west.staff_hours == D("804.5")
    assert north_west.formal_per_council == D("2.0")
    assert number_format.round_decimal(north_west.hours_per_council, 1) == D("268.2")  # 804.5 / 3
    assert north_west.shortest_gap_days == 14 and north_west.most_in_12_months == 3
    assert north_west.clusters == 3
    assert regions["London"].staff_hours == D("95")


def test_a_start_exactly_365_days_later_is_within_12_months_but_not_366(north_west, lga):
    first = factories.make_council("Firstshire", region=north_west)
    second = factories.make_council("Secondshire", region=north_west)
    start = date(2021, 3, 1)
    factories.make_event(first, "ilacs_focused_visit", start)
    factories.make_event(first, "jtai", start + timedelta(days=365))
    factories.make_event(second, "ilacs_focused_visit", start)
    factories.make_event(second, "jtai", start + timedelta(days=366))

    rows = _rows(BurdenFilters(), lga)

    assert rows["Firstshire"].most_in_12_months == 2
    assert rows["Secondshire"].most_in_12_months == 1
    assert rows["Secondshire"].shortest_gap_days == 366


def test_two_formal_inspections_starting_the_same_day_are_0_days_apart(council_a, lga):
    day = date(2024, 9, 2)
    factories.make_event(council_a, "ilacs_focused_visit", day)
    factories.make_event(council_a, "jtai", day)
    factories.make_event(council_a, "ilacs_engagement_meeting", day - timedelta(days=1))

    row = _rows(BurdenFilters(), lga)["Lakeshire"]

    # the engagement meeting the day before is not formal, so it makes no gap
    assert (row.shortest_gap_days, row.most_in_12_months) == (0, 2)


def test_an_inactive_council_shows_only_while_it_has_events_in_the_filters(north_west, lga):
    old = factories.make_council("Old County", region=north_west)
    factories.make_event(old, "jtai", date(2019, 5, 6))
    Council.objects.filter(pk=old.pk).update(is_active=False)

    assert "Old County" in _rows(BurdenFilters(), lga)
    assert "Old County" not in _rows(BurdenFilters(date_from=date(2020, 1, 1)), lga)


def test_clusters_of_a_rule_switched_off_are_not_counted(world, lga):
    ClusterRule.objects.filter(name="Crowded year").update(is_active=False)

    assert _rows(BurdenFilters(), lga)["Lakeshire"].clusters == 1


def test_sorting_puts_blanks_last_whichever_the_direction(world, lga):
    for sort in ("gap", "-gap"):
        rows = burden.league_table(BurdenFilters(), lga, sort=sort)
        assert rows[-1].name == "Moorside"  # the only council with no gap
    ascending = [r.shortest_gap_days for r in burden.league_table(BurdenFilters(), lga, sort="gap")]
    assert ascending == [14, 56, 364, None]


def test_an_unknown_sort_falls_back_to_the_default_order(world, lga):
    assert burden.league_table(BurdenFilters(), lga, sort="drop table") == burden.league_table(
        BurdenFilters(), lga
    )


# --- Who sees which hours -------------------------------------------------------------------


def test_a_council_user_sees_only_their_own_councils_hours(world, editor_a, viewer_a):
    for user in (editor_a, viewer_a):
        access = access_for(user)
        rows = _rows(BurdenFilters(), access)

        assert rows["Lakeshire"].staff_hours == D("384.5") and rows["Lakeshire"].hours_shown
        for other in ("Riverton", "Moorside", "Thameside"):
            assert rows[other].staff_hours is None and rows[other].hours_per_event is None
            assert not rows[other].hours_shown
        # events and outcomes are public: every other figure is there
        assert _figures(rows["Riverton"])[:3] == (3, 2, 31)
        assert rows["Riverton"].shortest_gap_days == 14


def test_a_council_user_gets_no_aggregate_of_fewer_than_three_other_councils(
    world, editor_a, viewer_a
):
    """England's hours are Lakeshire's own, Riverton's and Thameside's: two other councils, so
    every cell is withheld from a Lakeshire user (the disclosure rule: inspections.disclosure)."""
    for user in (editor_a, viewer_a):
        access = access_for(user)
        for filters in (BurdenFilters(), BurdenFilters(region_id=world.north_west.pk)):
            medians = burden.region_medians(filters, access)
            assert medians.staff_hours is None and medians.hours_per_event is None
            assert medians.events > 0  # events are public
            table = burden.hours_by_team_and_phase(filters, access)
            assert table.total is None and set(table.phase_totals) == {None}
            # types with hours are withheld; types nobody logged hours for show 0
            assert {r.staff_hours for r in burden.hours_by_type(filters, access)} <= {None, D(0)}
        regions = {r.name: r for r in burden.regions_compared(BurdenFilters(), access)}
        assert regions["North West"].staff_hours is None
        assert regions["London"].hours_per_council is None  # Thameside alone


def test_everyone_else_sees_the_same_withheld_aggregates(world, lga_officer):
    north_west = BurdenFilters(region_id=world.north_west.pk)
    nobody = access_for(factories.make_user("nobody.at.all"))

    # two councils' hours: fewer than three for a user of neither
    assert burden.region_medians(north_west, nobody).staff_hours is None
    assert burden.hours_by_team_and_phase(north_west, nobody).total is None
    assert burden.hours_by_team_and_phase(north_west, access_for(lga_officer)).total == D("804.5")


def test_a_council_user_gets_no_hours_of_another_single_council(world, editor_a):
    access = access_for(editor_a)
    riverton = BurdenFilters(council_id=world.riverton.pk)
    lakeshire = BurdenFilters(council_id=world.lakeshire.pk)

    assert burden.hours_by_type(riverton, access) is None
    assert burden.hours_by_team_and_phase(riverton, access) is None
    assert burden.hours_by_team_and_phase(lakeshire, access).total == D("384.5")


def test_lga_officers_and_administrators_see_every_councils_hours(
    world, lga_officer, administrator
):
    for user in (lga_officer, administrator):
        access = access_for(user)
        rows = _rows(BurdenFilters(), access)
        assert all(row.hours_shown for row in rows.values())
        assert rows["Riverton"].staff_hours == D("420")
        assert burden.hours_by_type(BurdenFilters(council_id=world.riverton.pk), access)


def test_a_user_of_no_council_sees_no_councils_hours(world):
    access = access_for(factories.make_user("nobody"))

    assert not any(row.hours_shown for row in burden.league_table(BurdenFilters(), access))


# --- Cache ----------------------------------------------------------------------------------


def test_figures_come_from_the_cache_until_a_write_bumps_the_generation(world, lga):
    filters = BurdenFilters(region_id=world.north_west.pk)
    burden.league_table(filters, lga)
    StaffTime.objects.create(event=world.events["F3"], team="data", phase="after", hours=D("6"))

    with CaptureQueriesContext(connection) as queries:
        cached = _rows(filters, lga)
    assert len(queries) == 0
    assert cached["Riverton"].staff_hours == D("420")  # stale until the write is announced

    services.dashboards_invalidate()

    assert _rows(filters, lga)["Riverton"].staff_hours == D("426")


def test_cached_figures_are_kept_apart_by_who_may_see_the_hours(world, lga, editor_a, editor_b):
    filters = BurdenFilters(region_id=world.north_west.pk)
    assert _rows(filters, lga)["Riverton"].staff_hours == D("420")

    assert _rows(filters, access_for(editor_a))["Riverton"].staff_hours is None
    assert _rows(filters, access_for(editor_b))["Riverton"].staff_hours == D("420")
    assert _rows(filters, access_for(editor_b))["Lakeshire"].staff_hours is None


def test_each_figure_takes_a_fixed_number_of_queries_whatever_the_number_of_councils(
    north_west, lga
):
    def queries_for_league():
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            burden.league_table(BurdenFilters(), lga)
            burden.timeline(BurdenFilters(), lga)
        return len(queries)

    factories.make_event(factories.make_council("One", region=north_west), "jtai")
    few = queries_for_league()
    for n in range(10):
        factories.make_event(factories.make_council(f"More {n}", region=north_west), "jtai")

    assert queries_for_league() == few

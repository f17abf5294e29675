"""Statistical disclosure control (inspections.disclosure): the rule, and an attacker's attempts.

The differencing test plays a council viewer (and a signed-in user with no council) who tries to
recover one other council's event hours from every pair of filters the dashboards allow: adjacent
periods a day apart, a type against its family, a region against England, other types. It reads
every hours figure the pages and exports are built from, in two worlds that differ only in the
target event's hours; an attack succeeds when some figure, or difference of two figures, equals
the target's hours in both worlds (so it tracks the secret, not a coincidence).
"""

import itertools
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from councils.access import access_for
from inspections import disclosure
from inspections.models import StaffTime
from inspections.selectors import burden
from inspections.selectors.burden import BurdenFilters
from tests import factories

D = Decimal


# --- The rule ------------------------------------------------------------------------------


def test_a_period_widens_to_whole_financial_years():
    assert disclosure.reporting_period(date(2026, 3, 2), date(2026, 3, 2)) == (
        date(2025, 4, 1),
        date(2026, 3, 31),
    )
    assert disclosure.reporting_period(date(2026, 4, 1), None) == (date(2026, 4, 1), None)
    assert disclosure.reporting_period(None, date(2026, 3, 31)) == (None, date(2026, 3, 31))
    # the last days a date can have do not overflow
    assert disclosure.reporting_period(date(9999, 12, 31), date(9999, 12, 31))[1] == date.max


def test_two_periods_a_day_apart_give_the_same_reporting_period():
    assert disclosure.reporting_period(None, date(2026, 3, 1)) == disclosure.reporting_period(
        None, date(2026, 3, 2)
    )


def test_hours_are_rounded_to_the_nearest_ten():
    assert disclosure.round_hours(D("434.99")) == D("430")
    assert disclosure.round_hours(D("435")) == D("440")
    assert disclosure.round_hours(None) is None
    assert disclosure.round_hours_per_event(D("430"), 3) == D("143")


def test_a_cell_needs_three_other_councils_none_dominant():
    def publishable(*hours):
        return disclosure.cell_publishable(
            other_councils=len(hours), others_hours=sum(hours, D(0)), largest_other=max(hours)
        )

    assert not publishable(D(100), D(100))  # two councils: each could work out the other
    assert publishable(D(100), D(100), D(100))
    assert not publishable(D(900), D(10), D(10))  # one council holds 98%: its hours show
    assert publishable(D(80), D(10), D(10))  # 80% is the most one may hold


def test_a_median_needs_five_other_councils_with_hours():
    four = {1: D(10), 2: D(20), 3: D(30), 4: D(40), 5: None}
    assert disclosure.median_hours(four, viewer_council_id=None) is None
    assert disclosure.median_hours({**four, 6: D(51)}, viewer_council_id=None) == D("30")
    # the viewer's own council does not count towards the five
    assert disclosure.median_hours({**four, 6: D(51)}, viewer_council_id=6) is None


# --- A world for the attacker ----------------------------------------------------------------

TARGET_DAY = date(2026, 3, 2)


@pytest.fixture
def attack_world(north_west, london, council_a, council_b):
    """North West: Lakeshire (the viewer's), Riverton (the target) and three more councils, all
    with focused visits in 2025-26; London: two councils. Riverton's focused visit on 2 March
    2026 is the secret: 300 hours of data/preparation, 120 of partners/on site and 40 of senior
    leaders/after (a cell no other council has hours in)."""
    make, hours = factories.make_event, factories.make_hours
    others = [factories.make_council(name, region=north_west) for name in ("Pine", "Quay", "Stour")]
    for council, day, data_hours in zip(
        others,
        (date(2025, 6, 2), date(2025, 9, 1), date(2026, 1, 5)),
        (1003, 1107, 1211),
        strict=True,
    ):
        event = make(council, "ilacs_focused_visit", day)
        hours(event, data_hours, team="data", phase="preparation")
    hours(make(others[0], "jtai", date(2025, 11, 3)), 64, team="partners", phase="on_site")
    hours(make(others[1], "ilacs_focused_visit", date(2024, 5, 6)), 333, team="managers")
    own = make(council_a, "ilacs_focused_visit", date(2026, 3, 1) - (date(2026, 3, 2) - TARGET_DAY))
    hours(own, 50)
    target = make(council_b, "ilacs_focused_visit", TARGET_DAY)
    hours(target, 300, team="data", phase="preparation")
    hours(target, 120, team="partners", phase="on_site")
    hours(target, 40, team="senior_leaders", phase="after")  # no other council in this cell
    hours(
        make(others[2], "ilacs_focused_visit", date(2026, 3, 3)),
        57,
        team="partners",
        phase="on_site",
    )
    hours(
        make(others[0], "ilacs_focused_visit", date(2026, 2, 2)),
        71,
        team="partners",
        phase="on_site",
    )
    hours(make(council_b, "jtai", date(2025, 10, 6)), 77)
    for name, data_hours in (("Thameside", 400), ("Wandle", 512)):
        council = factories.make_council(name, region=london)
        hours(make(council, "ilacs_focused_visit", date(2025, 7, 7)), data_hours)
    return target


def _periods():
    day = TARGET_DAY
    before, after = date(2026, 3, 1), date(2026, 3, 3)
    return [
        (None, None),
        (None, before),
        (None, day),
        (day, None),
        (after, None),
        (day, day),
        (before, before),
        (before, day),
        (date(2025, 4, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), None),
        (None, date(2025, 3, 31)),
    ]


def _figures(access, north_west) -> dict[tuple, Decimal]:
    """Every hours figure the dashboards, charts and CSV exports show, for every filter."""
    focused = factories.inspection_type("ilacs_focused_visit")
    jtai = factories.inspection_type("jtai")
    kinds = [("", None), ("ilacs", None), ("", focused.pk), ("", jtai.pk)]
    figures: dict[tuple, Decimal] = {}
    for (start, end), region, (family, type_id) in itertools.product(
        _periods(), (None, north_west.pk), kinds
    ):
        filters = BurdenFilters(start, end, region, family, type_id)
        combo = filters.cache_part

        def put(key, value, combo=combo):
            if value is not None:
                figures[(combo, *key)] = Decimal(value)

        for sort in ("-hours", "council"):  # the sort changes the order, never a figure
            for row in burden.league_table(filters, access, sort=sort):
                put(("league", row.council_id, "hours"), row.staff_hours)
                put(("league", row.council_id, "per_event"), row.hours_per_event)
        medians = burden.region_medians(filters, access)
        put(("median", "hours"), medians.staff_hours)
        put(("median", "per_event"), medians.hours_per_event)
        for region_row in burden.regions_compared(filters, access):
            for name in ("staff_hours", "hours_per_event", "hours_per_council"):
                put(("region", region_row.region_id, name), getattr(region_row, name))
            put(("region", region_row.region_id, "median"), region_row.median.staff_hours)
        for type_row in burden.hours_by_type(filters, access) or []:
            put(("type", type_row.inspection_type_id), type_row.staff_hours)
            put(("type", type_row.inspection_type_id, "per_event"), type_row.hours_per_event)
        table = burden.hours_by_team_and_phase(filters, access)
        for team, _, values, total in table.rows:
            put(("team", team), total)
            for (phase, _), value in zip(table.phases, values, strict=True):
                put(("cell", team, phase), value)
        for (phase, _), value in zip(table.phases, table.phase_totals, strict=True):
            put(("phase", phase), value)
        put(("total",), table.total)
    return figures


def _secrets(target) -> dict[str, Decimal]:
    entries = {(e.team, e.phase): e.hours for e in StaffTime.objects.filter(event=target)}
    secrets = {f"{team}/{phase}": hours for (team, phase), hours in entries.items()}
    secrets["event"] = sum(entries.values(), D(0))
    return secrets


def _tracking_attacks(world_1, world_2, secrets_1, secrets_2) -> list[str]:
    """Figures, or differences of two figures, equal to a secret in both worlds."""
    found = []
    by_value: dict[Decimal, list[tuple]] = {}
    for key, value in world_1.items():
        by_value.setdefault(value, []).append(key)
    for name, secret in secrets_1.items():
        for key, value in world_1.items():
            if value == secret and world_2.get(key) == secrets_2[name]:
                found.append(f"{name}: {key}")
            for other in by_value.get(value - secret, []):
                tracked = key in world_2 and other in world_2
                if tracked and world_2[key] - world_2[other] == secrets_2[name]:
                    found.append(f"{name}: {key} minus {other}")
    return found


@pytest.mark.parametrize("who", ["viewer_a", "no_council"])
def test_no_pair_of_filters_gives_back_another_councils_event_hours(
    request, who, attack_world, north_west
):
    user = (
        request.getfixturevalue("viewer_a")
        if who == "viewer_a"
        else factories.make_user("signed.in.only")
    )
    access = access_for(user)
    target = attack_world
    secrets_1 = _secrets(target)
    world_1 = _figures(access, north_west)

    # The second world: the same but for the target's hours (+70 on each of its entries).
    for entry in StaffTime.objects.filter(event=target):
        entry.hours += 70
        entry.save()
    cache.clear()
    secrets_2 = _secrets(target)
    world_2 = _figures(access, north_west)

    assert world_1, "the attacker must see some figures, or the test proves nothing"
    assert _tracking_attacks(world_1, world_2, secrets_1, secrets_2) == []


def test_the_same_attack_succeeds_for_an_lga_officer_who_may_see_every_councils_hours(
    attack_world, north_west, lga_officer
):
    """The attack itself works: with exact figures, a day's difference gives the hours back."""
    access = access_for(lga_officer)
    secrets_1 = _secrets(attack_world)
    world_1 = _figures(access, north_west)
    for entry in StaffTime.objects.filter(event=attack_world):
        entry.hours += 70
        entry.save()
    cache.clear()
    world_2 = _figures(access, north_west)

    attacks = _tracking_attacks(world_1, world_2, secrets_1, _secrets(attack_world))
    assert any("event" in attack and "minus" in attack for attack in attacks)


def test_a_viewer_sees_regional_totals_of_publishable_cells_rounded(attack_world, viewer_a):
    access = access_for(viewer_a)
    region = BurdenFilters(region_id=attack_world.council.region_id)
    table = burden.hours_by_team_and_phase(region, access)
    cells = {
        (team, phase): value
        for team, _, values, _ in table.rows
        for (phase, _), value in zip(table.phases, values, strict=True)
    }
    # data/preparation: Riverton 300 + Pine 1003 + Quay 1107 + Stour 1211 (+ Lakeshire's own 50
    # and Quay's 333 in another year, other cells): four other councils in 2025-26 -> shown
    assert cells[("data", "preparation")] == disclosure.round_hours(
        D(300 + 1003 + 1107 + 1211 + 50)
    )
    # partners/on site in 2025-26 focused visits: Riverton, Pine, Stour -> three others, shown;
    # the JTAI's (Pine alone) is withheld and left out of every total
    assert cells[("partners", "on_site")] == disclosure.round_hours(D(120 + 71 + 57))
    # managers/preparation: Quay alone in 2024-25 -> withheld
    assert cells[("managers", "preparation")] is None


def test_the_days_apart_attack_of_the_issue_shows_the_same_page(attack_world, viewer_a, client_for):
    """`date_to=2026-03-02` against `date_to=2026-03-01` on a region page, filtered by type."""
    client = client_for(viewer_a)
    url = reverse("region-dashboard", args=[attack_world.council.region.slug])
    type_id = attack_world.inspection_type_id

    def hours_figures(date_to):
        html = client.get(
            url, {"date_from": "", "date_to": date_to, "inspection_type": type_id}
        ).text
        return re.findall(
            r'data-(?:figure="hours[^"]*"|total="[^"]*hours[^"]*"|type-hours="\d+")[^>]*>([^<]*)<',
            html,
        )

    one_day, next_day = hours_figures("2026-03-01"), hours_figures("2026-03-02")
    assert one_day and one_day == next_day


# --- A region's figures are the same for every council outside it ---------------------------


def _figures_html(access, filters: BurdenFilters, region) -> str:
    """A dashboard's figures as ``access`` would be shown them, drawn afresh (no page cache)."""
    from datetime import datetime

    from django.template.loader import render_to_string

    from inspections.views import dashboards as dashboard_views

    context = dashboard_views._figures(access, filters, region=region, sort=None, timeline=None)
    context.update(drawn_at=datetime(2026, 12, 1, 9, 0), refresh_words="")
    return render_to_string(dashboard_views.FIGURES_TEMPLATE, context)


def test_a_council_outside_a_region_is_shown_its_figures_as_a_user_with_no_council(
    attack_world, north_west, viewer_a
):
    """The region's dashboard is drawn once for the users of every council outside it
    (``disclosure.viewer_of_region``): that is safe only because what they may see of it is
    exactly what a user with no council may see, checked here figure by figure over every
    period of the attack and each family, in a region where cells are published."""
    from councils.models import Council

    thameside = Council.objects.get(name="Thameside")  # London
    outsider = access_for(factories.make_user("thameside.viewer", council=thameside, role="viewer"))
    assert disclosure.viewer_of_region(outsider, north_west.pk) is disclosure.NO_COUNCIL
    shown = 0
    for (date_from, date_to), family in itertools.product(_periods(), ("", "ilacs", "jtai")):
        filters = BurdenFilters(
            date_from=date_from, date_to=date_to, region_id=north_west.pk, family=family
        )
        as_outsider = _figures_html(outsider, filters, north_west)
        assert as_outsider == _figures_html(disclosure.NO_COUNCIL, filters, north_west), filters
        shown += bool(burden.publishable_cells(filters, outsider).publishable)
    assert shown  # some of these views publish hours: the comparison is not of empty pages

    # A council of the region is shown more (its own hours) and less (cells it is one of three
    # in): it keeps its own view, which differs.
    inside = access_for(viewer_a)
    assert disclosure.viewer_of_region(inside, north_west.pk) is inside
    filters = BurdenFilters(region_id=north_west.pk)
    assert _figures_html(inside, filters, north_west) != _figures_html(
        disclosure.NO_COUNCIL, filters, north_west
    )

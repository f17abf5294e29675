"""Cost in pounds: every money figure the pages, the exports and the evidence pack show.

Staff hours (read from ``StaffTimeRollup``, as the burden dashboards read them) are costed in the
database: each hour is multiplied by the rate of :mod:`inspections.cost.rates` for its team,
council and the event's first day on site, as one SQL ``CASE`` built from the rates table (a
council's own rates first, then the national defaults). One query per filter set gives cost and
hours by council, team and financial year; everything else is summed from those cells, each cell
rounded to the penny once.

Visibility follows the hours exactly: a council's cost, its cost per team and its own rates are
shown only to users who may see its hours (``councils.access``); LGA officers and administrators
see exact totals; everyone else sees other councils' cost only under the disclosure rule of
``inspections.disclosure``: the cost of the publishable hours cells (whole financial years,
groups of at least three other councils with none dominant), rounded to the nearest £100.

Definitions (repeated in the README and on the evidence pack):

- **cost**: staff hours × the hourly rate that applies, summed; in pounds;
- **cost per event**: cost divided by all events in scope (events with no hours count);
- **cost per 10,000 children and young people**: cost of the councils with a recorded 0–25
  population, divided by their population, times 10,000 (ONS mid-year estimates as carried in
  Ofsted's LA lookup);
- **financial year**: April to March, by the event's first day on site.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import ExtractYear

from councils.access import UserAccess
from councils.models import Council, Region

from .. import disclosure
from ..models import InspectionEvent, StaffTimeRollup, Team
from ..selectors import burden
from ..selectors.burden import BurdenFilters
from .models import CostRate, ReferenceFigure
from .rates import (
    PER_POPULATION,
    Rate,
    financial_year_label,
    intervals,
    per_each,
    per_population,
    pounds,
)

ZERO = Decimal("0")
TEAM_LABELS = dict(Team.choices)
MONEY = DecimalField(max_digits=16, decimal_places=4)


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CouncilCost:
    """One council's cost; money fields are None where this user may not see its hours."""

    council_id: int
    name: str
    slug: str
    region_name: str
    population_0_25: int | None
    events: int
    staff_hours: Decimal | None
    cost: Decimal | None
    cost_per_event: Decimal | None
    cost_per_10k: Decimal | None
    rates_used: str  # "national defaults", or which teams the council's own rates cost
    includes_demo: bool
    shown: bool = True


@dataclass(frozen=True)
class CostTotals:
    """Cost of everything in scope (England, a region or a council)."""

    councils: int
    councils_with_population: int
    population_0_25: int
    events: int
    staff_hours: Decimal | None
    cost: Decimal | None
    cost_per_event: Decimal | None
    cost_per_10k: Decimal | None
    includes_demo: bool


@dataclass(frozen=True)
class YearCost:
    first_year: int
    label: str  # "2024-25"
    events: int
    staff_hours: Decimal | None
    cost: Decimal | None
    cost_per_10k: Decimal | None


@dataclass(frozen=True)
class TeamCost:
    team: str
    label: str
    staff_hours: Decimal | None
    cost: Decimal | None


@dataclass(frozen=True)
class RegionCost:
    region_id: int
    name: str
    slug: str
    councils: int
    population_0_25: int
    events: int
    staff_hours: Decimal | None
    cost: Decimal | None
    cost_per_council: Decimal | None
    cost_per_event: Decimal | None
    cost_per_10k: Decimal | None


@dataclass(frozen=True)
class RateRow:
    """A rate as the exports and pages list it."""

    whose: str  # "National default" or the council's name
    council_id: int | None
    team: str
    team_label: str
    applies_from: date
    applies_to: date | None
    hourly_rate: Decimal
    basis: str
    source: str
    source_url: str
    source_note: str


# ---------------------------------------------------------------------------------------------
# The rates
# ---------------------------------------------------------------------------------------------


def _rates() -> list[Rate]:
    return [
        Rate(pk, team, start, rate, council_id)
        for pk, team, start, rate, council_id in CostRate.objects.order_by().values_list(
            "pk", "team", "applies_from", "hourly_rate", "council_id"
        )
    ]


def rate_expression(prefix: str = "event__", rates: list[Rate] | None = None) -> Case:
    """The rate of each staff-time row (with its event reached through ``prefix``), as SQL."""
    own, national = intervals(_rates() if rates is None else rates)
    whens = []
    for interval in [*own, *national]:  # a council's own rates win: CASE takes the first match
        q = Q(team=interval.rate.team, **{f"{prefix}on_site_start__gte": interval.start})
        if interval.end is not None:
            q &= Q(**{f"{prefix}on_site_start__lt": interval.end})
        if interval.rate.council_id is not None:
            q &= Q(**{f"{prefix}council_id": interval.rate.council_id})
        whens.append(When(q, then=Value(interval.rate.hourly_rate)))
    if not whens:
        return Value(None, output_field=MONEY)
    return Case(*whens, default=Value(None), output_field=MONEY)


def rates_visible(access: UserAccess) -> list[RateRow]:
    """The national defaults and the councils' own rates this user may see, in order."""
    query = CostRate.objects.select_related("council").order_by(
        "council__name", "team", "applies_from"
    )
    if not access.sees_all_hours:
        query = query.filter(Q(council__isnull=True) | access.hours_filter("council"))
    rows = list(query)
    following: dict[tuple[int | None, str], list[date]] = defaultdict(list)
    for rate in rows:
        following[(rate.council_id, rate.team)].append(rate.applies_from)
    result = []
    for rate in rows:
        later = [d for d in following[(rate.council_id, rate.team)] if d > rate.applies_from]
        result.append(
            RateRow(
                whose=rate.council.name if rate.council_id else "National default",
                council_id=rate.council_id,
                team=rate.team,
                team_label=TEAM_LABELS.get(rate.team, rate.team),
                applies_from=rate.applies_from,
                applies_to=min(later) if later else None,
                hourly_rate=rate.hourly_rate,
                basis=rate.basis,
                source=rate.source,
                source_url=rate.source_url,
                source_note=rate.source_note,
            )
        )
    result.sort(key=lambda r: (r.council_id is not None, r.whose, r.team, r.applies_from))
    return result


def rates_visible_national() -> list[RateRow]:
    """The national defaults only: public to everyone."""
    return [r for r in rates_visible(UserAccess(is_authenticated=True)) if r.council_id is None]


def reference_figures(family: str = "") -> list[ReferenceFigure]:
    """Public figures to set costs beside (all shown ones, or those of one family)."""
    query = ReferenceFigure.objects.filter(is_active=True)
    if family:
        query = query.filter(Q(family=family) | Q(family=""))
    return list(query)


# ---------------------------------------------------------------------------------------------
# Raw cells (unmasked; never returned to a caller as they are)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cube:
    # (council_id, team, financial year) -> (hours, cost)
    cells: dict[tuple[int, str, int], tuple[Decimal, Decimal]]
    demo_councils: frozenset[int]
    own_rate_teams: dict[int, tuple[str, ...]]  # council -> teams with own rates in use
    populations: dict[int, int | None]  # every council's 0-25 population

    def by_council(self) -> dict[int, tuple[Decimal, Decimal]]:
        totals: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
        for (council_id, _team, _year), (hours, cost) in self.cells.items():
            totals[council_id][0] += hours
            totals[council_id][1] += cost
        return {key: (value[0], value[1]) for key, value in totals.items()}


def _financial_year_expression(field: str) -> Case:
    return Case(
        When(**{f"{field}__month__gte": 4}, then=ExtractYear(field)),
        default=ExtractYear(field) - 1,
    )


def _cube(filters: BurdenFilters) -> _Cube:
    def compute():
        rates = _rates()
        rows = (
            StaffTimeRollup.objects.filter(filters.events_q("event__"))
            .order_by()
            .annotate(
                fy=_financial_year_expression("event__on_site_start"),
                rate=rate_expression("event__", rates),
            )
            .values_list("event__council_id", "team", "fy")
            .annotate(
                total_hours=Sum("hours"),
                total_cost=Sum(F("hours") * F("rate"), output_field=MONEY),
            )
        )
        cells = {
            (council_id, team, int(fy)): (burden._decimal(hours), pounds(cost))
            for council_id, team, fy, hours, cost in rows
        }
        demo = burden.councils_with_demo_hours(filters)
        own: dict[int, set[str]] = defaultdict(set)
        with_hours = {(council_id, team) for council_id, team, _ in cells}
        for rate in rates:
            if (rate.council_id, rate.team) in with_hours:
                own[rate.council_id].add(rate.team)
        order = [code for code, _ in Team.choices]
        return _Cube(
            cells,
            demo,
            {key: tuple(sorted(value, key=order.index)) for key, value in own.items()},
            dict(Council.objects.values_list("pk", "population_0_25")),
        )

    return burden._cached("cost-cube", filters, "raw", compute)


def _events_by_year(filters: BurdenFilters) -> dict[int, int]:
    def compute():
        rows = (
            InspectionEvent.objects.filter(filters.events_q())
            .order_by()
            .annotate(fy=_financial_year_expression("on_site_start"))
            .values_list("fy")
            .annotate(n=Count("pk"))
        )
        return {int(fy): n for fy, n in rows}

    return burden._cached("events-by-financial-year", filters, "raw", compute)


def _rates_label(teams: tuple[str, ...]) -> str:
    if not teams:
        return "national defaults"
    names = ", ".join(TEAM_LABELS[team] for team in teams)
    return f"own rates for {names}; national defaults otherwise"


# ---------------------------------------------------------------------------------------------
# Disclosure control: other councils' cost for users without exact figures
# ---------------------------------------------------------------------------------------------


def _cost_cells(filters: BurdenFilters) -> dict[tuple, Decimal]:
    """Cost of each disclosure cell (region, type, financial year, team, phase) over whole
    reporting periods: the money counterpart of ``disclosure.hours_cells``."""
    scope = burden.reporting_filters(filters)

    def compute():
        rates = _rates()
        rows = (
            StaffTimeRollup.objects.filter(scope.events_q("event__"))
            .order_by()
            .annotate(
                fy=_financial_year_expression("event__on_site_start"),
                rate=rate_expression("event__", rates),
            )
            .values_list(
                "event__council__region_id", "event__inspection_type_id", "fy", "team", "phase"
            )
            .annotate(total_cost=Sum(F("hours") * F("rate"), output_field=MONEY))
        )
        return {
            (region, itype, int(fy), team, phase): pounds(cost)
            for region, itype, fy, team, phase, cost in rows
        }

    return burden._cached("cost-cells", scope, "raw", compute)


@dataclass(frozen=True)
class _Published:
    """Hours and cost of the publishable cells only, as the disclosure rule allows."""

    hours: disclosure.HoursCells
    costs: dict[tuple, Decimal]

    def cost(self, **match) -> Decimal | None:
        fields = ("region_id", "inspection_type_id", "financial_year", "team", "phase")
        chosen = self.hours.matching(**match)
        if not chosen:
            return None if self.hours.withheld_any(**match) else ZERO
        keys = [tuple(getattr(cell, name) for name in fields) for cell in chosen]
        return disclosure.round_cost(sum((self.costs.get(key, ZERO) for key in keys), ZERO))


def _published(filters: BurdenFilters, access: UserAccess) -> _Published:
    return _Published(burden.publishable_cells(filters, access), _cost_cells(filters))


def _exact(filters: BurdenFilters, access: UserAccess) -> bool:
    """Exact money for LGA officers and administrators, and for a user's own council."""
    return burden.exact_hours(filters, access)


def _population(cube: _Cube, council_ids) -> tuple[int, list[int]]:
    with_population = [cid for cid in council_ids if cube.populations.get(cid)]
    return sum(cube.populations[cid] for cid in with_population), with_population


# ---------------------------------------------------------------------------------------------
# Public figures
# ---------------------------------------------------------------------------------------------


def council_costs(filters: BurdenFilters, access: UserAccess) -> dict[int, CouncilCost]:
    """Each council in scope, by id, with its cost where this user may see its hours."""
    cube = _cube(filters)
    league = burden.league_table(filters, access)
    totals = cube.by_council()
    populations = cube.populations
    result = {}
    for row in league:
        hours, cost = totals.get(row.council_id, (ZERO, ZERO))
        population = populations.get(row.council_id)
        shown = access.can_see_hours_of(row.council_id)
        result[row.council_id] = CouncilCost(
            council_id=row.council_id,
            name=row.name,
            slug=row.slug,
            region_name=row.region_name,
            population_0_25=population,
            events=row.events,
            staff_hours=hours if shown else None,
            cost=cost if shown else None,
            cost_per_event=per_each(cost, row.events) if shown else None,
            cost_per_10k=per_population(cost, population) if shown else None,
            rates_used=_rates_label(cube.own_rate_teams.get(row.council_id, ())) if shown else "",
            includes_demo=row.council_id in cube.demo_councils,
            shown=shown,
        )
    return result


def cost_totals(filters: BurdenFilters, access: UserAccess) -> CostTotals:
    """Cost of the whole scope of the filters, with per event and per 10,000 children.

    Exact for LGA officers, administrators and a council's own users on its own figures; for
    everyone else the publishable cells' cost over whole financial years (the disclosure rule).
    """
    exact = _exact(filters, access)
    scope = filters if exact else burden.reporting_filters(filters)
    cube = _cube(scope)
    league = burden.league_table(scope, access)
    population, with_population = _population(cube, [row.council_id for row in league])
    events = sum(row.events for row in league)
    if filters.council_id is not None and not exact:  # another council's: as its hours
        hours = cost = cost_with_population = None
    elif exact:
        totals = cube.by_council()
        hours = sum((value[0] for value in totals.values()), ZERO)
        cost = sum((value[1] for value in totals.values()), ZERO)
        cost_with_population = sum(
            (totals.get(cid, (ZERO, ZERO))[1] for cid in with_population), ZERO
        )
    else:
        published = _published(filters, access)
        hours, cost = published.hours.total(), published.cost()
        cost_with_population = cost
    return CostTotals(
        councils=len(league),
        councils_with_population=len(with_population),
        population_0_25=population,
        events=events,
        staff_hours=hours,
        cost=cost,
        cost_per_event=per_each(cost, events),
        cost_per_10k=per_population(cost_with_population, population),
        includes_demo=bool(cube.demo_councils & {row.council_id for row in league}),
    )


def cost_by_year(filters: BurdenFilters, access: UserAccess) -> list[YearCost]:
    """Cost by financial year (April to March) of the scope, oldest first."""
    exact = _exact(filters, access)
    scope = filters if exact else burden.reporting_filters(filters)
    cube = _cube(scope)
    events = _events_by_year(scope)
    league = burden.league_table(scope, access)
    population, with_population = _population(cube, [row.council_id for row in league])
    hours: dict[int, Decimal] = defaultdict(lambda: ZERO)
    cost: dict[int, Decimal] = defaultdict(lambda: ZERO)
    cost_with_population: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (council_id, _team, year), (h, c) in cube.cells.items():
        hours[year] += h
        cost[year] += c
        if council_id in with_population:
            cost_with_population[year] += c
    published = None if exact else _published(filters, access)
    hidden = filters.council_id is not None and not exact  # another council's: as its hours
    rows = []
    for year in sorted(set(events) | set(hours)):
        if hidden:
            year_hours = year_cost = year_cost_with_population = None
        elif published is not None:
            year_hours = published.hours.total(financial_year=year)
            year_cost = published.cost(financial_year=year)
            year_cost_with_population = year_cost
        else:
            year_hours, year_cost = hours[year], cost[year]
            year_cost_with_population = cost_with_population[year]
        rows.append(
            YearCost(
                first_year=year,
                label=financial_year_label(year),
                events=events.get(year, 0),
                staff_hours=year_hours,
                cost=year_cost,
                cost_per_10k=per_population(year_cost_with_population, population),
            )
        )
    return rows


def cost_by_team(filters: BurdenFilters, access: UserAccess) -> list[TeamCost]:
    """Hours and cost by team: a council's only for its users; other councils' under the
    disclosure rule (cost per role is as private as hours per role)."""
    if filters.council_id is not None and not access.can_see_hours_of(filters.council_id):
        return [TeamCost(team, label, None, None) for team, label in Team.choices]
    if not _exact(filters, access):
        published = _published(filters, access)
        return [
            TeamCost(team, label, published.hours.total(team=team), published.cost(team=team))
            for team, label in Team.choices
        ]
    cube = _cube(filters)
    hours: dict[str, Decimal] = defaultdict(lambda: ZERO)
    cost: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (_council_id, team, _year), (h, c) in cube.cells.items():
        hours[team] += h
        cost[team] += c
    return [TeamCost(team, label, hours[team], cost[team]) for team, label in Team.choices]


def regions_cost(filters: BurdenFilters, access: UserAccess) -> list[RegionCost]:
    """Each region's cost, per council, per event and per 10,000 children, side by side."""
    national = filters.but(region_id=None, council_id=None)
    exact = disclosure.exact_figures_for(access)
    scope = national if exact else burden.reporting_filters(national)
    cube = _cube(scope)
    league = burden.league_table(scope, access)
    totals = cube.by_council()
    published = None if exact else _published(national, access)
    regions = {region.pk: region for region in Region.objects.all()}
    by_region: dict[int, list] = defaultdict(list)
    for row in league:
        by_region[row.region_id].append(row)
    result = []
    for region_id, rows in sorted(by_region.items(), key=lambda item: regions[item[0]].name):
        ids = [row.council_id for row in rows]
        population, with_population = _population(cube, ids)
        if published is None:
            hours = sum((totals.get(cid, (ZERO, ZERO))[0] for cid in ids), ZERO)
            cost = sum((totals.get(cid, (ZERO, ZERO))[1] for cid in ids), ZERO)
            cost_with_population = sum(
                (totals.get(cid, (ZERO, ZERO))[1] for cid in with_population), ZERO
            )
        else:
            hours = published.hours.total(region_id=region_id)
            cost = cost_with_population = published.cost(region_id=region_id)
        events = sum(row.events for row in rows)
        region = regions[region_id]
        result.append(
            RegionCost(
                region_id=region_id,
                name=region.name,
                slug=region.slug,
                councils=len(rows),
                population_0_25=population,
                events=events,
                staff_hours=hours,
                cost=cost,
                cost_per_council=per_each(cost, len(rows)),
                cost_per_event=per_each(cost, events),
                cost_per_10k=per_population(cost_with_population, population),
            )
        )
    return result


def rule_in_words(filters: BurdenFilters, access: UserAccess) -> str:
    """What this user is shown of other councils' cost (empty for exact figures)."""
    if _exact(filters, access):
        return ""
    return (
        "Other councils' costs follow the rule for their hours, and are rounded to the nearest "
        f"£{disclosure.COST_ROUNDING_BASE:,}: "
        + disclosure.rule_in_words(access, filters.date_from, filters.date_to)
    )


def event_cost(event: InspectionEvent, access: UserAccess) -> tuple[Decimal, list[TeamCost]] | None:
    """One event's cost and its cost by team; None if this user may not see its hours."""
    if not access.can_see_hours_of(event.council_id):
        return None
    rows = (
        StaffTimeRollup.objects.filter(event_id=event.pk)
        .order_by()
        .annotate(rate=rate_expression("event__"))
        .values_list("team")
        .annotate(
            total_hours=Sum("hours"), total_cost=Sum(F("hours") * F("rate"), output_field=MONEY)
        )
    )
    cells = {team: (burden._decimal(h), pounds(c)) for team, h, c in rows}
    teams = [
        TeamCost(team, label, cells[team][0], cells[team][1])
        for team, label in Team.choices
        if team in cells
    ]
    return sum((team.cost for team in teams), ZERO), teams


@dataclass(frozen=True)
class CostMedian:
    """The median council in scope on each cost figure (exact: rounded once when written)."""

    councils: int
    population_0_25: Decimal | None
    cost: Decimal | None
    cost_per_event: Decimal | None
    cost_per_10k: Decimal | None
    shown: bool


def _exact_median(values) -> Decimal | None:
    values = [Decimal(v) for v in values if v is not None]
    return Decimal(statistics.median(values)) if values else None


def cost_medians(filters: BurdenFilters, access: UserAccess) -> CostMedian:
    """The median council of the scope (a region, else England): councils with no cost count as
    £0; cost per event leaves out councils without events, per 10,000 those without a
    population. For users without exact figures: over whole financial years, only with at least
    ``disclosure.MEDIAN_MIN_COUNCILS`` other councils with costs, rounded (the disclosure rule)."""
    national = filters.but(council_id=None)
    exact = disclosure.exact_figures_for(access)
    scope = national if exact else burden.reporting_filters(national)
    cube = _cube(scope)
    league = burden.league_table(scope, access)
    totals = cube.by_council()
    costs, per_event, per_10k, populations = [], [], [], []
    for row in league:
        cost = totals.get(row.council_id, (ZERO, ZERO))[1]
        population = cube.populations.get(row.council_id)
        costs.append(cost)
        populations.append(population)
        if row.events:
            per_event.append(cost / row.events)
        if population:
            per_10k.append(cost * PER_POPULATION / population)
    others = [cid for cid, value in totals.items() if value[1] and cid != access.council_id]
    shown = exact or len(others) >= disclosure.MEDIAN_MIN_COUNCILS

    def rounded(value):
        if value is None or exact:
            return value
        return disclosure.round_cost(value)

    return CostMedian(
        councils=len(league),
        population_0_25=_exact_median(populations),
        cost=rounded(_exact_median(costs)) if shown else None,
        cost_per_event=_exact_median(per_event) if shown else None,
        cost_per_10k=_exact_median(per_10k) if shown else None,
        shown=shown,
    )

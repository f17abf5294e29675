"""The evidence pack: every figure of one page, from the selectors the dashboards and the
exports use (so the pack, the pages and the CSVs cannot disagree).

Each headline figure names the CSV in the pack's ZIP that it can be traced to, and each chart
the CSV that holds its numbers. Definitions and sources (with their dates) are part of the pack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from councils.access import UserAccess
from councils.models import Council, Region

from .. import charts, dashboard_charts
from ..cost import selectors as cost_selectors
from ..cost.rates import PER_POPULATION
from ..exports import ExportFilters
from ..forecast import selectors as forecast_selectors
from ..forecast.clashes import LIKELY
from ..journey import charts as journey_charts
from ..journey import selectors as journey_selectors
from ..models import InspectionEvent, Source, StaffTime
from ..selectors import burden
from ..selectors.burden import BurdenFilters

NOT_SHOWN = "not shown"
FORECAST_MONTHS = 12  # the horizon of the forecast clashes in the pack (the exports' default)


def _count(value) -> str:
    return NOT_SHOWN if value is None else f"{value:,}"


def _pounds(value) -> str:
    return NOT_SHOWN if value is None else f"£{float(value):,.0f}"


def _hours(value) -> str:
    return NOT_SHOWN if value is None else f"{float(value):,.1f}"


def _plain(value, blank: str = "–") -> str:
    return blank if value is None else str(value)


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    value: object  # the number, as the CSV holds it (None where not shown)
    text: str  # as the page shows it
    traced_to: str  # the CSV and column of the ZIP it comes from


@dataclass(frozen=True)
class PackChart:
    """A chart with its table, its sentence and the CSV of the ZIP holding its numbers."""

    key: str
    title: str
    chart: charts.Chart
    header: list[str]
    rows: list[list[str]]
    csv_name: str


@dataclass(frozen=True)
class SourceNote:
    name: str
    dated: str
    note: str


@dataclass(frozen=True)
class Pack:
    place_name: str
    period_label: str
    generated_on: date
    filters: BurdenFilters
    export_filters: ExportFilters
    headline: list[Headline]
    charts: list[PackChart]
    journey: dict
    rates: list
    references: list
    definitions: list[str]
    sources: list[SourceNote]
    includes_demo: bool
    extra_csvs: dict[str, tuple[list[str], list[list]]] = field(default_factory=dict)


def period_label(filters: BurdenFilters) -> str:
    if filters.date_from and filters.date_to:
        return f"{filters.date_from:%-d %B %Y} to {filters.date_to:%-d %B %Y}"
    if filters.date_from:
        return f"Since {filters.date_from:%-d %B %Y}"
    if filters.date_to:
        return f"Up to {filters.date_to:%-d %B %Y}"
    return "All time"


def _place_name(filters: BurdenFilters) -> str:
    if filters.council_id:
        return Council.objects.get(pk=filters.council_id).name
    if filters.region_id:
        return Region.objects.get(pk=filters.region_id).name
    return "England"


def _includes_demo(filters: BurdenFilters) -> bool:
    events = InspectionEvent.objects.filter(filters.events_q())
    return (
        events.filter(source=Source.DEMO).exists()
        or StaffTime.objects.filter(filters.events_q("event__"), is_demo=True).exists()
    )


DEFINITIONS = [
    "Events: inspection events whose first day on site falls in the period. Formal inspections "
    "leave out engagement meetings, peer challenges, DfE intervention steps and children's home "
    "visits.",
    "Clusters: inspections of one council too close together under the app's rules (by default "
    "two formal inspections starting within 90 days, or three within 365 days), with at least one "
    "of their events in the period.",
    "Staff hours: the hours councils logged for these events, by team and phase.",
    "Cost: each staff hour × the hourly cost rate (pay plus employer's on-costs) of its team on "
    "the event's first day on site: the council's own rate where it set one, else the national "
    "default. The rates used are listed below and in cost-rates.csv.",
    f"Cost per {PER_POPULATION:,} children and young people: the cost of councils with a recorded "
    "0–25 population, divided by that population, times 10,000.",
    "Financial year: April to March, by the event's first day on site.",
    f"Forecast clashes: coming inspections of one council forecast to fall too close together "
    f"(under the cluster rules) within the next {FORECAST_MONTHS} months, at least possible "
    "(20% or more); likely means 50% or more. From the forecast's stored windows, whatever the "
    "period chosen.",
    "Hours and cost of a single council are shown only to its own users, LGA officers and "
    "administrators; a total that would reveal one other council's figures is not shown.",
]


def _sources(includes_demo: bool) -> list[SourceNote]:
    published = InspectionEvent.objects.filter(source=Source.PUBLISHED).aggregate(
        loaded=Max("source_loaded_at"), latest=Max("published_on")
    )
    logged = InspectionEvent.objects.exclude(source__in=[Source.PUBLISHED, Source.DEMO]).aggregate(
        updated=Max("updated_at")
    )
    loaded = published["loaded"]
    notes = [
        SourceNote(
            "Council register: the Department for Education's local authority list "
            "(Open Government Licence v3.0), with GSS codes, DfE numbers and regions",
            "list last changed 13 April 2026",
            "153 councils with children's services responsibilities.",
        ),
        SourceNote(
            "Population aged 0–25: ONS estimates as carried in the Ofsted ILACS scrape tool's LA "
            "lookup (MIT licence)",
            "lookup last changed 18 July 2026",
            "Cumberland and Westmorland and Furness carry Cumbria's figure, copied.",
        ),
        SourceNote(
            "Published inspections: Ofsted's children's services inspection reports (Crown "
            "copyright, Open Government Licence v3.0), as scraped by the Ofsted ILACS and area "
            "SEND scrape tools",
            (f"loaded {loaded:%-d %B %Y}" if loaded else "not loaded")
            + (
                f"; latest report published {published['latest']:%-d %B %Y}"
                if published["latest"]
                else ""
            ),
            "Full inspections only: focused and monitoring visits come from councils' own logs.",
        ),
        SourceNote(
            "Events and staff hours logged by councils (forms, spreadsheets, the API)",
            f"latest change {logged['updated']:%-d %B %Y}" if logged["updated"] else "none yet",
            "No published source of staff hours exists: these are the councils' own records.",
        ),
    ]
    for rate in cost_selectors.rates_visible_national():
        notes.append(
            SourceNote(
                f"Cost rate, {rate.team_label}: {rate.source}",
                f"applies from {rate.applies_from:%-d %B %Y}",
                f"{rate.basis}. {rate.source_note}",
            )
        )
    for figure in cost_selectors.reference_figures():
        notes.append(
            SourceNote(
                f"Reference figure: {figure.source}", figure.source_date or "undated", figure.caveat
            )
        )
    if includes_demo:
        notes.append(
            SourceNote(
                "Demo data: invented to look plausible, never real",
                "generated by the app",
                "Figures that include it are stamped Demo.",
            )
        )
    return notes


def _table_rows(items, *cells: Callable) -> list[list[str]]:
    return [[cell(item) for cell in cells] for item in items]


def evidence_pack(
    filters: BurdenFilters, export_filters: ExportFilters, access: UserAccess
) -> Pack:
    """Every figure of the pack for this place and period, as this user may see them."""
    league = burden.league_table(filters, access)
    team_phase = burden.hours_by_team_and_phase(filters, access)
    quarters = burden.events_per_quarter(filters, access)
    totals = cost_selectors.cost_totals(filters, access)
    by_year = cost_selectors.cost_by_year(filters, access)
    by_team = cost_selectors.cost_by_team(filters, access)
    journey_scope = journey_selectors.journey_figures(filters, access)[0]
    journey_rows = journey_selectors.journey_rows(filters, access)
    includes_demo = _includes_demo(filters) or journey_selectors.journeys_include_demo(journey_rows)
    staff_hours = team_phase.total if team_phase is not None else None
    f = journey_scope.figures
    clashes = forecast_selectors.clashes_within(
        FORECAST_MONTHS, region=export_filters.region, council=export_filters.council
    )
    clashes_listed = clashes.count()
    clashes_likely = clashes.filter(**{f"likelihood_{FORECAST_MONTHS}__gte": LIKELY}).count()
    headline = [
        Headline(
            "events",
            "Events",
            sum(r.events for r in league),
            _count(sum(r.events for r in league)),
            "summary.csv: sum of events",
        ),
        Headline(
            "formal_inspections",
            "Formal inspections",
            sum(r.formal_inspections for r in league),
            _count(sum(r.formal_inspections for r in league)),
            "summary.csv: sum of formal_inspections",
        ),
        Headline(
            "clusters",
            "Clusters of inspections too close together",
            sum(r.clusters for r in league),
            _count(sum(r.clusters for r in league)),
            "summary.csv: sum of clusters",
        ),
        Headline(
            "staff_hours",
            "Staff hours",
            staff_hours,
            _hours(staff_hours),
            "cost-by-team.csv: sum of staff_hours",
        ),
        Headline(
            "cost", "Cost", totals.cost, _pounds(totals.cost), "cost-by-year.csv: sum of cost_gbp"
        ),
        Headline(
            "cost_per_event",
            "Cost per event",
            totals.cost_per_event,
            _pounds(totals.cost_per_event),
            "headline.csv: cost ÷ events",
        ),
        Headline(
            "cost_per_10k",
            f"Cost per {PER_POPULATION:,} children and young people (0–25)",
            totals.cost_per_10k,
            _pounds(totals.cost_per_10k),
            "headline.csv: cost of councils with a population ÷ population_0_25 × 10,000",
        ),
        Headline(
            "population_0_25",
            "Children and young people aged 0–25",
            totals.population_0_25,
            _count(totals.population_0_25),
            "summary.csv: sum of population_0_25",
        ),
        Headline(
            "councils_judged_inadequate",
            "Councils judged inadequate (journeys in the period)",
            f.councils,
            _count(f.councils),
            "inadequate-journey-figures.csv: councils_judged_inadequate (first row)",
        ),
        Headline(
            "median_days_inadequate",
            "Median time inadequate (days)",
            f.median_days_inadequate,
            _plain(f.median_days_inadequate),
            "inadequate-journey-figures.csv: median_days_inadequate (first row)",
        ),
        Headline(
            "share_improved",
            "Improved at the next inspection (%)",
            f.share_improved,
            _plain(f.share_improved),
            "inadequate-journey-figures.csv: share_improved_at_next_percent (first row)",
        ),
        Headline(
            "events_per_year_inadequate",
            "Inspection events a year while inadequate",
            f.events_per_year_inadequate,
            _plain(f.events_per_year_inadequate),
            "inadequate-journey-figures.csv: events_per_year_while_inadequate",
        ),
        Headline(
            "events_per_year_good",
            "Inspection events a year while good",
            f.events_per_year_good,
            _plain(f.events_per_year_good),
            "inadequate-journey-figures.csv: events_per_year_while_good",
        ),
        Headline(
            "forecast_clashes",
            f"Forecast clashes in the next {FORECAST_MONTHS} months (possible or likely)",
            clashes_listed,
            _count(clashes_listed),
            "forecast-clashes.csv: rows",
        ),
        Headline(
            "forecast_clashes_likely",
            "Of them likely (50% or more)",
            clashes_likely,
            _count(clashes_likely),
            "forecast-clashes.csv: rows whose likelihood is 'likely'",
        ),
    ]
    pack_charts = [
        PackChart(
            "events-per-quarter",
            "Events per quarter",
            dashboard_charts.quarters_figure(quarters, chart_id="pack-events-per-quarter"),
            ["Quarter", "Formal inspections", "Other events", "All events"],
            _table_rows(
                quarters,
                lambda q: q.label,
                lambda q: f"{q.formal_inspections:,}",
                lambda q: f"{q.other_events:,}",
                lambda q: f"{q.events:,}",
            ),
            "events-per-quarter.csv",
        ),
        PackChart(
            "cost-by-year",
            "Cost by financial year",
            _cost_by_year_figure(by_year),
            ["Financial year", "Events", "Cost", "Per 10,000 aged 0–25"],
            _table_rows(
                by_year,
                lambda y: y.label,
                lambda y: f"{y.events:,}",
                lambda y: _pounds(y.cost),
                lambda y: _pounds(y.cost_per_10k),
            ),
            "cost-by-year.csv",
        ),
        PackChart(
            "cost-by-team",
            "Staff hours and cost by team",
            _cost_by_team_figure(by_team),
            ["Team", "Staff hours", "Cost"],
            _table_rows(
                by_team,
                lambda t: t.label,
                lambda t: _hours(t.staff_hours),
                lambda t: _pounds(t.cost),
            ),
            "cost-by-team.csv",
        ),
    ]
    extra_csvs = {
        "events-per-quarter.csv": (
            ["quarter", "quarter_start", "formal_inspections", "other_events", "events"],
            [
                [q.label, q.quarter_start, q.formal_inspections, q.other_events, q.events]
                for q in quarters
            ],
        ),
        "cost-by-team.csv": (
            ["team", "team_name", "staff_hours", "cost_gbp"],
            [[t.team, t.label, t.staff_hours, t.cost] for t in by_team],
        ),
        "headline.csv": (
            ["figure", "label", "value", "traced_to", "place", "period", "demo"],
            [[h.key, h.label, h.value, h.traced_to, "", "", ""] for h in headline],
        ),
    }
    if filters.council_id is None:
        if filters.region_id is None:
            regions = cost_selectors.regions_cost(filters, access)
            items = [(r.name, r.cost_per_10k, r.population_0_25, r.cost) for r in regions]
            title, csv_name = (
                "Cost per 10,000 children and young people, by region",
                ("cost-by-region.csv"),
            )
            extra_csvs[csv_name] = (
                [
                    "region",
                    "councils",
                    "population_0_25",
                    "events",
                    "staff_hours",
                    "cost_gbp",
                    "cost_per_council_gbp",
                    "cost_per_event_gbp",
                    "cost_per_10000_children_gbp",
                ],
                [
                    [
                        r.name,
                        r.councils,
                        r.population_0_25,
                        r.events,
                        r.staff_hours,
                        r.cost,
                        r.cost_per_council,
                        r.cost_per_event,
                        r.cost_per_10k,
                    ]
                    for r in regions
                ],
            )
        else:
            costs = cost_selectors.council_costs(filters, access)
            items = sorted(
                ((c.name, c.cost_per_10k, c.population_0_25, c.cost) for c in costs.values()),
                key=lambda item: item[0],
            )
            title, csv_name = (
                "Cost per 10,000 children and young people, by council",
                ("summary.csv"),
            )
        pack_charts.append(
            PackChart(
                "cost-per-10k",
                title,
                _per_10k_figure(items, title),
                ["Place", "Children and young people (0–25)", "Cost", "Per 10,000"],
                [
                    [name, _count(pop), _pounds(cost), _pounds(per)]
                    for name, per, pop, cost in items
                ],
                csv_name,
            )
        )
    journey = {
        "scope": journey_scope,
        "figures": journey_selectors.journey_figures(filters, access),
        "rows": journey_rows,
        "includes_demo": journey_selectors.journeys_include_demo(journey_rows),
    }
    pack_charts.append(
        PackChart(
            "journey-events-per-year",
            "Inspection events a year: while inadequate and while good",
            journey_charts.events_per_year_figure(
                journey_scope, chart_id="pack-journey-events-per-year"
            ),
            ["State", "Events a year"],
            [
                ["While inadequate", _plain(f.events_per_year_inadequate)],
                ["While good", _plain(f.events_per_year_good)],
            ],
            "inadequate-journey-figures.csv",
        )
    )
    place, period = _place_name(filters), period_label(filters)
    extra_csvs["headline.csv"] = (
        extra_csvs["headline.csv"][0],
        [[h.key, h.label, h.value, h.traced_to, place, period, includes_demo] for h in headline],
    )
    return Pack(
        place_name=place,
        period_label=period,
        generated_on=timezone.localdate(),
        filters=filters,
        export_filters=export_filters,
        headline=headline,
        charts=pack_charts,
        journey=journey,
        rates=cost_selectors.rates_visible(access),
        references=cost_selectors.reference_figures(),
        definitions=DEFINITIONS,
        sources=_sources(includes_demo),
        includes_demo=includes_demo,
        extra_csvs=extra_csvs,
    )


def _cost_by_year_figure(rows) -> charts.Chart:
    shown = [r for r in rows if r.cost is not None]
    if shown and any(r.cost for r in shown):
        top = max(shown, key=lambda r: r.cost)
        total = sum((r.cost for r in shown), Decimal("0"))
        summary = (
            f"Cost by financial year: {_pounds(total)} in all, the most in {top.label} "
            f"({_pounds(top.cost)})."
        )
    else:
        summary = "Cost by financial year: no cost is shown for these events."
    bars = [charts.Bar(r.label, [r.cost or 0], _pounds(r.cost)) for r in rows]
    return charts.bar_chart("pack-cost-by-year", bars, summary=summary)


def _cost_by_team_figure(rows) -> charts.Chart:
    shown = [r for r in rows if r.cost]
    if shown:
        top = max(shown, key=lambda r: r.cost)
        summary = f"Cost by team: {top.label.lower()} cost the most ({_pounds(top.cost)})."
    else:
        summary = "Cost by team: no cost is shown for these events."
    bars = [charts.Bar(r.label, [r.cost or 0], _pounds(r.cost)) for r in rows]
    return charts.bar_chart("pack-cost-by-team", bars, summary=summary)


def _per_10k_figure(items, title: str) -> charts.Chart:
    shown = [item for item in items if item[1] is not None]
    if shown:
        top = max(shown, key=lambda item: item[1])
        low = min(shown, key=lambda item: item[1])
        summary = (
            f"{title}: the most in {top[0]} ({_pounds(top[1])}), the least in {low[0]} "
            f"({_pounds(low[1])})."
        )
    else:
        summary = f"{title}: none shown."
    bars = [charts.Bar(name, [per or 0], _pounds(per)) for name, per, _pop, _cost in items]
    return charts.bar_chart("pack-cost-per-10k", bars, summary=summary)

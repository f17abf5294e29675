"""The dashboards' charts and their one-sentence summaries, from the burden selectors' figures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import charts, disclosure
from .models import Family
from .selectors.burden import (
    BurdenFilters,
    HoursByTeamAndPhase,
    QuarterCount,
    RegionBurden,
    TimelineRow,
    TypeHours,
)

FAMILY_LABELS = dict(Family.choices)
_PLACEHOLDER = "987654321"


def url_maker(name: str):
    """``reverse`` once, then fill in each id: pages link hundreds of events."""
    pattern = reverse(name, args=[_PLACEHOLDER])
    return lambda value: pattern.replace(_PLACEHOLDER, str(value))


def _date_range(first: date, last: date) -> str:
    if first == last:
        return f"{first:%-d %B %Y}"
    if first.year == last.year and first.month == last.month:
        return f"{first:%-d} to {last:%-d %B %Y}"
    if first.year == last.year:
        return f"{first:%-d %B} to {last:%-d %B %Y}"
    return f"{first:%-d %B %Y} to {last:%-d %B %Y}"


def event_title(council_name: str, event) -> str:
    """The text of a timeline mark's tooltip: council, type, dates and outcome."""
    parts = [f"{council_name}: {event.type_name}"]
    if event.theme:
        parts[0] += f" ({event.theme})"
    parts.append(_date_range(event.on_site_start, event.on_site_end))
    parts.append(f"outcome: {event.outcome or 'not recorded'}")
    if event.cluster_ids:
        parts.append("in a cluster")
    return ", ".join(parts)


def timeline_period(rows: Sequence[TimelineRow], filters: BurdenFilters) -> tuple[date, date]:
    """The span to draw: the filtered period, else whole years around the events."""
    starts = [event.on_site_start for row in rows for event in row.events]
    ends = [event.on_site_end for row in rows for event in row.events]
    today = timezone.localdate()
    start = filters.date_from or date(min(starts, default=today).year, 1, 1)
    end = filters.date_to or date(max([*ends, today]).year + 1, 1, 1)
    return start, end


def timeline_figure(
    rows: Sequence[TimelineRow],
    filters: BurdenFilters,
    *,
    formal_only: bool,
    chart_id: str,
    context: charts.ChartContext | None = None,
) -> charts.Chart:
    lanes, families, event_count, clustered = [], set(), 0, 0
    event_url = url_maker("event-detail")
    for row in rows:
        marks = []
        for event in row.events:
            families.add(event.family)
            event_count += 1
            clustered += bool(event.cluster_ids)
            marks.append(
                charts.Mark(
                    start=event.on_site_start,
                    family=event.family,
                    is_formal=event.is_formal,
                    title=event_title(row.name, event),
                    href=event_url(event.event_id),
                    in_cluster=bool(event.cluster_ids),
                )
            )
        bands = [
            charts.Band(
                start=cluster.first_date,
                end=cluster.last_date,
                severity=cluster.severity,
                title=f"{row.name}: {cluster.rule_name}, "
                f"{_date_range(cluster.first_date, cluster.last_date)}",
            )
            for cluster in row.clusters
        ]
        lanes.append(charts.Lane(label=row.name, marks=marks, bands=bands))
    start, end = timeline_period(rows, filters)
    what = "formal inspections" if formal_only else "events"
    cluster_count = sum(len(row.clusters) for row in rows)
    busiest = max(rows, key=lambda row: (len(row.events), row.name), default=None)
    summary = (
        f"Timeline of {len(rows)} council{'s' if len(rows) != 1 else ''} from "
        f"{start:%-d %B %Y} to {end:%-d %B %Y}: {event_count:,} {what}, "
        f"{clustered:,} of them in {cluster_count:,} cluster{'s' if cluster_count != 1 else ''}"
    )
    if busiest and busiest.events and len(rows) > 1:
        summary += f"; most at {busiest.name} ({len(busiest.events):,})"
    summary += "."
    return charts.timeline_chart(
        chart_id,
        lanes,
        start=start,
        end=end,
        families=[(code, label) for code, label in Family.choices if code in families],
        summary=summary,
        context=context,
    )


def _share(part: Decimal, whole: Decimal) -> str:
    return f"{(part / whole * 100):.0f}%" if whole else "0%"


NOT_SHOWN = "not shown"
WITHHELD = (
    " Hours that come from a single other council are not shown, as they would be that "
    "council's own."
)


def _hours_text(value) -> str:
    return NOT_SHOWN if value is None else f"{charts.number(value)} h"


def hours_by_type_figure(
    rows: Sequence[TypeHours], *, chart_id: str, context: charts.ChartContext | None = None
) -> charts.Chart:
    shown = [row for row in rows if row.staff_hours is not None]
    total = sum((row.staff_hours for row in shown), Decimal("0"))
    top = max(shown, key=lambda row: row.staff_hours, default=None)
    if top and total:
        share = _share(top.staff_hours, total)
        summary = (
            f"Staff hours by inspection type: {charts.number(total)} hours in all, the most for "
            f"{top.name} ({charts.number(top.staff_hours)} hours, {share})."
        )
    else:
        summary = "Staff hours by inspection type: no staff hours are logged for these events."
    if len(shown) < len(rows):
        summary += WITHHELD
    bars = [
        charts.Bar(row.name, [row.staff_hours or 0], _hours_text(row.staff_hours))
        for row in rows
        if row.staff_hours is None or row.staff_hours
    ]
    return charts.bar_chart(chart_id, bars, summary=summary, context=context)


def team_phase_figure(
    table: HoursByTeamAndPhase, *, chart_id: str, context: charts.ChartContext | None = None
) -> charts.Chart:
    rows = [row for row in table.rows if row[3] is None or row[3]]
    shown = [row for row in rows if row[3] is not None]
    phase_totals = [(i, v) for i, v in enumerate(table.phase_totals) if v is not None]
    if shown and table.total and phase_totals:
        top = max(shown, key=lambda row: row[3])
        phase_index, phase_total = max(phase_totals, key=lambda item: item[1])
        summary = (
            f"Staff hours by team and phase: {top[1].lower()} spent the most "
            f"({charts.number(top[3])} hours, {_share(top[3], table.total)}), and "
            f"{_share(phase_total, table.total)} of all hours were in "
            f"{table.phases[phase_index][1].lower()}."
        )
    else:
        summary = "Staff hours by team and phase: no staff hours are shown for these events."
    hidden = table.total is None or any(
        value is None for _, _, values, total in rows for value in [*values, total]
    )
    if hidden:
        summary += WITHHELD
    bars = [
        charts.Bar(label, [value or 0 for value in values], _hours_text(total))
        for _, label, values, total in rows
    ]
    return charts.bar_chart(
        chart_id,
        bars,
        summary=summary,
        series=[label for _, label in table.phases],
        context=context,
    )


def quarters_figure(
    quarters: Sequence[QuarterCount], *, chart_id: str, context: charts.ChartContext | None = None
) -> charts.Chart:
    if quarters and any(q.events for q in quarters):
        busiest = max(quarters, key=lambda q: (q.events, q.quarter_start))
        summary = (
            f"Events per quarter from {quarters[0].label} to {quarters[-1].label}: "
            f"{sum(q.events for q in quarters):,} in all; the busiest was {busiest.label} with "
            f"{busiest.events:,} events, {busiest.formal_inspections:,} of them formal inspections."
        )
    else:
        summary = "Events per quarter: no events match these filters."
    label_every_year = len(quarters) <= 64
    columns = [
        charts.Column(
            label=str(q.quarter_start.year) if q.quarter_start.month == 1 or i == 0 else "",
            values=[q.formal_inspections, q.other_events],
            title=f"{q.label}: {q.formal_inspections} formal inspections, {q.other_events} other",
            show_label=(q.quarter_start.month == 1 or i == 0)
            and (label_every_year or q.quarter_start.year % 2 == 0),
        )
        for i, q in enumerate(quarters)
    ]
    return charts.column_chart(
        chart_id,
        columns,
        summary=summary,
        series=["Formal inspections", "Other events"],
        context=context,
    )


def regions_figure(
    regions: Sequence[RegionBurden], *, chart_id: str, context: charts.ChartContext | None = None
) -> charts.Chart:
    if regions:
        most = max(regions, key=lambda r: (r.formal_per_council, r.name))
        least = min(regions, key=lambda r: (r.formal_per_council, r.name))
        summary = (
            f"Formal inspections per council by region: the most in {most.name} "
            f"({charts.number(most.formal_per_council, 1)}), the fewest in {least.name} "
            f"({charts.number(least.formal_per_council, 1)})."
        )
    else:
        summary = "Formal inspections per council by region: no councils."
    bars = [
        charts.Bar(
            region.name,
            [region.formal_per_council],
            charts.number(region.formal_per_council, 1),
        )
        for region in regions
    ]
    return charts.bar_chart(chart_id, bars, summary=summary, context=context)


def regions_hours_figure(
    regions: Sequence[RegionBurden], *, chart_id: str, context: charts.ChartContext | None = None
) -> charts.Chart:
    shown = [r for r in regions if r.hours_per_council is not None]
    if shown:
        most = max(shown, key=lambda r: (r.hours_per_council, r.name))
        summary = (
            f"Staff hours per council by region: the most in {most.name} "
            f"({charts.number(most.hours_per_council)} hours per council)."
        )
    else:
        summary = "Staff hours per council by region: none shown."
    if len(shown) < len(regions):
        summary += WITHHELD
    bars = [
        charts.Bar(
            region.name, [region.hours_per_council or 0], _hours_text(region.hours_per_council)
        )
        for region in regions
    ]
    return charts.bar_chart(chart_id, bars, summary=summary, context=context)


def _on_site(event) -> str:
    if event.on_site_end == event.on_site_start:
        return f"{event.on_site_start:%-d %b %Y}"
    return f"{event.on_site_start:%-d %b %Y} to {event.on_site_end:%-d %b %Y}"


def timeline_table_rows(rows: Sequence[TimelineRow]) -> SafeString:
    """The timeline's events as table rows: council, inspection, dates, outcome, report.

    Built here rather than in a template loop because a national timeline has a thousand.
    """
    event_url = url_maker("event-detail")
    cell = '<td class="govuk-table__cell">'
    html = []
    for row in rows:
        council = escape(row.name)
        for event in row.events:
            theme = f" ({escape(event.theme)})" if event.theme else ""
            report = ""
            if event.is_published and event.report_url:
                report = (
                    f'<a class="govuk-link" href="{escape(event.report_url)}" '
                    f'rel="noreferrer noopener">Ofsted report<span class="govuk-visually-hidden">'
                    f": {escape(event.type_name)}, {council}, {event.on_site_start:%-d %b %Y}"
                    "</span></a>"
                )
            html.append(
                f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
                f"{council}</th>{cell}"
                f'<a class="govuk-link" href="{event_url(event.event_id)}">'
                f"{escape(event.type_name)}</a>{theme}</td>"
                f"{cell}{_on_site(event)}</td>{cell}{escape(event.outcome or 'Not recorded')}</td>"
                f"{cell}{'Yes' if event.cluster_ids else 'No'}</td>{cell}{report}</td></tr>"
            )
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped


def _figure_cell(figure: str, text: str, extra_class: str = "") -> str:
    return (
        f'<td class="govuk-table__cell govuk-table__cell--numeric{extra_class}" '
        f'data-figure="{figure}">{text}</td>'
    )


def league_table_rows(
    rows: Sequence,
    *,
    council_url,
    query: str,
    with_region: bool,
    demo_councils: frozenset[int] | set[int] = frozenset(),
) -> SafeString:
    """The league table's rows; hidden hours read "not shown" (built here: up to 153 rows).

    ``demo_councils``: councils whose figures include a demo event or demo hours; their row
    carries a Demo tag (``inspections.selectors.burden.councils_with_demo``)."""
    html = []
    demo_tag = ' <strong class="govuk-tag govuk-tag--grey" data-demo-row>Demo</strong>'
    for row in rows:
        cells = [
            f'<tr class="govuk-table__row" data-council="{escape(row.slug)}">'
            f'<th scope="row" class="govuk-table__header"><a class="govuk-link" '
            f'href="{escape(council_url(row.slug))}{escape(query)}">{escape(row.name)}</a>'
            f"{demo_tag if row.council_id in demo_councils else ''}</th>"
        ]
        if with_region:
            cells.append(f'<td class="govuk-table__cell">{escape(row.region_name)}</td>')
        cells += [
            _figure_cell("most_in_12_months", str(row.most_in_12_months)),
            _figure_cell(
                "gap", "–" if row.shortest_gap_days is None else f"{row.shortest_gap_days:,}"
            ),
            _figure_cell("formal", f"{row.formal_inspections:,}"),
            _figure_cell("events", f"{row.events:,}"),
            _figure_cell("on_site_days", f"{row.on_site_days:,}"),
        ]
        if row.hours_shown:
            cells.append(_figure_cell("hours", charts.number(row.staff_hours, 1)))
            cells.append(_figure_cell("hours_per_event", charts.number(row.hours_per_event, 1)))
        else:
            cells.append(_figure_cell("hours", "not shown", " app-not-shown"))
            cells.append(_figure_cell("hours_per_event", "not shown", " app-not-shown"))
        cells.append(_figure_cell("clusters", str(row.clusters)))
        html.append("".join(cells) + "</tr>")
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped


# ---------------------------------------------------------------------------------------------
# What each chart says about itself (drawn inside it) and where it can be downloaded
# ---------------------------------------------------------------------------------------------

EVENTS_SOURCE = (
    "Inspection Burden Tracker: inspections published by Ofsted, CQC and HMI Probation, "
    "and those councils record"
)
HOURS_SOURCE = "Inspection Burden Tracker: staff time logged by councils"

# name: (title, what it counts: "events" or "hours"); the names are the charts' ids on the pages
# and their addresses as files (/charts/<name>.svg and .png).
DASHBOARD_CHARTS = {
    "timeline": ("Timeline of formal inspections", "events"),
    "hours-by-type": ("Staff hours by inspection type", "hours"),
    "hours-by-team-and-phase": ("Staff hours by team and phase", "hours"),
    "events-per-quarter": ("Events per quarter", "events"),
    "regions-formal": ("Formal inspections per council, by region", "events"),
    "regions-hours": ("Staff hours per council, by region", "hours"),
}


def period_words(date_from: date | None, date_to: date | None) -> str:
    """The period in words: "1 December 2023 to 30 November 2026", "Since …", "All time"."""
    if date_from and date_to:
        return f"{date_from:%-d %B %Y} to {date_to:%-d %B %Y}"
    if date_from:
        return f"Since {date_from:%-d %B %Y}"
    if date_to:
        return f"Up to {date_to:%-d %B %Y}"
    return "All time"


def place_words(filters: BurdenFilters, place: str) -> str:
    """The area and any family or type: "North West · ILACS (Ofsted)"."""
    parts = [place]
    if filters.family:
        parts.append(FAMILY_LABELS.get(filters.family, filters.family))
    if filters.inspection_type_id:
        from .models import InspectionType

        parts.append(
            InspectionType.objects.filter(pk=filters.inspection_type_id)
            .values_list("name", flat=True)
            .first()
            or ""
        )
    return " · ".join(part for part in parts if part)


def chart_context(
    name: str,
    filters: BurdenFilters,
    *,
    place: str,
    demo,
    exact_hours: bool = True,
    formal_only: bool = True,
) -> charts.ChartContext:
    """The title, scope, period, source and Demo mark of dashboard chart ``name``.

    ``demo``: the scope's :class:`inspections.selectors.burden.DemoInScope`. Hours shown to a
    user without exact figures cover whole financial years (``inspections.disclosure``), and
    the period says so.
    """
    title, counts = DASHBOARD_CHARTS[name]
    if name == "timeline" and not formal_only:
        title = "Timeline of events"
    period = period_words(filters.date_from, filters.date_to)
    if counts == "hours" and not exact_hours:
        start, end = disclosure.reporting_period(filters.date_from, filters.date_to)
        period = (
            f"financial years {disclosure.period_in_words(start, end)} (other councils' hours "
            "only over whole years)"
        )
    return charts.ChartContext(
        title=title,
        scope=place_words(filters, place),
        period=period,
        source=HOURS_SOURCE if counts == "hours" else EVENTS_SOURCE,
        is_demo=demo.hours if counts == "hours" else demo.events,
    )

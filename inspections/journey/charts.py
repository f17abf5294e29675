"""The inadequate journey's charts and their one-sentence summaries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils import timezone

from .. import charts
from ..dashboard_charts import url_maker
from ..models import Family
from .selectors import JourneyRow, ScopeFigures

MARKED = {"ilacs_monitoring_visit", "ilacs_focused_visit"}


def journey_timeline_figure(
    rows: Sequence[JourneyRow],
    events: dict[int, tuple[str, str, date]],
    *,
    chart_id: str,
    context: charts.ChartContext | None = None,
) -> charts.Chart:
    """One lane per council judged inadequate: a red band for each time inadequate, marks for
    the judgement, monitoring and focused visits and DfE intervention steps that followed.

    ``events``: event id → (type name, family, first day on site), for the marks' tooltips.
    """
    event_url = url_maker("event-detail")
    lanes: dict[int, charts.Lane] = {}
    today = timezone.localdate()
    for row in rows:
        lane = lanes.get(row.council_id) or charts.Lane(row.council_name, [], [])
        lane.bands.append(
            charts.Band(
                start=row.judged_on,
                end=row.next_judged_on or today,
                severity="high",
                title=f"{row.council_name}: inadequate from {row.judged_on:%-d %B %Y}"
                + (
                    f" to {row.next_judged_on:%-d %B %Y} ({row.next_outcome.lower()})"
                    if row.next_judged_on
                    else ", no later judgement yet"
                ),
            )
        )
        lane.marks.append(
            charts.Mark(
                row.on_site_start,
                "ilacs",
                True,
                f"{row.council_name}: {row.inspection_type}, inadequate",
                event_url(row.judgement_event_id),
            )
        )
        for event_id in row.event_ids:
            name, family, start = events[event_id]
            if family == "dfe_intervention" or family == "ilacs":
                lane.marks.append(
                    charts.Mark(
                        start,
                        family,
                        family != "dfe_intervention",
                        f"{row.council_name}: {name}, {start:%-d %B %Y}",
                        event_url(event_id),
                    )
                )
        lanes[row.council_id] = lane
    ordered = sorted(lanes.values(), key=lambda lane: lane.label)
    starts = [row.judged_on for row in rows]
    start = date(min(starts, default=today).year, 1, 1)
    end = date(today.year + 1, 1, 1)
    councils = len(ordered)
    still = len({row.council_id for row in rows if row.next_judged_on is None})
    visits = sum(row.monitoring_visits for row in rows)
    summary = (
        f"{councils} council{'s' if councils != 1 else ''} judged inadequate, "
        f"{len(rows)} judgement{'s' if len(rows) != 1 else ''} in all; {visits} monitoring "
        f"visit{'s' if visits != 1 else ''} logged after them; {still} with no later judgement yet."
    )
    if not rows:
        summary = "No council judged inadequate matches these filters."
    families = [(c, label) for c, label in Family.choices if c in {"ilacs", "dfe_intervention"}]
    return charts.timeline_chart(
        chart_id,
        ordered,
        start=start,
        end=end,
        families=families,
        summary=summary,
        band_labels={"high": "Time inadequate"},
        context=context,
    )


def events_per_year_figure(
    scope: ScopeFigures, *, chart_id: str, context: charts.ChartContext | None = None
) -> charts.Chart:
    """Events per year while inadequate and while good, side by side."""
    figures = scope.figures
    inadequate, good = figures.events_per_year_inadequate, figures.events_per_year_good
    if inadequate is not None and good is not None:
        summary = (
            f"{scope.name}: {inadequate} inspection events a year while inadequate, against "
            f"{good} while good."
        )
    else:
        summary = f"{scope.name}: not enough history to compare events a year."
    bars = [
        charts.Bar("While inadequate", [inadequate or 0], charts.number(inadequate, 1)),
        charts.Bar("While good", [good or 0], charts.number(good, 1)),
    ]
    return charts.bar_chart(chart_id, bars, summary=summary, context=context)

"""The backtest: forecast from the history before a date, score on what happened after it.

Pure: no database, no clock. For each council and scored regime, the forecast is made exactly as
the app makes it, from the events on site up to the as-of date (with outcomes known only once
their report was published: the caller masks them) and the gaps observed in everyone's history
up to that date. It is scored on the council's next inspection of the regime after the date,
when it happened by the end of the data:

- **inside**: the share of next inspections whose first day on site fell inside the window,
  counting as misses the councils still waiting at the end of the data whose window had closed;
- **median error**: the median of |actual - most likely| in days.

The **naive baseline** is the previous inspection plus the framework's nominal cycle (the
stated ``likely_months``), its window the stated earliest to latest. Both are scored on the same
councils: those with a forecast, a baseline and a next inspection.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from .windows import (
    FORECAST,
    REGIMES,
    PastEvent,
    StatedCycle,
    add_months,
    cycle_for,
    forecast_window,
    observe_gaps,
)

SCORED_REGIMES = ("ilacs_full", "area_send_full", "hmip_youth_justice", "cqc_adult_social_care")


@dataclass
class Score:
    scored: int = 0
    inside: int = 0
    known_misses: int = 0  # still waiting at the end of the data, the window already closed
    errors: list[int] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)

    def add(self, actual: date, earliest: date, likely: date, latest: date) -> None:
        self.scored += 1
        self.inside += earliest <= actual <= latest
        self.errors.append(abs((actual - likely).days))
        self.widths.append((latest - earliest).days)

    def as_dict(self) -> dict:
        judged = self.scored + self.known_misses
        return {
            "scored": self.scored,
            "known_misses": self.known_misses,
            "share_inside_window": round(self.inside / judged, 3) if judged else None,
            "median_error_days": statistics.median(self.errors) if self.errors else None,
            "mean_error_days": round(statistics.fmean(self.errors), 1) if self.errors else None,
            # A wider window holds more: its width says what the share inside cost.
            "median_window_days": statistics.median(self.widths) if self.widths else None,
        }


def backtest(
    histories: Mapping[object, Sequence[PastEvent]],
    *,
    as_of: date,
    data_end: date,
    cycles: Mapping[tuple[str, str], StatedCycle],
    created: Mapping[object, date | None] | None = None,
    regimes: Sequence[str] = SCORED_REGIMES,
) -> dict:
    """Score the forecasts made on ``as_of``; see the module's docstring.

    ``histories``: every council's events (all dates; outcomes masked by the caller as they
    were known on ``as_of``); ``data_end``: the last day the history covers.
    """
    created = created or {}
    before = {
        council: [e for e in events if e.start <= as_of] for council, events in histories.items()
    }
    observed = observe_gaps(before, as_of=as_of, created=created)
    results = {}
    for code in regimes:
        regime = REGIMES[code]
        model, naive = Score(), Score()
        counts = {
            "councils": 0,
            "forecast": 0,
            "next_happened": 0,
            "still_waiting": 0,
            "no_forecast": 0,
        }
        for council, events in histories.items():
            if created.get(council) and created[council] > as_of:
                continue  # not yet created on that date
            counts["councils"] += 1
            window = forecast_window(
                code,
                before[council],
                as_of=as_of,
                cycles=cycles,
                observed=observed,
                created_on=created.get(council),
            )
            actual = next(
                (
                    e.start
                    for e in sorted(events, key=lambda e: e.start)
                    if e.type_code in regime.targets and as_of < e.start <= data_end
                ),
                None,
            )
            if window.status != FORECAST or not window.has_dates:
                counts["no_forecast"] += 1
                continue
            counts["forecast"] += 1
            baseline = _naive(code, window, cycles)
            if baseline is None:
                continue
            if actual is None:
                # Still waiting when the data ends: a miss for a window that had closed by then;
                # otherwise not judged. Without this, late as-of dates would be scored only on
                # councils inspected soon after, which favours early forecasts.
                counts["still_waiting"] += 1
                model.known_misses += window.latest < data_end
                naive.known_misses += baseline[2] < data_end
                continue
            counts["next_happened"] += 1
            model.add(actual, window.earliest, window.likely, window.latest)
            naive.add(actual, *baseline)
        results[code] = {**counts, "forecast_score": model.as_dict(), "naive": naive.as_dict()}
    return {"as_of": as_of.isoformat(), "data_end": data_end.isoformat(), "regimes": results}


def _naive(code: str, window, cycles) -> tuple[date, date, date] | None:
    """Previous inspection + nominal cycle; the stated earliest and latest around it."""
    previous = window.previous
    if previous is None:
        return None
    cycle = cycle_for(cycles, code, previous.outcome)
    if cycle is None or cycle.likely_months is None:
        cycle = cycles.get((code, ""))
    if cycle is None or cycle.likely_months is None:
        return None
    likely = add_months(previous.start, cycle.likely_months)
    earliest = add_months(previous.start, cycle.earliest_months or cycle.likely_months)
    latest = add_months(previous.start, cycle.latest_months or cycle.likely_months)
    return earliest, likely, latest


def readme_table(results: Sequence[dict], *, regime: str = "ilacs_full") -> list[str]:
    """Markdown rows of the README's backtest table, from the JSON results."""
    lines = [
        "| as of | next inspection happened | still waiting | inside window: forecast "
        "| inside window: naive | median error (days): forecast | median error (days): naive "
        "| median window (days): forecast | median window (days): naive |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def share(value):
        return "–" if value is None else f"{value * 100:.0f}%"

    def days(value):
        return "–" if value is None else f"{value:,.0f}"

    for result in results:
        figures = result["regimes"].get(regime)
        if not figures:
            continue
        model, naive = figures["forecast_score"], figures["naive"]
        lines.append(
            f"| {result['as_of']} | {model['scored']} | {figures['still_waiting']} "
            f"| {share(model['share_inside_window'])} "
            f"| {share(naive['share_inside_window'])} | {days(model['median_error_days'])} "
            f"| {days(naive['median_error_days'])} "
            f"| {days(model.get('median_window_days'))} | {days(naive.get('median_window_days'))} |"
        )
    return lines

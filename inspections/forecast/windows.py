"""Forecast windows: pure functions, no database, no clock.

A *window* is the earliest, most likely and latest first day on site of a council's next
inspection under one regime, with the reason in words. Two sources, both kept on the window:

- the **stated** cycle: what the framework says (a :class:`StatedCycle`, one per regime and
  previous outcome, edited by administrators, each with its source);
- the **observed** gaps: how long councils actually waited for the next one in the published
  history, by previous outcome (:class:`ObservedGaps`, a Kaplan–Meier estimate, so that councils
  still waiting count too and early history is not biased towards short gaps).

The observed gaps count once at least :data:`MIN_OBSERVED` were completed. With both sources the
forecast's most likely day is halfway between theirs and its window covers both windows (the
backtest chose this: see the README); with one, that one; with neither it says so instead of
guessing. Dates are ``datetime.date``; months
are calendar months (a day past the end of a shorter month falls on its last day).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

# Completed gaps needed before the observed history is trusted over the stated cycle.
MIN_OBSERVED = 5
# The window is the middle 80 % of the observed gaps (10th to 90th percentile).
LOWER_Q, LIKELY_Q, UPPER_Q = 0.10, 0.50, 0.90
# An overdue inspection (its window passed without it) is expected within this many days; an
# assumption of this app, said in the reason.
OVERDUE_DAYS = 182

ANY_OUTCOME = ""  # a stated cycle for every outcome without its own
NO_PREVIOUS = "none"  # a stated cycle for a council with no previous inspection of the regime

# Status of a window
FORECAST = "forecast"  # a window from the stated cycle or the observed gaps
LOGGED = "logged"  # the next one is already logged with its dates (notified)
NOT_DUE = "not_due"  # nothing due under this regime (e.g. no monitoring after a good outcome)
NO_CYCLE = "no_cycle"  # the regime has no cycle (JTAI: targeted)
NO_BASIS = "no_basis"  # no stated cycle and too little history: no forecast
STATUSES = {
    FORECAST: "Forecast",
    LOGGED: "Logged",
    NOT_DUE: "Not due",
    NO_CYCLE: "No cycle",
    NO_BASIS: "No forecast",
}
STATED, OBSERVED, BOTH = "stated", "observed", "both"


@dataclass(frozen=True)
class Regime:
    """What is forecast: the next inspection of one of ``targets`` (inspection type codes).

    ``anchors``: types whose latest occurrence starts the clock (with their outcome);
    ``predecessors``: types of an earlier framework that count as the previous inspection (a
    regime change). A ``conditional`` regime is due only after an anchor whose outcome has a
    stated cycle (a monitoring inspection after "systemic failings"), and is done once one of
    ``satisfied_by`` happens after the anchor. ``before`` names the regime whose next inspection
    it must come before (a focused visit comes between two full ILACS inspections).
    """

    code: str
    name: str
    short: str
    family: str
    targets: frozenset[str]
    anchors: frozenset[str]
    predecessors: frozenset[str] = frozenset()
    conditional: bool = False
    satisfied_by: frozenset[str] = frozenset()
    before: str = ""
    monitoring: frozenset[str] = frozenset()  # visits between inspections, named in the reason

    @property
    def representative_type(self) -> str:
        """A type code standing for the regime's next inspection (for cluster rules)."""
        return sorted(self.targets)[0]


_ILACS_FULL = frozenset({"ilacs_standard", "ilacs_short"})
REGIMES: dict[str, Regime] = {
    regime.code: regime
    for regime in (
        Regime(
            "ilacs_full",
            "ILACS full inspection (standard or short)",
            "ILACS",
            "ilacs",
            _ILACS_FULL,
            _ILACS_FULL,
            # The single inspection framework (SIF) ran before ILACS (2013 to 2017).
            predecessors=frozenset({"sif_inspection", "ofsted_sif"}),
            monitoring=frozenset({"ilacs_monitoring_visit"}),
        ),
        Regime(
            "ilacs_focused_visit",
            "ILACS focused visit",
            "Focused visit",
            "ilacs",
            frozenset({"ilacs_focused_visit"}),
            _ILACS_FULL,
            conditional=True,
            satisfied_by=frozenset({"ilacs_focused_visit", "jtai"}),
            before="ilacs_full",
        ),
        Regime(
            "area_send_full",
            "Area SEND full inspection",
            "SEND",
            "area_send",
            frozenset({"area_send_full"}),
            frozenset({"area_send_full"}),
        ),
        Regime(
            "area_send_monitoring",
            "Area SEND monitoring inspection",
            "SEND monitoring",
            "area_send",
            frozenset({"area_send_monitoring"}),
            frozenset({"area_send_full"}),
            conditional=True,
            satisfied_by=frozenset({"area_send_monitoring"}),
        ),
        Regime(
            "hmip_youth_justice",
            "Youth justice inspection (HMI Probation)",
            "Youth justice",
            "hmip",
            frozenset({"hmip_youth_justice"}),
            frozenset({"hmip_youth_justice"}),
        ),
        Regime(
            "cqc_adult_social_care",
            "CQC assessment of adult social care",
            "CQC",
            "cqc",
            frozenset({"cqc_adult_social_care"}),
            frozenset({"cqc_adult_social_care"}),
        ),
        Regime(
            "jtai",
            "Joint targeted area inspection",
            "JTAI",
            "jtai",
            frozenset({"jtai"}),
            frozenset({"jtai"}),
        ),
    )
}
REGIME_CHOICES = [(regime.code, regime.name) for regime in REGIMES.values()]


@dataclass(frozen=True)
class PastEvent:
    """One inspection in a council's history (logged, published or estimated)."""

    type_code: str
    type_name: str
    start: date
    outcome: str | None = None  # the outcome's code; None when not recorded (or not yet known)
    outcome_label: str = ""
    is_demo: bool = False


@dataclass(frozen=True)
class StatedCycle:
    """What a framework says about when the next inspection of a regime comes.

    Months after the previous inspection's first day on site (or, for ``after_outcome`` =
    ``"none"``, after ``counted_from``, the framework's start, or the council's creation if
    later). A bound the framework does not state is None. ``no_cycle``: the regime has none.
    """

    regime: str
    after_outcome: str = ANY_OUTCOME
    earliest_months: int | None = None
    likely_months: int | None = None
    latest_months: int | None = None
    no_cycle: bool = False
    counted_from: date | None = None
    wording: str = ""
    source: str = ""

    @property
    def has_months(self) -> bool:
        return self.likely_months is not None or self.latest_months is not None


@dataclass(frozen=True)
class Estimate:
    """One source's window (not yet cut at the forecast date) and its words."""

    earliest: date | None
    likely: date | None
    latest: date | None
    text: str


@dataclass(frozen=True)
class Window:
    regime: str
    status: str
    earliest: date | None = None
    likely: date | None = None
    latest: date | None = None
    basis: str = ""  # STATED, OBSERVED, LOGGED or ""
    reason: str = ""
    stated: Estimate | None = None
    observed: Estimate | None = None
    previous: PastEvent | None = None
    is_demo: bool = False

    @property
    def has_dates(self) -> bool:
        return self.earliest is not None and self.latest is not None


# --- Dates ---------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def years_text(days: float) -> str:
    years = days / 365.25
    return f"{years:.1f} years"


def months_text(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{months} months"


# --- Observed gaps (Kaplan–Meier) ----------------------------------------------------------------


@dataclass(frozen=True)
class ObservedGaps:
    """Days from a previous inspection to the next, for one regime and previous outcome.

    ``completed``: gaps that ended with the next inspection; ``waiting``: days elapsed for
    councils still waiting at the forecast date (right-censored). Quantiles are Kaplan–Meier
    estimates, so that waiting councils lengthen the estimate rather than being left out.
    """

    regime: str
    after_outcome: str
    completed: tuple[int, ...] = ()
    waiting: tuple[int, ...] = ()

    @property
    def count(self) -> int:
        return len(self.completed)

    @property
    def median_completed(self) -> float | None:
        """The plain median of the completed gaps (days), as a person would work it out."""
        values = sorted(self.completed)
        if not values:
            return None
        middle = len(values) // 2
        return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2

    def survival(self) -> list[tuple[int, float]]:
        """The Kaplan–Meier curve: (day, share still waiting after that day), at each gap."""
        events: dict[int, list[int]] = {}
        for days in self.completed:
            events.setdefault(days, [0, 0])[0] += 1
        for days in self.waiting:
            events.setdefault(days, [0, 0])[1] += 1
        at_risk = len(self.completed) + len(self.waiting)
        share, curve = 1.0, []
        for day in sorted(events):
            ended, censored = events[day]
            if ended:
                share *= 1 - ended / at_risk
                curve.append((day, share))
            at_risk -= ended + censored
        return curve

    def quantile(self, q: float, *, elapsed: int = 0) -> int | None:
        """The day by which a share ``q`` of councils still waiting after ``elapsed`` days had
        their next inspection (None when the history does not reach that far)."""
        curve = self.survival()
        still = 1.0
        for day, share in curve:
            if day <= elapsed:
                still = share
        if still <= 0:
            return None
        target = still * (1 - q)
        for day, share in curve:
            if day > elapsed and share <= target + 1e-12:
                return day
        return None


def observed_key(regime: str, outcome: str | None) -> tuple[str, str]:
    return (regime, outcome or "")


def observe_gaps(
    histories: Mapping[object, Sequence[PastEvent]],
    *,
    as_of: date,
    created: Mapping[object, date | None] | None = None,
) -> dict[tuple[str, str], ObservedGaps]:
    """The gaps in everyone's history up to ``as_of``, by regime and previous outcome.

    Keys are (regime code, previous outcome code): "" where the outcome was not recorded,
    ``"*"`` for every outcome pooled, ``"none"`` for a council's first inspection counted from
    its creation (councils in ``created``). Only inspections on site by ``as_of`` count.
    """
    created = created or {}
    gaps: dict[tuple[str, str], tuple[list[int], list[int]]] = {}

    def add(regime: str, outcome: str, days: int, done: bool):
        keys = [(regime, outcome)] if outcome == NO_PREVIOUS else [(regime, outcome), (regime, "*")]
        for key in keys:
            gaps.setdefault(key, ([], []))[0 if done else 1].append(days)

    for council, history in histories.items():
        events = sorted((e for e in history if e.start <= as_of), key=lambda e: e.start)
        for regime in REGIMES.values():
            anchors = regime.anchors | regime.predecessors
            for index, event in enumerate(events):
                if event.type_code not in anchors:
                    continue
                later = events[index + 1 :]
                if regime.conditional:
                    # Until it is satisfied, or the next anchor ends the wait (censored there).
                    end, done = as_of, False
                    for other in later:
                        if other.type_code in regime.satisfied_by:
                            end, done = other.start, True
                            break
                        if other.type_code in regime.anchors:
                            end = other.start
                            break
                else:
                    following = next((e for e in later if e.type_code in regime.targets), None)
                    end, done = (following.start, True) if following else (as_of, False)
                # Only the latest anchor before the next target counts: skip superseded ones.
                if (
                    any(other.type_code in anchors and other.start < end for other in later)
                    and not regime.conditional
                ):
                    continue
                add(regime.code, event.outcome or "", (end - event.start).days, done)
            born = created.get(council)
            if born and not regime.conditional and born <= as_of:
                first = next(
                    (e for e in events if e.type_code in regime.targets and e.start >= born), None
                )
                end, done = (first.start, True) if first else (as_of, False)
                add(regime.code, NO_PREVIOUS, (end - born).days, done)
    return {
        key: ObservedGaps(key[0], key[1], tuple(done), tuple(waiting))
        for key, (done, waiting) in gaps.items()
    }


# --- The window ----------------------------------------------------------------------------------


def cycle_for(
    cycles: Mapping[tuple[str, str], StatedCycle], regime: str, outcome: str | None
) -> StatedCycle | None:
    """The stated cycle after this outcome, else the one for any outcome."""
    if outcome and (regime, outcome) in cycles:
        return cycles[(regime, outcome)]
    return cycles.get((regime, ANY_OUTCOME))


def _stated_estimate(cycle: StatedCycle, start: date, what: str) -> Estimate | None:
    if cycle.no_cycle or not cycle.has_months:
        return None

    def at(months):
        return add_months(start, months) if months is not None else None

    earliest, likely, latest = (
        at(cycle.earliest_months),
        at(cycle.likely_months),
        at(cycle.latest_months),
    )
    wording = cycle.wording or "stated cycle"
    text = f"Stated: {wording}"
    if likely:
        text += f", so about {day_text(likely)}"
    elif latest:
        text += f", so by {day_text(latest)}"
    text += f" ({what})"
    if cycle.source:
        text += f". Source: {cycle.source}"
    return Estimate(earliest, likely or latest, latest or likely, text + ".")


def _observed_estimate(
    observed: Mapping[tuple[str, str], ObservedGaps],
    regime: Regime,
    outcome: str | None,
    start: date,
    as_of: date,
    label: str,
) -> tuple[Estimate | None, str]:
    """The observed window for this outcome (or every outcome pooled), and words for it."""
    elapsed = (as_of - start).days
    own = observed.get(observed_key(regime.code, outcome if outcome else ""))
    pooled = observed.get((regime.code, "*"))
    notes = []
    gaps = None
    if own is not None and own.count >= MIN_OBSERVED:
        gaps, scope = own, f"after {label}" if label else "after an unrecorded outcome"
    elif pooled is not None and pooled.count >= MIN_OBSERVED:
        if own is not None and own.count:
            notes.append(f"only {own.count} after {label or 'an unrecorded outcome'}")
        gaps, scope = pooled, "after any outcome"
    if gaps is None:
        count = pooled.count if pooled else 0
        return None, (
            f"Observed: too few gaps in the published history to forecast from "
            f"({count} completed, {MIN_OBSERVED} needed)."
        )
    elapsed = max(elapsed, 0)
    low, mid, high = (gaps.quantile(q, elapsed=elapsed) for q in (LOWER_Q, LIKELY_Q, UPPER_Q))
    median = gaps.median_completed
    text = (
        f"Observed: {gaps.count} gaps between two {regime.short} inspections {scope} in the "
        f"published history, median {years_text(median)}"
    )
    if notes:
        text += f" ({'; '.join(notes)})"
    if mid is None:
        return None, text + f"; none as long as the {years_text(elapsed)} already waited."
    if low is None:
        low = mid
    note = ""
    if high is None:
        # Too many councils still waiting for the history to show its longest gaps: the window
        # reaches as far after the most likely day as it starts before it.
        high = mid + (mid - low)
        note = " (the history does not yet show the longest gaps: the window is taken as wide "
        note += "after the most likely day as before it)"
    estimate = Estimate(
        start + timedelta(days=low),
        start + timedelta(days=mid),
        start + timedelta(days=high),
        text
        + (f"; of those still waiting after {years_text(elapsed)}, " if elapsed > 0 else "; ")
        + f"typically {years_text(low)} to {years_text(high)} after{note}.",
    )
    return estimate, ""


def _cut(earliest: date, likely: date, latest: date, as_of: date) -> tuple[date, date, date, bool]:
    """The window from the day after ``as_of``: (earliest, likely, latest, overdue)."""
    tomorrow = as_of + timedelta(days=1)
    if latest < tomorrow:
        return tomorrow, tomorrow, as_of + timedelta(days=OVERDUE_DAYS), True
    earliest = max(earliest, tomorrow)
    likely = min(max(likely, earliest), latest)
    return earliest, likely, latest, False


_BASIS_WORDS = {
    OBSERVED: "the observed gaps",
    STATED: "the stated cycle",
    BOTH: "both (most likely halfway between them, the window covering both)",
}
TOO_FEW_NEW = "Observed: too few councils created by a reorganisation to forecast from."


def _source(cycle: StatedCycle) -> str:
    return f" (source: {cycle.source})" if cycle.source else ""


def _previous_text(regime: Regime, event: PastEvent) -> str:
    text = f"last {event.type_name} on site from {day_text(event.start)}"
    if event.outcome_label:
        text += f", judged {event.outcome_label.lower()}"
    elif event.outcome is None and event.type_code in regime.anchors | regime.predecessors:
        text += ", no outcome recorded"
    return text


def forecast_window(
    regime_code: str,
    history: Iterable[PastEvent],
    *,
    as_of: date,
    cycles: Mapping[tuple[str, str], StatedCycle],
    observed: Mapping[tuple[str, str], ObservedGaps],
    created_on: date | None = None,
    before: Window | None = None,
) -> Window:
    """The window of a council's next inspection under one regime, from the day after ``as_of``.

    ``history`` is every event of the council (any type, past or logged ahead); ``cycles`` the
    stated cycles by (regime, previous outcome); ``observed`` from :func:`observe_gaps`;
    ``created_on`` the council's creation when it was created by a reorganisation; ``before``
    the window of the regime this one must precede (``Regime.before``). Raises KeyError for an
    unknown regime.
    """
    regime = REGIMES[regime_code]
    events = sorted(history, key=lambda e: e.start)
    past = [e for e in events if e.start <= as_of]
    ahead = [e for e in events if e.start > as_of and e.type_code in regime.targets]
    name = regime.short

    if ahead:
        event = ahead[0]
        return Window(
            regime.code,
            LOGGED,
            event.start,
            event.start,
            event.start,
            basis=LOGGED,
            reason=f"{name}: {event.type_name} logged, on site from {day_text(event.start)}.",
            previous=event,
            is_demo=event.is_demo,
        )
    general = cycles.get((regime.code, ANY_OUTCOME))
    if general is not None and general.no_cycle:
        last = next((e for e in reversed(past) if e.type_code in regime.targets), None)
        text = f"{name}: {general.wording or 'no cycle'}"
        if general.source:
            text += f" (source: {general.source})"
        text += "; no forecast is made."
        if last is not None:
            text += f" The last was on site from {day_text(last.start)}."
        return Window(regime.code, NO_CYCLE, reason=text, previous=last)

    anchors = regime.anchors | regime.predecessors
    anchor = next((e for e in reversed(past) if e.type_code in anchors), None)
    if regime.conditional:
        return _conditional(regime, anchor, past, as_of, cycles, observed, before)
    if anchor is None:
        return _first(regime, as_of, cycles, observed, created_on)

    outcome = anchor.outcome
    label = anchor.outcome_label.lower()
    parts = [f"{name}: {_previous_text(regime, anchor)}"]
    if anchor.type_code in regime.predecessors:
        parts.append("that was under an earlier framework, so the cycle is counted from it")
    if not outcome:
        parts.append("so the stated cycle and the gaps for any outcome are used")
    since = [e for e in past if e.start > anchor.start and e.type_code not in anchors]
    monitoring = [e for e in since if e.type_code in regime.monitoring]
    if monitoring:
        parts.append(
            f"{len(monitoring)} monitoring visit{'s' if len(monitoring) > 1 else ''} since "
            f"(latest {day_text(monitoring[-1].start)})"
        )
    cycle = cycle_for(cycles, regime.code, outcome)
    stated = _stated_estimate(cycle, anchor.start, "after that inspection") if cycle else None
    stated_missing = ""
    if stated is None:
        stated_missing = (
            f"Stated: {cycle.wording}{_source(cycle)}."
            if cycle and cycle.wording
            else f"Stated: no cycle recorded for {name} after this outcome."
        )
    observed_estimate, observed_missing = _observed_estimate(
        observed, regime, outcome, anchor.start, as_of, label
    )
    return _choose(
        regime, parts, stated, stated_missing, observed_estimate, observed_missing, anchor, as_of
    )


def _choose(regime, parts, stated, stated_missing, observed, observed_missing, anchor, as_of):
    reason_head = "; ".join(parts) + "."
    sources = " ".join(
        text
        for text in (
            stated.text if stated else stated_missing,
            observed.text if observed else observed_missing,
        )
        if text
    )
    chosen, basis = (observed, OBSERVED) if observed else (stated, STATED) if stated else (None, "")
    if observed and stated and stated.likely and stated.latest:
        # Both sources: the framework's cycle and what councils actually waited. Halfway between
        # their most likely days, over both windows.
        chosen, basis = (
            Estimate(
                min(observed.earliest, stated.earliest or observed.earliest),
                observed.likely + (stated.likely - observed.likely) / 2,
                max(observed.latest, stated.latest),
                "",
            ),
            BOTH,
        )
    is_demo = bool(anchor and anchor.is_demo)
    if chosen is None or chosen.latest is None:
        return Window(
            regime.code,
            NO_BASIS,
            reason=f"{reason_head} {sources} No forecast: no stated cycle and too little history.",
            stated=stated,
            observed=observed,
            previous=anchor,
            is_demo=is_demo,
        )
    earliest = chosen.earliest or as_of + timedelta(days=1)
    likely = chosen.likely or chosen.latest
    earliest, likely, latest, overdue = _cut(earliest, likely, chosen.latest, as_of)
    verdict = (
        f"Forecast from {_BASIS_WORDS[basis]}: "
        f"{day_text(earliest)} to {day_text(latest)}, most likely around {day_text(likely)}."
    )
    if overdue:
        verdict = (
            f"Overdue: {_BASIS_WORDS[basis]} put it by "
            f"{day_text(chosen.latest)}, and none is recorded since (it may have happened without "
            f"being recorded here); expected within about 6 months of {day_text(as_of)} (an "
            "assumption of this app)."
        )
    return Window(
        regime.code,
        FORECAST,
        earliest,
        likely,
        latest,
        basis=basis,
        reason=f"{reason_head} {sources} {verdict}",
        stated=stated,
        observed=observed,
        previous=anchor,
        is_demo=is_demo,
    )


def _first(regime, as_of, cycles, observed, created_on) -> Window:
    """No previous inspection of the regime: counted from the framework's start or the council's
    creation, when the framework states a first-inspection timing."""
    cycle = cycles.get((regime.code, NO_PREVIOUS))
    parts = [f"{regime.short}: no {regime.name} recorded for this council"]
    start = None
    if created_on:
        parts.append(f"the council was created on {day_text(created_on)}")
    stated, stated_missing = None, f"Stated: no timing for a first {regime.short} inspection."
    if cycle and cycle.has_months:
        start = (
            max(d for d in (cycle.counted_from, created_on) if d)
            if (cycle.counted_from or created_on)
            else None
        )
        if start:
            what = (
                "after the council's creation"
                if created_on and start == created_on
                else f"from {day_text(start)}"
            )
            stated = _stated_estimate(cycle, start, what)
    elif cycle and cycle.wording:
        stated_missing = f"Stated: {cycle.wording}."
    observed_estimate, observed_missing = (None, "")
    if created_on:
        observed_estimate, observed_missing = _observed_estimate(
            observed, regime, NO_PREVIOUS, created_on, as_of, "the council's creation"
        )
        if observed_estimate is None and "too few" in observed_missing:
            observed_missing = TOO_FEW_NEW
    else:
        observed_missing = "Observed: no previous inspection to count from."
    # The "any outcome" pooled figures do not apply to a first inspection.
    if observed_estimate and "after any outcome" in observed_estimate.text:
        observed_estimate = None
        observed_missing = TOO_FEW_NEW
    window = _choose(
        regime, parts, stated, stated_missing, observed_estimate, observed_missing, None, as_of
    )
    return window


def _conditional(regime, anchor, past, as_of, cycles, observed, before) -> Window:
    name = regime.short
    if anchor is None:
        return Window(
            regime.code,
            NOT_DUE,
            reason=f"{name}: not due, as there is no previous inspection it would follow.",
        )
    done = next(
        (e for e in past if e.start > anchor.start and e.type_code in regime.satisfied_by), None
    )
    head = f"{name}: {_previous_text(regime, anchor)}"
    if done is not None:
        return Window(
            regime.code,
            NOT_DUE,
            reason=f"{head}; {done.type_name} on {day_text(done.start)} since, so none "
            "is due before the next full inspection.",
            previous=anchor,
            is_demo=anchor.is_demo or done.is_demo,
        )
    cycle = cycles.get((regime.code, anchor.outcome or ""))
    if regime.before:
        general = cycles.get((regime.code, ANY_OUTCOME))
        if (
            (cycle is None and general is None)
            or (cycle is not None and cycle.no_cycle)
            or before is None
            or not before.has_dates
        ):
            why = (
                cycle.wording
                if cycle is not None and cycle.no_cycle and cycle.wording
                else "no window for the next full inspection to come before"
            )
            return Window(regime.code, NOT_DUE, reason=f"{head}; {why}.", previous=anchor)
        general = cycle or general
        start = max(as_of + timedelta(days=1), anchor.start + timedelta(days=1))
        text = f"Stated: {general.wording}{_source(general)}"
        if before.earliest <= start:
            return Window(
                regime.code,
                NOT_DUE,
                reason=f"{head}; none since. {text}. The next full inspection's window is already "
                f"open (from {day_text(before.earliest)}), so a {name.lower()} is not expected "
                "before it.",
                previous=anchor,
                is_demo=anchor.is_demo,
            )
        latest = before.earliest
        likely = start + (latest - start) / 2
        return Window(
            regime.code,
            FORECAST,
            start,
            likely,
            latest,
            basis=STATED,
            reason=f"{head}; none since. {text}. Observed: the published history lists no "
            f"{name.lower()}s. Forecast: before the next full inspection's window opens "
            f"({day_text(before.earliest)}), so {day_text(start)} to {day_text(latest)}, "
            f"most likely around {day_text(likely)}.",
            stated=Estimate(start, likely, latest, text),
            previous=anchor,
            is_demo=anchor.is_demo or before.is_demo,
        )
    if cycle is None or not cycle.has_months:
        due_after = sorted(outcome for (code, outcome) in cycles if code == regime.code and outcome)
        why = "a stated cycle"
        if due_after:
            why = "an outcome of " + ", ".join(f"‘{o.replace('_', ' ')}’" for o in due_after)
        return Window(
            regime.code,
            NOT_DUE,
            reason=f"{head}; {regime.name}s follow only {why}, so none is due.",
            previous=anchor,
            is_demo=anchor.is_demo,
        )
    stated = _stated_estimate(cycle, anchor.start, "after that inspection")
    observed_estimate, observed_missing = _observed_estimate(
        observed, regime, anchor.outcome, anchor.start, as_of, anchor.outcome_label.lower()
    )
    return _choose(regime, [head], stated, "", observed_estimate, observed_missing, anchor, as_of)


def forecast_council(
    history: Iterable[PastEvent],
    *,
    as_of: date,
    cycles: Mapping[tuple[str, str], StatedCycle],
    observed: Mapping[tuple[str, str], ObservedGaps],
    created_on: date | None = None,
) -> list[Window]:
    """Every regime's window for one council, in the order of :data:`REGIMES`."""
    history = list(history)
    windows: dict[str, Window] = {}
    # Regimes another must precede come first.
    order = sorted(REGIMES.values(), key=lambda r: bool(r.before))
    for regime in order:
        windows[regime.code] = forecast_window(
            regime.code,
            history,
            as_of=as_of,
            cycles=cycles,
            observed=observed,
            created_on=created_on,
            before=windows.get(regime.before) if regime.before else None,
        )
    return [windows[code] for code in REGIMES]


def with_demo(window: Window, is_demo: bool) -> Window:
    return replace(window, is_demo=window.is_demo or is_demo)


__all__ = [
    "REGIMES",
    "Estimate",
    "ObservedGaps",
    "PastEvent",
    "Regime",
    "StatedCycle",
    "Window",
    "add_months",
    "forecast_council",
    "forecast_window",
    "observe_gaps",
]

"""Forecast clashes: pure functions, no database, no clock.

A *forecast clash* is a set of a council's inspections, at least one of them still a forecast
window, that would fall within one cluster rule's window of each other: ``min_events`` of them
whose first days on site lie within ``window_days`` (the same test as
:mod:`inspections.clustering`, applied to what may happen). An inspection already on site in the
last ``window_days``, or logged ahead with its dates, takes part as a certain date.

Its *likelihood* is the probability that all of its members start within the rule's window of
each other and, for the horizon of 6, 12 or 24 months, by the horizon's end. Each window is taken
as a triangular distribution over its days (earliest, most likely, latest) and windows as
independent of one another: an assumption, since inspectorates say they take each other's timing
into account "as far as possible" (which, if they do, makes real clashes rarer than forecast).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations

from ..clustering import EventPoint, RuleSpec
from .windows import REGIMES, Window, add_months, day_text

HORIZONS = (6, 12, 24)  # months
# Clashes less likely than this over 24 months are not kept.
MIN_LIKELIHOOD = 0.1
LIKELY, POSSIBLE = 0.5, 0.2


def likelihood_label(probability: float) -> str:
    """Words for a likelihood: likely (50 % or more), possible (20 % or more), unlikely."""
    if probability >= LIKELY:
        return "Likely"
    if probability >= POSSIBLE:
        return "Possible"
    return "Unlikely"


@dataclass(frozen=True)
class ClashRule:
    pk: int
    name: str
    severity: str
    spec: RuleSpec


@dataclass(frozen=True)
class Member:
    """One member of a possible clash: a forecast window or a dated inspection."""

    key: str  # the regime's code, or "<type code>@<ISO date>" for a dated inspection
    label: str
    type_code: str
    earliest: date
    likely: date
    latest: date
    is_forecast: bool
    is_demo: bool = False

    def weights(self) -> list[float]:
        """The triangular distribution over the days from ``earliest`` to ``latest``."""
        first, mode, last = (d.toordinal() for d in (self.earliest, self.likely, self.latest))
        if last <= first:
            return [1.0]
        values = []
        for day in range(first, last + 1):
            if day <= mode:
                values.append((day - first + 1) / (mode - first + 1))
            else:
                values.append((last - day + 1) / (last - mode + 1))
        total = sum(values)
        return [value / total for value in values]


class _Distribution:
    def __init__(self, member: Member):
        self.start = member.earliest.toordinal()
        running, self.cdf = 0.0, []
        for weight in member.weights():
            running += weight
            self.cdf.append(running)
        self.end = self.start + len(self.cdf) - 1

    def at_most(self, day: int) -> float:
        if day < self.start:
            return 0.0
        if day >= self.end:
            return 1.0
        return self.cdf[day - self.start]

    def between(self, first: int, last: int) -> float:
        if last < first:
            return 0.0
        return self.at_most(last) - self.at_most(first - 1)


@dataclass(frozen=True)
class Clash:
    rule: ClashRule
    members: tuple[Member, ...]
    likelihood: Mapping[int, float]  # months of horizon: probability
    # When the pile-up is most likely complete: the latest of the members' most likely starts,
    # within the rule's window of the most likely first start (a forecast date, never a past one
    # when a forecast member is still to come).
    likely_date: date
    first_date: date  # the earliest the clash could begin
    last_date: date  # the latest its last member could start

    @property
    def member_key(self) -> str:
        return "+".join(sorted(member.key for member in self.members))

    @property
    def is_demo(self) -> bool:
        return any(member.is_demo for member in self.members)

    @property
    def summary(self) -> str:
        names = " and ".join(member.label for member in self.members)
        return (
            f"{self.rule.name} forecast: {names} within {self.rule.spec.window_days} days, "
            f"most likely around {day_text(self.likely_date)}"
        )


def members_of(
    windows: Sequence[Window],
    events: Sequence,
    *,
    as_of: date,
    look_back_days: int,
    horizon_end: date,
) -> list[Member]:
    """The members a council's clashes can be made of: its windows with dates, and its
    inspections on site from ``look_back_days`` before ``as_of`` to ``horizon_end``.

    ``events`` are :class:`~.windows.PastEvent` values; a window logged ahead stands for its
    event, which is not counted twice.
    """
    members = []
    logged = set()
    for window in windows:
        if not window.has_dates:
            continue
        regime = REGIMES[window.regime]
        is_forecast = window.basis != "logged"
        if not is_forecast and window.previous is not None:
            logged.add((window.previous.type_code, window.previous.start))
        members.append(
            Member(
                window.regime,
                regime.short if is_forecast else f"{regime.short} (logged)",
                window.previous.type_code
                if not is_forecast and window.previous
                else regime.representative_type,
                window.earliest,
                window.likely,
                window.latest,
                is_forecast,
                window.is_demo,
            )
        )
    first = as_of - timedelta(days=look_back_days)
    for event in events:
        if not (first <= event.start <= horizon_end) or (event.type_code, event.start) in logged:
            continue
        members.append(
            Member(
                f"{event.type_code}@{event.start.isoformat()}",
                f"{event.type_name} on {day_text(event.start)}",
                event.type_code,
                event.start,
                event.start,
                event.start,
                False,
                event.is_demo,
            )
        )
    return members


def find_clashes(
    members: Sequence[Member],
    rules: Sequence[ClashRule],
    *,
    as_of: date,
    types: Mapping[str, tuple[str, bool]],
    min_likelihood: float = MIN_LIKELIHOOD,
) -> list[Clash]:
    """The forecast clashes among one council's members under each rule.

    ``types`` gives each type code's (family, is formal) so that a rule's filters apply as they
    do to logged events. A clash needs at least one forecast member. Its likelihood over each
    horizon of :data:`HORIZONS` is exact for the triangular windows (summed day by day). Clashes
    whose 24-month likelihood is below ``min_likelihood`` are left out.
    """
    clashes = []
    ends = {months: add_months(as_of, months).toordinal() for months in HORIZONS}
    for rule in rules:
        counted = [
            member
            for member in members
            if member.type_code in types
            and rule.spec.counts(
                EventPoint(
                    0,
                    member.type_code,
                    types[member.type_code][0],
                    types[member.type_code][1],
                    member.earliest,
                    member.earliest,
                    member.earliest,
                )
            )
        ]
        size, gap = rule.spec.min_events, rule.spec.window_days
        for group in combinations(counted, size):
            if not any(member.is_forecast for member in group):
                continue
            if max(m.earliest for m in group) - min(m.latest for m in group) > timedelta(gap):
                continue  # cannot fall within the window of each other
            clash = _likelihood(rule, group, gap, ends)
            if clash is not None and clash.likelihood[max(HORIZONS)] >= min_likelihood:
                clashes.append(clash)
    clashes.sort(key=lambda c: (-c.likelihood[max(HORIZONS)], c.likely_date, c.member_key))
    return clashes


def _likelihood(rule, group, gap, ends) -> Clash | None:
    """P(every member starts within ``gap`` days of the first, all by each horizon's end):
    the sum over the first day m of P(all in [m, b]) - P(all in [m+1, b]), b = min(m+gap, end).

    One pass over the days: a horizon's term differs from the longest horizon's only on the
    days within ``gap`` of its end.
    """
    distributions = [_Distribution(member) for member in group]
    first = min(d.start for d in distributions)
    last = max(d.end for d in distributions)
    longest = max(ends)
    final = min(last, ends[longest])
    # Each member's cumulative probability on every day from first - 1 to final + gap.
    offset = first - 1
    cumulative = [[d.at_most(day) for day in range(offset, final + gap + 1)] for d in distributions]

    def term(day: int, bound: int) -> float:
        inside = later = 1.0
        low, high = day - 1 - offset, bound - offset
        for values in cumulative:
            top = values[high]
            inside *= top - values[low]
            later *= top - values[low + 1]
        return inside - later

    totals = dict.fromkeys(ends, 0.0)
    best, best_day, first_day, last_day = -1.0, None, None, None
    for day in range(first, final + 1):
        value = term(day, min(day + gap, ends[longest]))
        if value > 1e-15:
            totals[longest] += value
            first_day = day if first_day is None else first_day
            last_day = day
            if value > best:
                best, best_day = value, day
        for months, end in ends.items():
            if months == longest or day > end:
                continue
            totals[months] += value if day + gap <= end else term(day, end)
    if best_day is None:
        return None
    complete = min(max(m.likely for m in group), date.fromordinal(best_day) + timedelta(gap))
    return Clash(
        rule,
        tuple(sorted(group, key=lambda m: (m.likely, m.key))),
        {months: min(max(total, 0.0), 1.0) for months, total in totals.items()},
        max(complete, date.fromordinal(best_day)),
        date.fromordinal(first_day),
        min(date.fromordinal(last), date.fromordinal(last_day) + timedelta(gap)),
    )

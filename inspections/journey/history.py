"""Journeys after an 'inadequate' judgement, from a council's history: pure, no database.

Definitions (the README's "The inadequate journey" and the evidence pack repeat them):

- a **judgement** is an overall effectiveness grade of a children's services inspection (the
  ILACS family: ILACS standard and short inspections and, once loaded, the single inspection
  framework): outstanding, good, requires improvement or inadequate. It counts from the day its
  report was **published** (the on-site end where no publication date is known);
- a **journey** starts at each inadequate judgement and runs to the council's next judgement
  (or to today, when there is none yet); the events logged "after it" or "while inadequate" are
  those whose first day on site falls in that window, the next inspection included;
- a **spell** inadequate runs from an inadequate judgement not preceded by another inadequate
  one to the first later judgement that is not inadequate: a council judged inadequate twice in a
  row has two journeys and one spell. "How long councils stay inadequate" is over completed
  spells; spells still open are counted apart, with their time so far;
- a council **improves at the next inspection** when its next judgement is better than
  inadequate;
- **events per year** in a state (inadequate, good) pool every spell of that state: all events
  whose first day on site falls in the spells, divided by the spells' total length in years
  (365.25 days), the spells counted whole; **formal inspections per year** likewise, counting
  only formal inspections (monitoring and focused visits included; not engagement meetings,
  children's home visits or DfE intervention steps).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
INADEQUATE = "inadequate"
GOOD = "good"
RANK = {grade: index for index, grade in enumerate(GRADES)}  # lower is better
DAYS_PER_YEAR = Decimal("365.25")


@dataclass(frozen=True)
class Judgement:
    event_id: int
    council_id: int
    grade: str  # one of GRADES
    label: str
    type_name: str
    on_site_start: date
    judged_on: date  # publication date, else the on-site end


@dataclass(frozen=True)
class LoggedEvent:
    event_id: int
    council_id: int
    type_code: str
    family: str
    on_site_start: date
    is_formal: bool = True


@dataclass(frozen=True)
class Journey:
    """One inadequate judgement and what followed it, up to the next judgement."""

    council_id: int
    judgement: Judgement
    next_judgement: Judgement | None
    end: date  # the next judgement's date, or today
    event_ids: tuple[int, ...]  # events whose first day on site falls in [judged_on, end)
    monitoring_visits: int
    focused_visits: int
    dfe_steps: int

    @property
    def days(self) -> int:
        return (self.end - self.judgement.judged_on).days

    @property
    def improved(self) -> bool | None:
        """Better than inadequate at the next judgement; None while there is none."""
        if self.next_judgement is None:
            return None
        return RANK[self.next_judgement.grade] < RANK[INADEQUATE]


@dataclass(frozen=True)
class Spell:
    """An unbroken time in one state (inadequate or good) for one council."""

    council_id: int
    grade: str
    start: date
    end: date  # the first later judgement of another grade, or today
    closed: bool  # False: no later judgement of another grade yet
    events: int = 0
    formal_inspections: int = 0
    judgements: tuple[Judgement, ...] = field(default_factory=tuple)

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def _events_between(events: Sequence[LoggedEvent], start: date, end: date) -> list[LoggedEvent]:
    return [e for e in events if start <= e.on_site_start < end]


def _histories(
    judgements: Iterable[Judgement], events: Iterable[LoggedEvent]
) -> Iterator[tuple[int, list[Judgement], list[LoggedEvent]]]:
    """Each council's judgements in the order they were made, with its logged events."""
    by_council: dict[int, list[Judgement]] = {}
    for judgement in judgements:
        by_council.setdefault(judgement.council_id, []).append(judgement)
    events_by_council: dict[int, list[LoggedEvent]] = {}
    for event in events:
        events_by_council.setdefault(event.council_id, []).append(event)
    for council_id, history in by_council.items():
        history.sort(key=lambda j: (j.judged_on, j.on_site_start, j.event_id))
        yield council_id, history, events_by_council.get(council_id, [])


def journeys(
    judgements: Iterable[Judgement], events: Iterable[LoggedEvent], *, today: date
) -> list[Journey]:
    """Every inadequate judgement's journey, for any number of councils, oldest first."""
    result = []
    for council_id, history, logged in _histories(judgements, events):
        for index, judgement in enumerate(history):
            if judgement.grade != INADEQUATE:
                continue
            following = history[index + 1] if index + 1 < len(history) else None
            end = following.judged_on if following else max(today, judgement.judged_on)
            inside = _events_between(logged, judgement.judged_on, end)
            result.append(
                Journey(
                    council_id=council_id,
                    judgement=judgement,
                    next_judgement=following,
                    end=end,
                    event_ids=tuple(e.event_id for e in inside),
                    monitoring_visits=sum(e.type_code == "ilacs_monitoring_visit" for e in inside),
                    focused_visits=sum(e.type_code == "ilacs_focused_visit" for e in inside),
                    dfe_steps=sum(e.family == "dfe_intervention" for e in inside),
                )
            )
    result.sort(key=lambda j: (j.judgement.judged_on, j.council_id))
    return result


def spells(
    judgements: Iterable[Judgement],
    events: Iterable[LoggedEvent],
    *,
    grade: str,
    today: date,
) -> list[Spell]:
    """Unbroken spells of ``grade`` for every council, with the events logged in each."""
    result = []
    for council_id, history, logged in _histories(judgements, events):
        run: list[Judgement] = []
        for judgement in [*history, None]:
            if judgement is not None and judgement.grade == grade:
                run.append(judgement)
                continue
            if run:
                start = run[0].judged_on
                end = judgement.judged_on if judgement else max(today, start)
                inside = _events_between(logged, start, end)
                result.append(
                    Spell(
                        council_id=council_id,
                        grade=grade,
                        start=start,
                        end=end,
                        closed=judgement is not None,
                        events=len(inside),
                        formal_inspections=sum(e.is_formal for e in inside),
                        judgements=tuple(run),
                    )
                )
                run = []
    result.sort(key=lambda s: (s.start, s.council_id))
    return result


def overlaps(start: date, end: date, date_from: date | None, date_to: date | None) -> bool:
    """Whether [start, end] touches the period (either end open)."""
    return (date_from is None or end >= date_from) and (date_to is None or start <= date_to)


def median_days(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    return Decimal(statistics.median(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def per_year(events: int, days: int) -> Decimal | None:
    """Events per year over ``days`` (365.25 to a year), to two decimals; None for no time."""
    if days <= 0:
        return None
    return (Decimal(events) * DAYS_PER_YEAR / Decimal(days)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class JourneyFigures:
    """The national or regional figures of the inadequate journey."""

    councils: int  # councils with at least one inadequate judgement in scope
    journeys: int
    spells_closed: int
    spells_open: int
    median_days_inadequate: Decimal | None  # completed spells
    shortest_days_inadequate: int | None
    longest_days_inadequate: int | None
    longest_open_days: int | None  # the longest still-open spell so far
    with_next_judgement: int
    improved_at_next: int
    events_per_year_inadequate: Decimal | None
    events_per_year_good: Decimal | None
    good_spells: int
    formal_per_year_inadequate: Decimal | None = None
    formal_per_year_good: Decimal | None = None

    @property
    def share_improved(self) -> Decimal | None:
        """Share improving at the next inspection, as a percentage to one decimal."""
        if not self.with_next_judgement:
            return None
        return (Decimal(100 * self.improved_at_next) / self.with_next_judgement).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def figures(
    journey_rows: Sequence[Journey], inadequate: Sequence[Spell], good: Sequence[Spell]
) -> JourneyFigures:
    """Summary figures over journeys and spells already chosen for a scope."""
    closed = [s.days for s in inadequate if s.closed]
    still_open = [s.days for s in inadequate if not s.closed]
    with_next = [j for j in journey_rows if j.next_judgement is not None]
    return JourneyFigures(
        councils=len({j.council_id for j in journey_rows}),
        journeys=len(journey_rows),
        spells_closed=len(closed),
        spells_open=len(still_open),
        median_days_inadequate=median_days(closed),
        shortest_days_inadequate=min(closed) if closed else None,
        longest_days_inadequate=max(closed) if closed else None,
        longest_open_days=max(still_open) if still_open else None,
        with_next_judgement=len(with_next),
        improved_at_next=sum(bool(j.improved) for j in with_next),
        events_per_year_inadequate=per_year(
            sum(s.events for s in inadequate), sum(s.days for s in inadequate)
        ),
        events_per_year_good=per_year(sum(s.events for s in good), sum(s.days for s in good)),
        good_spells=len(good),
        formal_per_year_inadequate=per_year(
            sum(s.formal_inspections for s in inadequate), sum(s.days for s in inadequate)
        ),
        formal_per_year_good=per_year(
            sum(s.formal_inspections for s in good), sum(s.days for s in good)
        ),
    )

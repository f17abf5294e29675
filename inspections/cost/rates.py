"""Which hourly rate applies to an hour of staff time: pure functions, no database.

The rule (also in the README's "Cost in pounds"): an hour of a team's time on an event is costed
at the rate for that team with the latest ``applies_from`` on or before the event's first day on
site, taking the council's own rates first and the national defaults where the council has set
none by that date. Money is in pounds, to the penny.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
PER_POPULATION = 10_000  # "per 10,000 children and young people"


@dataclass(frozen=True)
class Rate:
    """One row of the rates table: pounds per hour for a team, from a date."""

    rate_id: int
    team: str
    applies_from: date
    hourly_rate: Decimal
    council_id: int | None = None  # None: a national default


@dataclass(frozen=True)
class Interval:
    """A rate in force from ``start`` (included) to ``end`` (excluded; None: open-ended)."""

    rate: Rate
    start: date
    end: date | None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def rate_for(rates: Iterable[Rate], *, team: str, council_id: int, on: date) -> Rate | None:
    """The rate costing an hour of ``team`` at ``council_id`` on an event starting ``on``.

    The council's own latest rate on or before the date, else the national one; None when no
    rate applies yet (an hour before every rate is not costed).
    """
    own, national = None, None
    for rate in rates:
        if rate.team != team or rate.applies_from > on:
            continue
        if rate.council_id == council_id:
            if own is None or rate.applies_from > own.applies_from:
                own = rate
        elif rate.council_id is None and (
            national is None or rate.applies_from > national.applies_from
        ):
            national = rate
    return own or national


def intervals(rates: Iterable[Rate]) -> tuple[list[Interval], list[Interval]]:
    """The rates as (council intervals, national intervals), each team's back to back.

    A council's intervals run from its first own rate for a team onwards; before it, and for
    teams it set no rate for, the national intervals apply. Looking up a day in the council
    intervals first, then the national ones, gives the same rate as :func:`rate_for`.
    """
    by_key: dict[tuple[int | None, str], list[Rate]] = defaultdict(list)
    for rate in rates:
        by_key[(rate.council_id, rate.team)].append(rate)
    own, national = [], []
    for (council_id, _team), rows in by_key.items():
        rows.sort(key=lambda rate: rate.applies_from)
        for index, rate in enumerate(rows):
            end = rows[index + 1].applies_from if index + 1 < len(rows) else None
            (national if council_id is None else own).append(Interval(rate, rate.applies_from, end))
    return own, national


def pounds(value) -> Decimal:
    """A sum of money to the penny (half up), from whatever a database returns."""
    if value is None:
        return Decimal("0.00")
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def per_population(cost: Decimal | None, population: int | None) -> Decimal | None:
    """Pounds per 10,000 children and young people (aged 0–25), to the penny; None if unknown."""
    if cost is None or not population:
        return None
    return pounds(Decimal(cost) * PER_POPULATION / Decimal(population))


def per_each(cost: Decimal | None, count: int | None) -> Decimal | None:
    """Pounds per event (or per council), to the penny; None when there is nothing to divide."""
    if cost is None or not count:
        return None
    return pounds(Decimal(cost) / Decimal(count))


def financial_year(day: date) -> int:
    """The first calendar year of the April-to-March financial year holding ``day``."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(first_year: int) -> str:
    """``2024`` → ``"2024-25"``."""
    return f"{first_year}-{(first_year + 1) % 100:02d}"

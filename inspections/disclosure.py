"""Statistical disclosure control: the one rule for staff-hours figures about other councils.

A council's staff hours belong to that council. LGA officers and administrators see every
council's exact hours for any filter (:func:`exact_figures_for`). Everyone else (council viewers
and editors, signed-in users with no council) sees their own council's hours exactly and, about
other councils, only figures protected by the standard techniques of official statistics
(the Office for National Statistics' and the GSS's disclosure control guidance for tables):

1. **Fixed reporting periods.** Their hours figures cover whole financial years (1 April to
   31 March), whatever day the filters name (:func:`reporting_period`): two periods a day
   apart give the same figure, so no difference of two of them is one day's hours.
2. **Cells and a minimum number of councils.** Hours are gathered into cells of one region,
   one inspection type, one financial year, one team and one phase: the finest grain any page
   or export can select. A cell is *publishable* to a user only if at least
   :data:`MIN_OTHER_COUNCILS` councils other than the user's own logged hours in it, and no one
   of them holds more than :data:`DOMINANCE_SHARE` of those councils' hours (a threshold rule and
   a dominance rule, :func:`cell_publishable`).
3. **Totals of publishable cells only** (in place of complementary suppression). Every figure
   shown is the sum of the publishable cells it covers: a withheld cell is never part of a
   total, so no total less the cells beside it gives a withheld cell back, and a difference of
   any two figures is again a sum of publishable cells. Since each council's hours in a cell
   appear in that one cell only, mixed with those of at least three other councils, no
   combination of the figures isolates one council's hours.
4. **Rounding.** Figures are rounded to the nearest :data:`ROUNDING_BASE` hours
   (:func:`round_hours`), hours per event to whole hours.
5. **Medians** of councils' hours are shown only where at least :data:`MEDIAN_MIN_COUNCILS`
   councils other than the user's own have hours in scope, rounded as above.

The README's "Security" section states the same rule for readers. The burden selectors (and
through them the dashboards, charts and CSV exports, the API and the cost figures) apply it;
nothing else decides what another council's hours may show.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Case, F, IntegerField, Q, Sum, When
from django.db.models.functions import ExtractYear

from councils.access import UserAccess

__all__ = [
    "DOMINANCE_SHARE",
    "MEDIAN_MIN_COUNCILS",
    "MIN_OTHER_COUNCILS",
    "COST_ROUNDING_BASE",
    "ROUNDING_BASE",
    "HoursCell",
    "HoursCells",
    "cell_publishable",
    "exact_figures_for",
    "financial_year_of",
    "council_cell_hours",
    "hours_cells",
    "median_hours",
    "NO_COUNCIL",
    "reporting_period",
    "round_cost",
    "round_hours",
    "round_hours_per_event",
    "rule_in_words",
    "viewer_of_region",
]

# At least this many councils other than the user's own must have logged hours in a cell.
MIN_OTHER_COUNCILS = 3
# No one of those councils may hold more than this share of their hours in the cell.
DOMINANCE_SHARE = Decimal("0.8")
# Hours figures are rounded to the nearest this many hours.
ROUNDING_BASE = Decimal("10")
# Cost figures (hours × rates, ``inspections.cost``) are rounded to the nearest this many pounds.
COST_ROUNDING_BASE = Decimal("100")
# A median of councils' hours needs at least this many other councils with hours.
MEDIAN_MIN_COUNCILS = 5
FINANCIAL_YEAR_FIRST_MONTH = 4  # April

_ZERO = Decimal("0")
_ONE = Decimal("1")


def exact_figures_for(access: UserAccess) -> bool:
    """Whether this user sees every council's exact hours: LGA officers and administrators."""
    return access.sees_all_hours


# Who a signed-in user with no council is: what anyone signed in may see.
NO_COUNCIL = UserAccess(is_authenticated=True)


def viewer_of_region(access: UserAccess, region_id: int) -> UserAccess:
    """Who ``access`` is for the figures of one region alone (a region's dashboard).

    A council user whose council is in another region is shown exactly what a signed-in user
    with no council is shown (:data:`NO_COUNCIL`): every hours figure of the region is a sum of
    the region's own cells (rule 2), in which their council has no hours, so the councils
    "other than the user's own" in each cell are all of its councils, as for a user with no
    council, and no figure is their own council's. Their pages are then drawn once for all of
    them rather than once per council (issue #14: a region's dashboard was drawn again for the
    users of each council that visited it). ``tests/inspections/test_disclosure.py`` checks the
    two views are the same. LGA officers, administrators, users with no council and users of
    the region's own councils are returned as they are.
    """
    if (
        access.sees_all_hours
        or access.council_id is None
        or access.council_region_id is None
        or access.council_region_id == region_id
    ):
        return access
    return NO_COUNCIL


# --- Reporting periods ---------------------------------------------------------------------


def financial_year_of(day: date) -> int:
    """The financial year a day falls in, by the year it starts (2025 for 1 April 2025 to
    31 March 2026): the UK public sector's reporting year."""
    return day.year if day.month >= FINANCIAL_YEAR_FIRST_MONTH else day.year - 1


def reporting_period(
    date_from: date | None, date_to: date | None
) -> tuple[date | None, date | None]:
    """The period widened to whole financial years: (1 April of the first, 31 March after the
    last). An open end stays open. Dates near ``date.max`` stay within it."""
    start = date(financial_year_of(date_from), 4, 1) if date_from else None
    end = None
    if date_to:
        year = financial_year_of(date_to) + 1
        end = date(year, 3, 31) if year <= date.max.year else date.max
    return start, end


def period_in_words(date_from: date | None, date_to: date | None) -> str:
    """ "2023-24 to 2025-26" or "from 2023-24": the financial years of a reporting period."""

    def year(day: date) -> str:
        first = financial_year_of(day)
        return f"{first}-{(first + 1) % 100:02d}"

    if date_from and date_to:
        first, last = year(date_from), year(date_to)
        return first if first == last else f"{first} to {last}"
    if date_from:
        return f"from {year(date_from)}"
    if date_to:
        return f"up to {year(date_to)}"
    return "all years"


# --- Rounding ------------------------------------------------------------------------------


def round_hours(value: Decimal | None) -> Decimal | None:
    """Hours rounded to the nearest ROUNDING_BASE (half up); None stays None."""
    if value is None:
        return None
    return (Decimal(value) / ROUNDING_BASE).quantize(_ONE, rounding=ROUND_HALF_UP) * ROUNDING_BASE


def round_cost(value: Decimal | None) -> Decimal | None:
    """Pounds rounded to the nearest COST_ROUNDING_BASE (half up); None stays None. The cost of
    publishable cells only (``inspections.cost.selectors``) is rounded so, like their hours."""
    if value is None:
        return None
    base = COST_ROUNDING_BASE
    return (Decimal(value) / base).quantize(_ONE, rounding=ROUND_HALF_UP) * base


def round_hours_per_event(hours: Decimal | None, events: int) -> Decimal | None:
    """Rounded hours divided by events, to whole hours; None without events or hours."""
    if hours is None or not events:
        return None
    return (Decimal(hours) / Decimal(events)).quantize(_ONE, rounding=ROUND_HALF_UP)


# --- Cells ---------------------------------------------------------------------------------


def cell_publishable(*, other_councils: int, others_hours: Decimal, largest_other: Decimal) -> bool:
    """Whether a cell's hours may be shown to a user whose own council's hours are set aside.

    ``other_councils``: councils other than the user's own with hours in the cell;
    ``others_hours``: their hours together; ``largest_other``: the most any one of them logged.
    """
    if other_councils < MIN_OTHER_COUNCILS:
        return False
    return largest_other <= DOMINANCE_SHARE * others_hours


@dataclass(frozen=True)
class HoursCell:
    """The hours of one region, inspection type, financial year, team and phase."""

    region_id: int
    inspection_type_id: int
    financial_year: int
    team: str
    phase: str
    hours: Decimal


@dataclass(frozen=True)
class HoursCells:
    """The cells a user may see, and where hours were withheld (no figures for those).

    Sum :meth:`total` over a selection of cells to get any figure: the only way to a figure.
    """

    publishable: tuple[HoursCell, ...]
    # (region, type, financial year, team, phase) of cells with hours that may not be shown
    withheld: frozenset[tuple[int, int, int, str, str]]

    def total(self, **match) -> Decimal | None:
        """Rounded hours of the publishable cells whose attributes equal ``match`` (a value
        or a set of values each); None when there are none but some hours were withheld."""
        cells = self.matching(**match)
        if not cells:
            return None if self.withheld_any(**match) else _ZERO
        return round_hours(sum((cell.hours for cell in cells), _ZERO))

    def matching(self, **match) -> list[HoursCell]:
        """The publishable cells whose attributes equal ``match``, in their order."""
        return [self.publishable[i] for i in _selected(self._publishable_index, match)]

    def withheld_any(self, **match) -> bool:
        return bool(_selected(self._withheld_index, match))

    # A page asks for hundreds of totals of thousands of cells: each attribute's values are
    # indexed once (the cells never change), so a total reads only the cells it sums.
    @cached_property
    def _publishable_index(self) -> _CellIndex:
        return _CellIndex.of(
            tuple(getattr(cell, name) for name in _CELL_FIELDS) for cell in self.publishable
        )

    @cached_property
    def _withheld_index(self) -> _CellIndex:
        return _CellIndex.of(self.withheld)


_CELL_FIELDS = ("region_id", "inspection_type_id", "financial_year", "team", "phase")


@dataclass(frozen=True)
class _CellIndex:
    """Positions of cells by the value of each of their attributes (``_CELL_FIELDS``)."""

    size: int
    positions: dict[str, dict[object, frozenset[int]]]

    @classmethod
    def of(cls, keys) -> _CellIndex:
        positions: dict[str, dict[object, set[int]]] = {name: {} for name in _CELL_FIELDS}
        size = 0
        for position, key in enumerate(keys):
            size += 1
            for name, value in zip(_CELL_FIELDS, key, strict=True):
                positions[name].setdefault(value, set()).add(position)
        return cls(
            size,
            {
                name: {value: frozenset(found) for value, found in values.items()}
                for name, values in positions.items()
            },
        )


def _selected(index: _CellIndex, match: dict) -> list[int]:
    """Positions, in order, of the cells whose attributes equal ``match`` (a value, or a set of
    values, per attribute name). Raises KeyError for a name that is not a cell's attribute."""
    chosen: frozenset[int] | set[int] | None = None
    for name, want in match.items():
        by_value = index.positions[name]
        wanted = want if isinstance(want, set | frozenset | list | tuple) else (want,)
        found: set[int] = set()
        for value in wanted:
            found |= by_value.get(value, frozenset())
        chosen = found if chosen is None else chosen & found
        if not chosen:
            return []
    return list(range(index.size)) if chosen is None else sorted(chosen)


def _hours(value) -> Decimal:
    # SQLite sums decimals as floats: bring them back to hundredths.
    return Decimal(str(value or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


CouncilCellHours = tuple[int, int, int, int, str, str, Decimal]


def council_cell_hours(events_q: Q) -> tuple[CouncilCellHours, ...]:
    """Each council's staff hours in each cell, for the events matching ``events_q`` (a
    condition on ``StaffTimeRollup`` rows, reached through ``event__``): rows of (council,
    region, inspection type, financial year, team, phase, hours), hours over 0 only. The same
    for every viewer: :func:`hours_cells` makes a viewer's cells from them, so one query serves
    every council's users (it was one query of 0.3-0.4 s each at national scale). ``events_q``
    must select whole cells: whole financial years (see :func:`reporting_period`), whole
    regions, types or families."""
    from .models import StaffTimeRollup  # the models import nothing from here

    start = F("event__on_site_start")
    year = ExtractYear(start)
    financial_year = Case(
        When(event__on_site_start__month__lt=FINANCIAL_YEAR_FIRST_MONTH, then=year - 1),
        default=year,
        output_field=IntegerField(),
    )
    rows = (
        StaffTimeRollup.objects.filter(events_q)
        .order_by()
        .annotate(financial_year=financial_year)
        .values_list(
            "event__council_id",
            "event__council__region_id",
            "event__inspection_type_id",
            "financial_year",
            "team",
            "phase",
        )
        .annotate(total=Sum("hours"))
    )
    found = []
    for council, region, itype, fyear, team, phase, total in rows:
        hours = _hours(total)
        if hours > 0:
            found.append((council, region, itype, int(fyear), team, phase, hours))
    return tuple(found)


def hours_cells(
    council_hours: tuple[CouncilCellHours, ...], viewer_council_id: int | None
) -> HoursCells:
    """The staff-hours cells of :func:`council_cell_hours`' rows as a user of
    ``viewer_council_id`` (None for no council) may see them: per cell, every council's hours
    together, how many councils, the viewer's own and the largest other council's, put to
    :func:`cell_publishable`."""
    # cell -> [hours, councils, the viewer's councils (0 or 1), the viewer's hours, largest other]
    cells: dict[tuple[int, int, int, str, str], list] = {}
    for council, region, itype, fyear, team, phase, hours in council_hours:
        cell = cells.get((region, itype, fyear, team, phase))
        if cell is None:
            cell = cells[(region, itype, fyear, team, phase)] = [_ZERO, 0, 0, _ZERO, _ZERO]
        cell[0] += hours
        cell[1] += 1
        if council == viewer_council_id:
            cell[2] += 1
            cell[3] += hours
        elif hours > cell[4]:
            cell[4] = hours
    publishable, withheld = [], set()
    for key, (total, councils, own, own_hours, largest) in cells.items():
        if cell_publishable(
            other_councils=councils - own, others_hours=total - own_hours, largest_other=largest
        ):
            publishable.append(HoursCell(*key, total))
        else:
            withheld.add(key)
    return HoursCells(tuple(publishable), frozenset(withheld))


# --- Medians -------------------------------------------------------------------------------


def median_hours(
    by_council: dict[int, Decimal | None], viewer_council_id: int | None, *, per_event=False
) -> Decimal | None:
    """The median of councils' hours (None values left out), rounded; None when fewer than
    MEDIAN_MIN_COUNCILS councils other than the viewer's have hours (a value above 0)."""
    others = [c for c, v in by_council.items() if v and c != viewer_council_id]
    if len(others) < MEDIAN_MIN_COUNCILS:
        return None
    values = [Decimal(v) for v in by_council.values() if v is not None]
    middle = Decimal(statistics.median(values))
    if per_event:
        return middle.quantize(_ONE, rounding=ROUND_HALF_UP)
    return round_hours(middle)


def rule_in_words(access: UserAccess, date_from: date | None, date_to: date | None) -> str:
    """What a user is shown of other councils' hours, for the note under the figures."""
    if exact_figures_for(access):
        return ""
    start, end = reporting_period(date_from, date_to)
    return (
        f"Other councils' staff hours are shown only as totals, for whole financial years "
        f"({period_in_words(start, end)}), rounded to the nearest {ROUNDING_BASE} hours, and "
        f"only from groups of at least {MIN_OTHER_COUNCILS} other councils of one region, "
        f"inspection type, year, team and phase where no one council logged more than "
        f"{DOMINANCE_SHARE:.0%} of the hours. Figures from smaller groups are left out of "
        f"every total and shown as “not shown”."
    )

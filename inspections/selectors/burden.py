"""Burden figures: every number the dashboards and the CSV exports show, worked out here.

The pages and the exports call these functions, so their numbers cannot disagree. Each public
function takes a :class:`BurdenFilters` and the user's :class:`~councils.access.UserAccess` and
returns plain frozen dataclasses. The arithmetic runs in the database (aggregates and window
functions, in SQL that SQLite and PostgreSQL both run) in a fixed number of queries, however many
councils there are; only medians are taken in Python, over at most one value per council, because
SQLite has no median aggregate.

Definitions (the README's "Burden dashboards" section repeats them for readers):

- **events**: inspection events whose on-site start falls in the period, of the chosen family
  and type; **formal inspections**: those of them whose type is a formal inspection (not an
  engagement meeting, a peer challenge, an intervention step or a children's home visit).
- **on-site days**: the working days on site stored on each event, summed.
- **staff hours**: every staff-time entry of those events, summed; **hours per event**: staff
  hours divided by events (events with no hours logged count as events).
- **clusters**: clusters of an active rule with at least one of those events among its members.
- **shortest gap**: the fewest days between the on-site starts of two consecutive formal
  inspections of a council (0 when two start on the same day; none with fewer than two).
- **most in 12 months**: the most formal inspections of a council whose on-site starts all fall
  within 365 days of the first of them; a start exactly 365 days later still counts, as in the
  "Crowded year" cluster rule. Any 365-day window holding the most starts can be slid to begin at
  one of them, so counting forward from each start finds the maximum.
- **median**: the middle value over the councils in scope (the mean of the two middle ones when
  their number is even). A council with no events counts as 0 in the medians of events, formal
  inspections, on-site days, staff hours and clusters; it has no hours per event and no gap
  (nothing to divide by, nothing to measure), so those two medians leave it out, as they leave
  out a council with one formal inspection for the gap.
- **rounding**: ratios and medians are returned exact and rounded once, where they are shown or
  written (``burden.number_format``), never before a median is taken.

Visibility: staff hours of a council are returned only to users who may see them
(``access.can_see_hours_of``). LGA officers and administrators get exact aggregates for any
filter; everyone else gets regional and national hours under the disclosure rule of
``inspections.disclosure`` (whole financial years, cells of at least three other councils,
rounding). Staff hours are read
from ``StaffTimeRollup`` (sums by event, team and phase, kept by database triggers). Results are
cached under the filters, the user's visibility class and the generation number that
``inspections.services.dashboards_invalidate`` bumps after every write.
"""

from __future__ import annotations

import dataclasses
import hashlib
import statistics
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, Sum
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from burden import plausible
from councils.access import UserAccess
from councils.models import Council, CouncilMembership

from .. import disclosure
from ..models import (
    Cluster,
    Family,
    InspectionEvent,
    InspectionType,
    Phase,
    Source,
    StaffTime,
    StaffTimeRollup,
    Team,
)
from ..services import (
    COUNCIL_GENERATION_KEY,
    DASHBOARD_GENERATION_KEY,
    DERIVED_COUNCIL_GENERATION_KEY,
    DERIVED_GENERATION_KEY,
    WIDE_GENERATION_KEY,
    generation_start,
)

__all__ = [
    "DEFAULT_SORT",
    "LEAGUE_SORTS",
    "BurdenFilters",
    "CouncilBurdenRow",
    "FamilyCount",
    "HoursByTeamAndPhase",
    "MedianRow",
    "QuarterCount",
    "RegionBurden",
    "TimelineCluster",
    "TimelineEvent",
    "TimelineRow",
    "TypeHours",
    "events_by_family",
    "demo_in_scope",
    "exact_hours",
    "events_per_quarter",
    "hours_by_team_and_phase",
    "hours_by_type",
    "hours_visible",
    "league_table",
    "parse_sort",
    "region_medians",
    "regions_compared",
    "reporting_filters",
    "sort_league",
    "timeline",
    "visibility_class",
    "access_of_visibility_class",
]

TWELVE_MONTHS_DAYS = 365
HUNDREDTH = Decimal("0.01")
ZERO = Decimal("0")


# ---------------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BurdenFilters:
    """What the figures are about: a period, a region or council, a family and a type.

    Empty fields do not filter. The period is on the on-site start, both ends included.
    """

    date_from: date | None = None
    date_to: date | None = None
    region_id: int | None = None
    family: str = ""
    inspection_type_id: int | None = None
    council_id: int | None = None

    @classmethod
    def from_cleaned_data(cls, data: dict, **extra) -> BurdenFilters:
        """From a filter form's cleaned data (BurdenFilterSet or the council page's EventFilter)."""
        region = data.get("region")
        council = data.get("council")
        inspection_type = data.get("inspection_type")
        values = {
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "region_id": region.pk if region else None,
            "family": data.get("family") or "",
            "inspection_type_id": inspection_type.pk if inspection_type else None,
            "council_id": council.pk if council else None,
        }
        values.update(extra)
        return cls(**values)

    def but(self, **changes) -> BurdenFilters:
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict:
        """These filters as JSON can hold them (dates as ISO 8601), for a Celery task."""
        values = dataclasses.asdict(self)
        for name in ("date_from", "date_to"):
            if values[name] is not None:
                values[name] = values[name].isoformat()
        return values

    @classmethod
    def from_dict(cls, values: dict) -> BurdenFilters:
        """The filters :meth:`as_dict` gave."""
        values = dict(values)
        for name in ("date_from", "date_to"):
            if values.get(name):
                values[name] = date.fromisoformat(values[name])
        return cls(**values)

    def events_q(self, prefix: str = "") -> Q:
        """These filters as a condition on InspectionEvent rows (reached through ``prefix``)."""
        q = Q()
        if self.date_from:
            q &= Q(**{f"{prefix}on_site_start__gte": self.date_from})
        if self.date_to:
            q &= Q(**{f"{prefix}on_site_start__lte": self.date_to})
        if self.region_id:
            q &= Q(**{f"{prefix}council__region_id": self.region_id})
        if self.family:
            q &= Q(**{f"{prefix}inspection_type__family": self.family})
        if self.inspection_type_id:
            q &= Q(**{f"{prefix}inspection_type_id": self.inspection_type_id})
        if self.council_id:
            q &= Q(**{f"{prefix}council_id": self.council_id})
        return q

    def councils_q(self) -> Q:
        q = Q()
        if self.region_id:
            q &= Q(region_id=self.region_id)
        if self.council_id:
            q &= Q(pk=self.council_id)
        return q

    @property
    def cache_part(self) -> str:
        return "|".join("" if value is None else str(value) for value in dataclasses.astuple(self))


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CouncilBurdenRow:
    """One council's line in the league table. Hours are None where the user may not see them."""

    council_id: int
    name: str
    slug: str
    region_id: int
    region_name: str
    region_slug: str
    events: int
    formal_inspections: int
    on_site_days: int
    staff_hours: Decimal | None
    hours_per_event: Decimal | None
    clusters: int
    shortest_gap_days: int | None
    most_in_12_months: int
    hours_shown: bool = True


@dataclass(frozen=True)
class MedianRow:
    """The median council of a region (or of England) on each figure.

    Hours are None where showing them would reveal one other council's hours.
    """

    councils: int
    events: Decimal
    formal_inspections: Decimal
    on_site_days: Decimal
    staff_hours: Decimal | None
    hours_per_event: Decimal | None
    clusters: Decimal
    shortest_gap_days: Decimal | None
    most_in_12_months: Decimal


@dataclass(frozen=True)
class RegionBurden:
    """One region's totals, for the national page.

    Hours are aggregates, so everyone sees them, unless they would reveal one other council's.
    """

    region_id: int
    name: str
    slug: str
    councils: int
    events: int
    formal_inspections: int
    on_site_days: int
    staff_hours: Decimal | None
    hours_per_event: Decimal | None
    formal_per_council: Decimal
    hours_per_council: Decimal | None
    clusters: int
    shortest_gap_days: int | None
    most_in_12_months: int
    median: MedianRow


@dataclass(frozen=True)
class TypeHours:
    """Events and hours of one inspection type; hours None where they would reveal a council's."""

    inspection_type_id: int
    name: str
    family: str
    events: int
    staff_hours: Decimal | None
    hours_per_event: Decimal | None


@dataclass(frozen=True)
class HoursByTeamAndPhase:
    """Hours by team (rows) and phase (columns), in the order of the choices.

    A cell or total is None where it would reveal one other council's hours.
    """

    phases: list[tuple[str, str]]
    # team code, label, hours by phase, team total
    rows: list[tuple[str, str, list[Decimal | None], Decimal | None]]
    phase_totals: list[Decimal | None]
    total: Decimal | None


@dataclass(frozen=True)
class QuarterCount:
    quarter_start: date
    formal_inspections: int
    other_events: int

    @property
    def label(self) -> str:
        return f"{self.quarter_start.year} Q{(self.quarter_start.month - 1) // 3 + 1}"

    @property
    def events(self) -> int:
        return self.formal_inspections + self.other_events


@dataclass(frozen=True)
class FamilyCount:
    family: str
    label: str
    events: int


@dataclass(frozen=True)
class TimelineEvent:
    event_id: int
    council_id: int
    type_name: str
    family: str
    is_formal: bool
    on_site_start: date
    on_site_end: date
    outcome: str
    report_url: str
    is_published: bool
    theme: str
    cluster_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class TimelineCluster:
    cluster_id: int
    council_id: int
    rule_name: str
    severity: str
    first_date: date
    last_date: date
    member_ids: tuple[int, ...]


@dataclass(frozen=True)
class TimelineRow:
    council_id: int
    name: str
    slug: str
    events: list[TimelineEvent]
    clusters: list[TimelineCluster]


# ---------------------------------------------------------------------------------------------
# Cache
# ---------------------------------------------------------------------------------------------

T = TypeVar("T")


def visibility_class(access: UserAccess) -> str:
    """Users who see the same hours share cached results."""
    if access.sees_all_hours:
        return "all"
    if access.council_id:
        return f"council-{access.council_id}"
    return "none"


def access_of_visibility_class(visibility: str) -> UserAccess:
    """A user of :func:`visibility_class` ``visibility``, who sees the same hours as every
    other: an LGA officer ("all"), a viewer of the council ("council-<id>"), or a signed-in user
    with no council ("none", and a council that no longer exists). For a worker drawing a view
    for them (``views.dashboards.figures_redraw``)."""
    if visibility == "all":
        return UserAccess(is_authenticated=True, is_lga_officer=True)
    if visibility.startswith("council-"):
        council_id = int(visibility.removeprefix("council-"))
        region_id = (
            Council.objects.filter(pk=council_id).values_list("region_id", flat=True).first()
        )
        if region_id is not None:
            return UserAccess(
                is_authenticated=True,
                council_id=council_id,
                role=CouncilMembership.Role.VIEWER,
                council_region_id=region_id,
            )
    return disclosure.NO_COUNCIL


# England's and the regions' dashboards draw their figures under the generation of their
# refresh window (inspections.dashboard_cache.window): set for the drawing, read here.
_GENERATION_OF_DRAWING: ContextVar[int | None] = ContextVar("generation_of_drawing", default=None)


@contextmanager
def figures_of_generation(generation: int):
    """Within the block, figures are cached under ``generation`` rather than the current one:
    every dashboard drawn in one refresh window reads the same figures, computed once."""
    token = _GENERATION_OF_DRAWING.set(generation)
    try:
        yield
    finally:
        _GENERATION_OF_DRAWING.reset(token)


def cache_generation() -> int:
    """The write generation that cached reads are keyed on (services bump it on every write),
    or the one a dashboard's drawing was given (:func:`figures_of_generation`)."""
    drawing = _GENERATION_OF_DRAWING.get()
    if drawing is not None:
        return drawing
    return current_generation()


def current_generation() -> int:
    """The write generation: services bump it after every write commits."""
    generation = cache.get(DASHBOARD_GENERATION_KEY)
    if generation is None:
        # Start from the clock (in microseconds) rather than 1, so that a generation key lost
        # from the cache cannot bring back figures cached (in Redis, or in this process's
        # memo) under an earlier generation of the same number.
        cache.add(DASHBOARD_GENERATION_KEY, generation_start(), timeout=None)
        generation = cache.get(DASHBOARD_GENERATION_KEY, 0)
    return generation


def derived_generation(council_id: int | None = None):
    """The generation of what the worker derives from the events: clusters and forecasts
    (``inspections.services.clusters_or_forecast_changed`` bumps it after they are written).
    With ``council_id``, a pair: that of every council's, and that of this council's own.
    Each started from the clock, as :func:`cache_generation`."""
    keys = [DERIVED_GENERATION_KEY]
    if council_id is not None:
        keys.append(DERIVED_COUNCIL_GENERATION_KEY.format(council_id=council_id))
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, generation_start(), timeout=None)
            found[key] = cache.get(key, 0)
    if council_id is None:
        return found[keys[0]]
    return found[keys[0]], found[keys[1]]


def council_generation(council_id: int) -> tuple[int, int]:
    """The generations a council's own page is keyed on: of writes that may change every
    council (``WIDE_GENERATION_KEY``) and of writes to this council's events and staff time
    (``inspections.services.councils_invalidate``). Each starts from the clock, as
    :func:`cache_generation`."""
    keys = [WIDE_GENERATION_KEY, COUNCIL_GENERATION_KEY.format(council_id=council_id)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, generation_start(), timeout=None)
            found[key] = cache.get(key, 0)
    return found[keys[0]], found[keys[1]]


def cached(name: str, parts: tuple, compute: Callable[[], T], *, generation=None) -> T:
    """``compute()``, cached under the write generation and ``parts`` (all it depends on).

    ``generation``: what to key on in place of the write generation (a council's page uses
    :func:`council_generation`: writes elsewhere leave it)."""
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    if generation is None:
        generation = cache_generation()
    return _get_or_compute(
        f"dashboards:{generation_text(generation)}:{name}:{digest}",
        compute,
        _memo_allowed(generation),
    )


def _cached(name: str, filters: BurdenFilters, visibility: str, compute: Callable[[], T]) -> T:
    generation = cache_generation()
    key = f"dashboards:{generation}:{name}:{visibility}:{filters.cache_part}"
    return _get_or_compute(key, compute, _memo_allowed(generation))


# The figures last read in this process, by cache key. A key names its generation, so what it
# holds never changes: a page that reads the same figures several times (England's reads the
# disclosure cells seven times) unpickles them once, and their indexes are built once. Not
# used while the cache is unreachable (generation 0), when a key would outlive a write.
_MEMO: OrderedDict[str, object] = OrderedDict()
_MEMO_SIZE = 64
_MEMO_LOCK = threading.Lock()


def generation_text(generation) -> str:
    """A generation (a number, or a tuple of them) as cache keys hold it: no spaces."""
    if isinstance(generation, tuple):
        return "-".join(str(part) for part in generation)
    return str(generation)


def _memo_allowed(generation) -> bool:
    """A generation read from the cache (a number, or a tuple of them), not 0 for "unreachable"."""
    parts = generation if isinstance(generation, tuple) else (generation,)
    return all(parts)


def memo_forget() -> None:
    """Forget the figures read in this process (tests, whose cache is emptied between them)."""
    with _MEMO_LOCK:
        _MEMO.clear()


def _get_or_compute(key: str, compute: Callable[[], T], memo: bool = False) -> T:
    if memo:
        with _MEMO_LOCK:
            if key in _MEMO:
                _MEMO.move_to_end(key)
                return _MEMO[key]
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value)
    if memo:
        with _MEMO_LOCK:
            _MEMO[key] = value
            while len(_MEMO) > _MEMO_SIZE:
                _MEMO.popitem(last=False)
    return value


# ---------------------------------------------------------------------------------------------
# SQL helpers
# ---------------------------------------------------------------------------------------------


class DayNumber(Func):
    """A date as a whole number of days, so that windows can range over "365 days following"."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        extra_context["template"] = "CAST(julianday(%(expressions)s) AS INTEGER)"
        return super().as_sql(compiler, connection, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        extra_context["template"] = "(%(expressions)s - DATE '1970-01-01')"
        return super().as_sql(compiler, connection, **extra_context)


def _decimal(value) -> Decimal:
    """SQLite sums decimals as floats; bring every backend back to hundredths."""
    if value is None:
        return ZERO
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def _ratio(numerator, denominator) -> Decimal | None:
    """The exact ratio (28 significant digits), never rounded here: the number formatter
    (``burden.number_format``) rounds each figure once, where it is shown or written."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def _median(values: Iterable) -> Decimal | None:
    """The median of the exact values (rounding each value first can put it 0.1 out)."""
    values = [Decimal(v) for v in values if v is not None]
    if not values:
        return None
    return Decimal(statistics.median(values))


def _fetch(sql: str, params: Iterable) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


# ---------------------------------------------------------------------------------------------
# Raw figures: unmasked, shared by the public functions, never returned to a caller as they are
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CouncilInfo:
    council_id: int
    name: str
    slug: str
    region_id: int
    region_name: str
    region_slug: str


@dataclass(frozen=True)
class _EventFigures:
    events: int = 0
    formal: int = 0
    on_site_days: int = 0
    shortest_gap: int | None = None
    most_in_12_months: int = 0


@dataclass(frozen=True)
class _HoursCube:
    """Hours by council and type, and by council, team and phase (a few thousand cells)."""

    by_council_type: dict[tuple[int, int], Decimal]
    by_council_team_phase: dict[tuple[int, str, str], Decimal]

    @property
    def by_council(self) -> dict[int, Decimal]:
        totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for (council_id, _), hours in self.by_council_type.items():
            totals[council_id] += hours
        return dict(totals)


# One pass over the filtered events: counts and on-site days per council, and over each
# council's formal inspections in date order the gap to the previous one (LAG) and the number
# starting within the next 365 days (a RANGE frame over day numbers).
_EVENT_FIGURES_SQL = f"""
WITH base (council_id, is_formal, on_site_days, day_number) AS ({{base}}),
ordered AS (
    SELECT
        council_id,
        is_formal,
        on_site_days,
        CASE WHEN is_formal THEN day_number - LAG(day_number) OVER (
            PARTITION BY council_id, is_formal ORDER BY day_number
        ) END AS gap,
        CASE WHEN is_formal THEN COUNT(*) OVER (
            PARTITION BY council_id, is_formal ORDER BY day_number
            RANGE BETWEEN CURRENT ROW AND {TWELVE_MONTHS_DAYS} FOLLOWING
        ) END AS in_12_months
    FROM base
)
SELECT
    council_id,
    COUNT(*),
    SUM(CASE WHEN is_formal THEN 1 ELSE 0 END),
    SUM(on_site_days),
    MIN(gap),
    MAX(in_12_months)
FROM ordered
GROUP BY council_id
"""

# One pass over the staff time of the filtered events (its sums by event, team and phase, kept by
# triggers: see StaffTimeRollup), summed by council and type and by council, team and phase.
# Keeping the council in both lets the roll-ups count how many councils each figure combines.
_HOURS_CUBE_SQL = """
WITH cube (council_id, type_id, team, phase, hours) AS ({base})
SELECT 'type', council_id, type_id, NULL, NULL, SUM(hours) FROM cube GROUP BY council_id, type_id
UNION ALL
SELECT 'team_phase', council_id, NULL, team, phase, SUM(hours) FROM cube
GROUP BY council_id, team, phase
"""
# PostgreSQL does both in one hashing pass over the rows (about twice as fast at national scale);
# SQLite has no GROUPING SETS.
_HOURS_GROUPING_SETS_SQL = """
SELECT
    CASE WHEN GROUPING(type_id) = 0 THEN 'type' ELSE 'team_phase' END,
    council_id,
    type_id,
    team,
    phase,
    SUM(hours)
FROM ({base}) AS entries (council_id, type_id, team, phase, hours)
GROUP BY GROUPING SETS ((council_id, type_id), (council_id, team, phase))
"""


def _councils(filters: BurdenFilters) -> list[_CouncilInfo]:
    """Councils in scope: the active ones, and inactive ones that have events in the filters."""

    def compute():
        with_events = InspectionEvent.objects.filter(filters.events_q()).values("council_id")
        rows = (
            Council.objects.filter(filters.councils_q())
            .filter(Q(is_active=True) | Q(pk__in=with_events))
            .order_by("name")
            .values_list("pk", "name", "slug", "region_id", "region__name", "region__slug")
        )
        return [_CouncilInfo(*row) for row in rows]

    return _cached("councils", filters, "raw", compute)


def _event_figures(filters: BurdenFilters) -> dict[int, _EventFigures]:
    def compute():
        base = (
            InspectionEvent.objects.filter(filters.events_q())
            .order_by()
            .annotate(
                is_formal=F("inspection_type__is_formal"), day_number=DayNumber("on_site_start")
            )
            .values_list("council_id", "is_formal", "on_site_days", "day_number")
        )
        base_sql, params = base.query.sql_with_params()
        rows = _fetch(_EVENT_FIGURES_SQL.format(base=base_sql), params)
        return {
            council_id: _EventFigures(
                events=events,
                formal=formal or 0,
                on_site_days=on_site_days or 0,
                shortest_gap=None if gap is None else int(gap),
                most_in_12_months=int(most or 0),
            )
            for council_id, events, formal, on_site_days, gap, most in rows
        }

    return _cached("event-figures", filters, "raw", compute)


def _hours_cube(filters: BurdenFilters) -> _HoursCube:
    def compute():
        base = (
            StaffTimeRollup.objects.filter(filters.events_q("event__"))
            .order_by()
            .values_list("event__council_id", "event__inspection_type_id", "team", "phase")
        )
        if connection.vendor == "postgresql":
            template, base = (
                _HOURS_GROUPING_SETS_SQL,
                base.values_list(
                    "event__council_id", "event__inspection_type_id", "team", "phase", "hours"
                ),
            )
        else:
            template, base = _HOURS_CUBE_SQL, base.annotate(total=Sum("hours"))
        base_sql, params = base.query.sql_with_params()
        by_type, by_team_phase = {}, {}
        sql = template.format(base=base_sql)
        for kind, council_id, type_id, team, phase, hours in _fetch(sql, params):
            if kind == "type":
                by_type[(council_id, type_id)] = _decimal(hours)
            else:
                by_team_phase[(council_id, team, phase)] = _decimal(hours)
        return _HoursCube(by_type, by_team_phase)

    return _cached("hours-cube", filters, "raw", compute)


def _clusters(filters: BurdenFilters) -> list[TimelineCluster]:
    """Clusters of active rules with at least one member among the filtered events."""

    def compute():
        events = InspectionEvent.objects.filter(filters.events_q()).values("pk")
        rows = (
            Cluster.events.through.objects.filter(
                cluster__rule__is_active=True, inspectionevent_id__in=events
            )
            .order_by("cluster__first_date", "cluster_id", "inspectionevent_id")
            .values_list(
                "cluster_id",
                "inspectionevent_id",
                "cluster__council_id",
                "cluster__rule__name",
                "cluster__rule__severity",
                "cluster__first_date",
                "cluster__last_date",
            )
        )
        clusters: dict[int, dict[str, Any]] = {}
        for cluster_id, event_id, council_id, rule, severity, first, last in rows:
            entry = clusters.setdefault(
                cluster_id,
                {
                    "cluster_id": cluster_id,
                    "council_id": council_id,
                    "rule_name": rule,
                    "severity": severity,
                    "first_date": first,
                    "last_date": last,
                    "member_ids": [],
                },
            )
            entry["member_ids"].append(event_id)
        return [
            TimelineCluster(**{**entry, "member_ids": tuple(entry["member_ids"])})
            for entry in clusters.values()
        ]

    return _cached("clusters", filters, "raw", compute)


def _raw_league(filters: BurdenFilters) -> list[CouncilBurdenRow]:
    """Every council's figures with every council's hours: for aggregates and masking only."""
    councils = _councils(filters)
    figures = _event_figures(filters)
    hours = _hours_cube(filters).by_council
    clusters: dict[int, int] = defaultdict(int)
    for cluster in _clusters(filters):
        clusters[cluster.council_id] += 1
    rows = []
    for council in councils:
        figure = figures.get(council.council_id, _EventFigures())
        staff_hours = hours.get(council.council_id, ZERO)
        rows.append(
            CouncilBurdenRow(
                council_id=council.council_id,
                name=council.name,
                slug=council.slug,
                region_id=council.region_id,
                region_name=council.region_name,
                region_slug=council.region_slug,
                events=figure.events,
                formal_inspections=figure.formal,
                on_site_days=figure.on_site_days,
                staff_hours=staff_hours,
                hours_per_event=_ratio(staff_hours, figure.events),
                clusters=clusters[council.council_id],
                shortest_gap_days=figure.shortest_gap,
                most_in_12_months=figure.most_in_12_months,
            )
        )
    return rows


def _hide_hours(row: CouncilBurdenRow) -> CouncilBurdenRow:
    return dataclasses.replace(row, staff_hours=None, hours_per_event=None, hours_shown=False)


# ---------------------------------------------------------------------------------------------
# Disclosure control: figures about other councils' hours for users without exact figures
# ---------------------------------------------------------------------------------------------


def reporting_filters(filters: BurdenFilters) -> BurdenFilters:
    """The filters with their period widened to whole reporting periods (financial years)."""
    start, end = disclosure.reporting_period(filters.date_from, filters.date_to)
    return filters.but(date_from=start, date_to=end)


def exact_hours(filters: BurdenFilters, access: UserAccess) -> bool:
    """Exact hours for LGA officers and administrators, and for a user's own council."""
    return disclosure.exact_figures_for(access) or (
        filters.council_id is not None and access.can_see_hours_of(filters.council_id)
    )


def publishable_cells(filters: BurdenFilters, access: UserAccess) -> disclosure.HoursCells:
    """The hours cells this user may see for these filters (over whole reporting periods):
    every figure about other councils' hours, and their cost (``inspections.cost``), is a sum
    of these."""
    return _publishable_cells(filters, access)


def _publishable_cells(filters: BurdenFilters, access: UserAccess) -> disclosure.HoursCells:
    scope = reporting_filters(filters)
    # Each council's hours in each cell are read once for every viewer ("raw"); the cells one
    # viewer may see are made from them in Python.
    council_hours = _cached(
        "council-cell-hours",
        scope,
        "raw",
        lambda: disclosure.council_cell_hours(scope.events_q("event__")),
    )
    return _cached(
        "hours-cells",
        scope,
        visibility_class(access),
        lambda: disclosure.hours_cells(council_hours, access.council_id),
    )


# ---------------------------------------------------------------------------------------------
# League table
# ---------------------------------------------------------------------------------------------

# Sort keys of the league table: (label, attribute, direction when first chosen).
LEAGUE_SORTS: dict[str, tuple[str, str, str]] = {
    "council": ("Council", "name", "asc"),
    "region": ("Region", "region_name", "asc"),
    "most_in_12_months": ("Most formal inspections in 12 months", "most_in_12_months", "desc"),
    "gap": ("Shortest gap between formal inspections (days)", "shortest_gap_days", "asc"),
    "formal": ("Formal inspections", "formal_inspections", "desc"),
    "events": ("Events", "events", "desc"),
    "on_site_days": ("On-site days", "on_site_days", "desc"),
    "hours": ("Staff hours", "staff_hours", "desc"),
    "hours_per_event": ("Hours per event", "hours_per_event", "desc"),
    "clusters": ("Clusters", "clusters", "desc"),
}
# Most inspections in the shortest time first: the question the dashboards answer.
DEFAULT_SORT = "-most_in_12_months"


def parse_sort(sort: str | None) -> tuple[str, bool]:
    """A ``sort`` parameter ("gap", "-hours") as (key, descending); unknown keys fall back."""
    sort = (sort or "").strip()
    key = sort.lstrip("-")
    if key not in LEAGUE_SORTS:
        return DEFAULT_SORT.lstrip("-"), True
    return key, sort.startswith("-")


def sort_league(rows: list[CouncilBurdenRow], sort: str | None) -> list[CouncilBurdenRow]:
    """Rows in the order of ``sort``; blanks (no gap, hidden hours) always last, ties by name."""
    key, descending = parse_sort(sort)
    attribute = LEAGUE_SORTS[key][1]
    by_name = sorted(rows, key=lambda row: (row.name, row.council_id))
    if key == "most_in_12_months" and descending:
        # Ties on the count: the council whose inspections came closest together first.
        by_name.sort(key=lambda row: (row.shortest_gap_days is None, row.shortest_gap_days or 0))
    present = [row for row in by_name if getattr(row, attribute) is not None]
    blank = [row for row in by_name if getattr(row, attribute) is None]
    present.sort(key=lambda row: getattr(row, attribute), reverse=descending)
    return present + blank


def councils_with_demo(filters: BurdenFilters) -> frozenset[int]:
    """Councils whose figures in scope include demo data: a demo event or demo hours.

    Demo events first (the events alone); only councils without one are looked for among the
    staff-time entries, each event stopping at its first demo entry, instead of joining every
    entry in England to every event (1.1-1.6 s for the summary CSV, issue #14). The same for
    every user (which councils hold demo data is no council's secret), so cached once per
    filters and write generation for all of them.
    """

    def compute() -> frozenset[int]:
        in_scope = InspectionEvent.objects.filter(filters.events_q()).order_by()
        with_demo = set(
            in_scope.filter(source=Source.DEMO).values_list("council_id", flat=True).distinct()
        )
        demo_hours = StaffTime.objects.filter(event=OuterRef("pk"), is_demo=True)
        with_demo |= set(
            in_scope.exclude(council_id__in=with_demo)
            .filter(Exists(demo_hours))
            .values_list("council_id", flat=True)
            .distinct()
        )
        return frozenset(with_demo)

    return _cached("councils-with-demo", filters, "everyone", compute)


def councils_with_demo_hours(filters: BurdenFilters) -> frozenset[int]:
    """Councils whose staff hours in scope include demo hours: a demo event's or a demo
    staff-time entry. Each event stops at its first entry (an index serves both), instead of
    reading every entry in scope (0.2-0.35 s a time at national scale, issue #14)."""
    in_scope = InspectionEvent.objects.filter(filters.events_q()).order_by()
    any_hours = StaffTime.objects.filter(event=OuterRef("pk"))
    with_demo = set(
        in_scope.filter(source=Source.DEMO)
        .filter(Exists(any_hours))
        .values_list("council_id", flat=True)
        .distinct()
    )
    with_demo |= set(
        in_scope.exclude(council_id__in=with_demo)
        .filter(Exists(any_hours.filter(is_demo=True)))
        .values_list("council_id", flat=True)
        .distinct()
    )
    return frozenset(with_demo)


@dataclass(frozen=True)
class DemoInScope:
    """Whether demo data is part of the figures of a scope: the charts' "Demo" mark."""

    events: bool  # a demo event is among the events counted
    hours: bool  # a demo event's hours or a demo staff-time entry is among the hours summed


def demo_in_scope(filters: BurdenFilters) -> DemoInScope:
    """Demo events and demo hours among the events of ``filters``: one query of two EXISTS."""

    def compute():
        in_scope = InspectionEvent.objects.filter(filters.events_q()).order_by()
        demo_hours = StaffTime.objects.filter(event__in=in_scope.values("pk")).filter(
            Q(is_demo=True) | Q(event__source=Source.DEMO)
        )
        flags = (
            Council.objects.order_by()
            .annotate(
                demo_events=Exists(in_scope.filter(source=Source.DEMO)),
                demo_hours=Exists(demo_hours),
            )
            .values_list("demo_events", "demo_hours")
            .first()
        )
        # No council at all: no event either.
        return DemoInScope(events=bool(flags and flags[0]), hours=bool(flags and flags[1]))

    return _cached("demo-in-scope", filters, "all", compute)


def league_table(
    filters: BurdenFilters, access: UserAccess, *, sort: str | None = DEFAULT_SORT
) -> list[CouncilBurdenRow]:
    """One row per council in scope, with hours only where this user may see them."""

    def compute():
        return [
            row if access.can_see_hours_of(row.council_id) else _hide_hours(row)
            for row in _raw_league(filters)
        ]

    rows = _cached("league", filters, visibility_class(access), compute)
    return sort_league(rows, sort)


def _median_row(
    rows: list[CouncilBurdenRow],
    access: UserAccess,
    hours_rows: list[CouncilBurdenRow] | None = None,
) -> MedianRow:
    """The median council of ``rows``; hours from ``hours_rows`` (the same councils over whole
    reporting periods) under the disclosure rule unless this user sees exact figures."""
    if hours_rows is None:
        staff_hours = _median(r.staff_hours for r in rows) or ZERO
        hours_per_event = _median(r.hours_per_event for r in rows)
    else:
        viewer = access.council_id
        staff_hours = disclosure.median_hours(
            {r.council_id: r.staff_hours for r in hours_rows}, viewer
        )
        hours_per_event = (
            None
            if staff_hours is None
            else disclosure.median_hours(
                {r.council_id: r.hours_per_event for r in hours_rows}, viewer, per_event=True
            )
        )
    return MedianRow(
        councils=len(rows),
        events=_median(r.events for r in rows) or ZERO,
        formal_inspections=_median(r.formal_inspections for r in rows) or ZERO,
        on_site_days=_median(r.on_site_days for r in rows) or ZERO,
        staff_hours=staff_hours,
        hours_per_event=hours_per_event,
        clusters=_median(r.clusters for r in rows) or ZERO,
        shortest_gap_days=_median(r.shortest_gap_days for r in rows),
        most_in_12_months=_median(r.most_in_12_months for r in rows) or ZERO,
    )


def region_medians(filters: BurdenFilters, access: UserAccess) -> MedianRow:
    """The median council in scope (the region of the filters, else England).

    Everyone sees the medians; hours ones under the disclosure rule (``inspections.disclosure``)
    unless the user sees exact figures.
    """
    scope = filters.but(council_id=None)

    def compute():
        rows = _raw_league(scope)
        if disclosure.exact_figures_for(access):
            return _median_row(rows, access)
        return _median_row(rows, access, _raw_league(reporting_filters(scope)))

    return _cached("medians", scope, visibility_class(access), compute)


def regions_compared(filters: BurdenFilters, access: UserAccess) -> list[RegionBurden]:
    """Each region's totals and median council, side by side.

    Everyone sees them; hours under the disclosure rule unless the user sees exact figures.
    """
    exact = disclosure.exact_figures_for(access)

    def by_region(scope: BurdenFilters) -> dict[int, list[CouncilBurdenRow]]:
        regions: dict[int, list[CouncilBurdenRow]] = defaultdict(list)
        for row in _raw_league(scope):
            regions[row.region_id].append(row)
        return regions

    def compute():
        regions = by_region(filters)
        controlled = None if exact else by_region(reporting_filters(filters))
        cells = None if exact else _publishable_cells(filters, access)
        result = []
        for rows in sorted(regions.values(), key=lambda rows: rows[0].region_name):
            region_id = rows[0].region_id
            events = sum(r.events for r in rows)
            formal = sum(r.formal_inspections for r in rows)
            gaps = [r.shortest_gap_days for r in rows if r.shortest_gap_days is not None]
            if exact:
                hours = sum((r.staff_hours for r in rows), ZERO)
                hours_per_event = _ratio(hours, events)
                hours_per_council = _ratio(hours, len(rows)) or ZERO
                median = _median_row(rows, access)
            else:
                hours_rows = controlled.get(region_id, [])
                hours = cells.total(region_id=region_id)
                hours_per_event = disclosure.round_hours_per_event(
                    hours, sum(r.events for r in hours_rows)
                )
                hours_per_council = disclosure.round_hours_per_event(hours, len(rows))
                median = _median_row(rows, access, hours_rows)
            result.append(
                RegionBurden(
                    region_id=region_id,
                    name=rows[0].region_name,
                    slug=rows[0].region_slug,
                    councils=len(rows),
                    events=events,
                    formal_inspections=formal,
                    on_site_days=sum(r.on_site_days for r in rows),
                    staff_hours=hours,
                    hours_per_event=hours_per_event,
                    formal_per_council=_ratio(formal, len(rows)) or ZERO,
                    hours_per_council=hours_per_council,
                    clusters=sum(r.clusters for r in rows),
                    shortest_gap_days=min(gaps) if gaps else None,
                    most_in_12_months=max(r.most_in_12_months for r in rows),
                    median=median,
                )
            )
        return result

    return _cached("regions", filters, visibility_class(access), compute)


# ---------------------------------------------------------------------------------------------
# Hours
# ---------------------------------------------------------------------------------------------


def hours_visible(filters: BurdenFilters, access: UserAccess) -> bool:
    """Hours of one council only for its users; of a region or England for everyone (under
    the disclosure rule for users without exact figures)."""
    return filters.council_id is None or access.can_see_hours_of(filters.council_id)


def _events_by_type(filters: BurdenFilters) -> dict[int, int]:
    return dict(
        InspectionEvent.objects.filter(filters.events_q())
        .order_by()
        .values_list("inspection_type_id")
        .annotate(n=Count("pk"))
    )


def _types_in_order(type_ids) -> list[tuple[int, str, str]]:
    types = InspectionType.objects.filter(pk__in=set(type_ids)).values_list(
        "pk", "name", "family", "sort_order"
    )
    return [(pk, name, family) for pk, name, family, _ in sorted(types, key=lambda t: (t[3], t[1]))]


def hours_by_type(filters: BurdenFilters, access: UserAccess) -> list[TypeHours] | None:
    """Events and staff hours by inspection type, most hours first; None if not to be shown.

    Users without exact figures get events and hours over whole reporting periods, hours under
    the disclosure rule (``inspections.disclosure``).
    """
    if not hours_visible(filters, access):
        return None
    exact = exact_hours(filters, access)

    def compute():
        rows = []
        if exact:
            hours: dict[int, Decimal] = defaultdict(lambda: ZERO)
            for (_council_id, type_id), value in _hours_cube(filters).by_council_type.items():
                hours[type_id] += value
            counts = _events_by_type(filters)
            for pk, name, family in _types_in_order(set(hours) | set(counts)):
                rows.append(
                    TypeHours(
                        pk,
                        name,
                        family,
                        counts.get(pk, 0),
                        hours[pk],
                        _ratio(hours[pk], counts.get(pk, 0)),
                    )
                )
        else:
            cells = _publishable_cells(filters, access)
            counts = _events_by_type(reporting_filters(filters))
            with_hours = {c.inspection_type_id for c in cells.publishable}
            with_hours |= {key[1] for key in cells.withheld}
            for pk, name, family in _types_in_order(with_hours | set(counts)):
                value = cells.total(inspection_type_id=pk)
                events = counts.get(pk, 0)
                rows.append(
                    TypeHours(
                        pk,
                        name,
                        family,
                        events,
                        value,
                        disclosure.round_hours_per_event(value, events),
                    )
                )
        rows.sort(key=lambda row: (row.staff_hours is None, -(row.staff_hours or ZERO)))
        return rows

    return _cached("hours-by-type", filters, visibility_class(access), compute)


def hours_by_team_and_phase(
    filters: BurdenFilters, access: UserAccess
) -> HoursByTeamAndPhase | None:
    """Staff hours by team and phase; None if not to be shown to this user.

    Users without exact figures get hours over whole reporting periods under the disclosure
    rule (``inspections.disclosure``); a cell or total is None where only withheld hours are.
    """
    if not hours_visible(filters, access):
        return None
    exact = exact_hours(filters, access)
    phases = [code for code, _ in Phase.choices]

    def compute():
        if exact:
            cells: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
            for (_c, team, phase), value in _hours_cube(filters).by_council_team_phase.items():
                cells[(team, phase)] += value

            def figure(**match):
                teams = [match["team"]] if "team" in match else [t for t, _ in Team.choices]
                chosen = [match["phase"]] if "phase" in match else phases
                return sum((cells[(t, p)] for t in teams for p in chosen), ZERO)
        else:
            figure = _publishable_cells(filters, access).total

        rows = [
            (
                team,
                label,
                [figure(team=team, phase=phase) for phase in phases],
                figure(team=team),
            )
            for team, label in Team.choices
        ]
        return HoursByTeamAndPhase(
            phases=list(Phase.choices),
            rows=rows,
            phase_totals=[figure(phase=phase) for phase in phases],
            total=figure(),
        )

    return _cached("hours-by-team-phase", filters, visibility_class(access), compute)


# ---------------------------------------------------------------------------------------------
# Events over time
# ---------------------------------------------------------------------------------------------


def _quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _next_quarter(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 10 else date(day.year, day.month + 3, 1)


def events_per_quarter(filters: BurdenFilters, access: UserAccess) -> list[QuarterCount]:
    """Formal inspections and other events per calendar quarter, empty quarters included.

    The quarters run over the filtered period, or from the first to the last event.
    """

    def compute():
        counts = (
            InspectionEvent.objects.filter(filters.events_q())
            .order_by()
            .annotate(quarter=TruncQuarter("on_site_start"))
            .values_list("quarter", "inspection_type__is_formal")
            .annotate(n=Count("pk"))
        )
        cells: dict[tuple[date, bool], int] = {}
        for quarter, is_formal, n in counts:
            if hasattr(quarter, "date"):
                quarter = quarter.date()
            cells[(quarter, bool(is_formal))] = n
        quarters = [q for q, _ in cells]
        if filters.date_from:
            quarters.append(_quarter_start(filters.date_from))
            if not filters.date_to:
                quarters.append(_quarter_start(timezone.localdate()))
        if filters.date_to:
            quarters.append(_quarter_start(filters.date_to))
        if not quarters:
            return []
        first = _quarter_start(filters.date_from) if filters.date_from else min(quarters)
        last = _quarter_start(filters.date_to) if filters.date_to else max(quarters)
        # Never more quarters than the plausible dates span, whatever is stored or asked for.
        first = max(first, _quarter_start(plausible.EARLIEST_DATE))
        last = min(last, _quarter_start(plausible.latest_date()))
        result, quarter = [], first
        while quarter <= last:
            result.append(
                QuarterCount(
                    quarter_start=quarter,
                    formal_inspections=cells.get((quarter, True), 0),
                    other_events=cells.get((quarter, False), 0),
                )
            )
            quarter = _next_quarter(quarter)
        return result

    return _cached("quarters", filters, "public", compute)


def events_by_family(filters: BurdenFilters, access: UserAccess) -> list[FamilyCount]:
    """How many events of each family: for the timeline's key and summary."""

    def compute():
        counts = dict(
            InspectionEvent.objects.filter(filters.events_q())
            .order_by()
            .values_list("inspection_type__family")
            .annotate(n=Count("pk"))
        )
        return [
            FamilyCount(code, label, counts[code])
            for code, label in Family.choices
            if code in counts
        ]

    return _cached("families", filters, "public", compute)


def timeline(
    filters: BurdenFilters, access: UserAccess, *, formal_only: bool = False
) -> list[TimelineRow]:
    """One row per council in scope with its events in date order and its clusters.

    Dates and outcomes are public, so every user gets the same timeline.
    """

    def compute():
        query = InspectionEvent.objects.filter(filters.events_q())
        if formal_only:
            query = query.filter(inspection_type__is_formal=True)
        rows = query.order_by("on_site_start", "pk").values_list(
            "pk",
            "council_id",
            "inspection_type__name",
            "inspection_type__family",
            "inspection_type__is_formal",
            "on_site_start",
            "on_site_end",
            "outcome__label",
            "report_url",
            "source",
            "theme",
        )
        clusters = _clusters(filters)
        membership: dict[int, list[int]] = defaultdict(list)
        for cluster in clusters:
            for event_id in cluster.member_ids:
                membership[event_id].append(cluster.cluster_id)
        events: dict[int, list[TimelineEvent]] = defaultdict(list)
        for pk, council_id, name, family, formal, start, end, outcome, url, source, theme in rows:
            events[council_id].append(
                TimelineEvent(
                    event_id=pk,
                    council_id=council_id,
                    type_name=name,
                    family=family,
                    is_formal=bool(formal),
                    on_site_start=start,
                    on_site_end=end,
                    outcome=outcome or "",
                    report_url=url,
                    is_published=source == "published",
                    theme=theme,
                    cluster_ids=tuple(membership.get(pk, ())),
                )
            )
        clusters_by_council: dict[int, list[TimelineCluster]] = defaultdict(list)
        for cluster in clusters:
            clusters_by_council[cluster.council_id].append(cluster)
        return [
            TimelineRow(
                council_id=council.council_id,
                name=council.name,
                slug=council.slug,
                events=events.get(council.council_id, []),
                clusters=clusters_by_council.get(council.council_id, []),
            )
            for council in _councils(filters)
        ]

    name = "timeline-formal" if formal_only else "timeline"
    return _cached(name, filters, "public", compute)

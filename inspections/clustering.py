"""Cluster detection: the single source of truth for "inspections too close together".

This module is deliberately pure: no Django imports, no database access, no clock.
Every other part of the app (models, views, exports, Celery tasks) converts its rows
to :class:`EventPoint` values and a :class:`RuleSpec`, and calls :func:`detect_clusters`.

Semantics
---------
An event *counts* for a rule when all of these hold:

* ``rule.formal_only`` is false, or the event ``is_formal``;
* the rule has no ``families`` and no ``type_codes`` (any event matches), or the event's
  ``family`` is in ``rule.families``, or its ``type_code`` is in ``rule.type_codes``
  (the two sets are OR-ed: matching either one is enough);
* the event's on-site dates are real, or ``rule.counts_estimated`` (dates estimated from a
  publication date count only for rules that say so);
* the event has the rule's anchor date (``on_site_start`` always has one; under the
  ``"notified_on"`` anchor events whose ``notified_on`` is ``None`` are ignored).

Counted events are sorted by ``(anchor date, id)``. For each counted event a *window*
starts at it and runs through every later event (in that order) whose anchor lies
within ``window_days`` of its anchor, inclusive: a gap of exactly ``window_days`` is
within the window, ``window_days + 1`` is not. A window *qualifies* when it holds at
least ``min_events`` events. A *cluster* is the union of qualifying windows that
overlap (share at least one event), taken transitively. Hence, for ``min_events=2``, a
cluster is a run in which each consecutive pair is within the window (0, 60 and 120
days chain under a 90-day rule), while with ``min_events=3`` and 365 days, events on
days 0, 300 and 600 form no cluster (no 365-day window holds three of them).

Only the anchor date matters: ``on_site_end`` never affects detection, so overlapping
on-site periods are simply events whose anchors are close together.

Runs in O(n log n) (one sort, then a linear two-pointer sweep) and is deterministic:
the result does not depend on the order of the input.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import NamedTuple

__all__ = [
    "ANCHORS",
    "FAMILIES",
    "DetectedCluster",
    "EventPoint",
    "RuleSpec",
    "cluster_key",
    "detect_clusters",
]

ANCHOR_ON_SITE_START = "on_site_start"
ANCHOR_NOTIFIED_ON = "notified_on"
ANCHORS: frozenset[str] = frozenset({ANCHOR_ON_SITE_START, ANCHOR_NOTIFIED_ON})

FAMILIES: frozenset[str] = frozenset(
    {
        "ilacs",
        "jtai",
        "area_send",
        "cqc",
        "hmip",
        "dfe_intervention",
        "peer_review",
        "other",
    }
)


class EventPoint(NamedTuple):
    """One inspection or related event, reduced to what clustering needs.

    Immutable; a named tuple rather than a frozen dataclass because the sweep makes one per
    counted event in England on every run, and a tuple is made several times faster.
    """

    id: int
    type_code: str
    family: str
    is_formal: bool
    on_site_start: date
    on_site_end: date
    notified_on: date | None
    # On-site dates estimated from the publication date (known only by when it was published).
    dates_estimated: bool = False


def _as_frozenset(value: Iterable[str], name: str) -> frozenset[str]:
    if isinstance(value, str):
        raise TypeError(f"RuleSpec.{name} must be a collection of strings, not a single string")
    return frozenset(value)


def _validate_rule_fields(window_days: object, min_events: object, anchor: object) -> None:
    if isinstance(window_days, bool) or not isinstance(window_days, int):
        raise ValueError(f"window_days must be an integer, got {window_days!r}")
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, got {window_days}")
    if isinstance(min_events, bool) or not isinstance(min_events, int):
        raise ValueError(f"min_events must be an integer, got {min_events!r}")
    if min_events < 2:
        raise ValueError(f"min_events must be at least 2, got {min_events}")
    if anchor not in ANCHORS:
        raise ValueError(f"anchor must be one of {sorted(ANCHORS)}, got {anchor!r}")


@dataclass(frozen=True)
class RuleSpec:
    """A clustering rule: ``min_events`` counted events within ``window_days``.

    ``families`` and ``type_codes`` filter which events count. Both empty: every event
    (that passes ``formal_only`` and has the anchor date) counts. Otherwise an event
    counts if its family is in ``families`` OR its type code is in ``type_codes``.

    Invalid values raise ``ValueError`` on construction (and again in
    :func:`detect_clusters`, in case validation was bypassed).
    """

    window_days: int
    min_events: int
    anchor: str = ANCHOR_ON_SITE_START
    formal_only: bool = True
    families: frozenset[str] = frozenset()
    type_codes: frozenset[str] = frozenset()
    counts_estimated: bool = True  # whether events with estimated on-site dates count

    def __post_init__(self) -> None:
        _validate_rule_fields(self.window_days, self.min_events, self.anchor)
        # Accept any iterable of strings but store frozensets so the rule stays hashable.
        object.__setattr__(self, "families", _as_frozenset(self.families, "families"))
        object.__setattr__(self, "type_codes", _as_frozenset(self.type_codes, "type_codes"))

    def counts(self, event: EventPoint) -> bool:
        """Whether ``event`` passes this rule's filters and has its anchor date."""
        if self.formal_only and not event.is_formal:
            return False
        if event.dates_estimated and not self.counts_estimated:
            return False
        if (self.families or self.type_codes) and not (
            event.family in self.families or event.type_code in self.type_codes
        ):
            return False
        return self.anchor_date(event) is not None

    def anchor_date(self, event: EventPoint) -> date | None:
        """The date this rule measures ``event`` by (``None`` if it has none)."""
        if self.anchor == ANCHOR_NOTIFIED_ON:
            return event.notified_on
        return event.on_site_start


@dataclass(frozen=True)
class DetectedCluster:
    """A detected cluster of events for one rule.

    ``event_ids`` and ``anchor_dates`` are parallel tuples, sorted by (anchor date, id).
    """

    event_ids: tuple[int, ...]
    first_date: date
    last_date: date
    anchor_dates: tuple[date, ...]

    def __post_init__(self) -> None:
        if len(self.event_ids) != len(self.anchor_dates):
            raise ValueError("event_ids and anchor_dates must have the same length")
        if self.anchor_dates and (
            self.anchor_dates[0] != self.first_date or self.anchor_dates[-1] != self.last_date
        ):
            raise ValueError("first_date/last_date must match the first/last anchor_dates")

    @property
    def span_days(self) -> int:
        """Days from the first member's anchor to the last member's anchor."""
        return (self.last_date - self.first_date).days

    @property
    def gaps_days(self) -> tuple[int, ...]:
        """Days between consecutive members' anchors (``len(event_ids) - 1`` values)."""
        return tuple((later - earlier).days for earlier, later in pairwise(self.anchor_dates))

    @property
    def key(self) -> str:
        """Stable identity of the member set; see :func:`cluster_key`."""
        return cluster_key(self.event_ids)


def cluster_key(event_ids: Iterable[int]) -> str:
    """Stable identity string for a set of event ids: ids sorted numerically, joined by "-".

    Order and repeats in the input do not matter: ``cluster_key([10, 2, 2]) == "2-10"``.
    Together with its rule, this identifies a cluster across re-detections.
    """
    ids = sorted({operator.index(event_id) for event_id in event_ids})
    if not ids:
        raise ValueError("cluster_key needs at least one event id")
    return "-".join(str(event_id) for event_id in ids)


def detect_clusters(events: Iterable[EventPoint], rule: RuleSpec) -> list[DetectedCluster]:
    """Detect the clusters ``rule`` finds among ``events``.

    See the module docstring for the exact semantics. Returns clusters sorted by
    ``first_date`` then first event id; clusters never share an event. Raises
    ``ValueError`` for an invalid rule or for two events with the same id.
    """
    _validate_rule_fields(rule.window_days, rule.min_events, rule.anchor)

    seen_ids: set[int] = set()
    counted: list[tuple[int, int, date]] = []  # (anchor ordinal, id, anchor date)
    counts, anchor_date = rule.counts, rule.anchor_date
    for event in events:
        event_id = event.id
        if event_id in seen_ids:
            raise ValueError(f"duplicate event id {event_id!r} in input")
        seen_ids.add(event_id)
        if counts(event):
            anchor = anchor_date(event)
            assert anchor is not None  # guaranteed by rule.counts
            counted.append((anchor.toordinal(), event_id, anchor))
    # Ids are unique, so the tuples sort by (anchor, id) and never reach the dates.
    counted.sort()

    window = rule.window_days
    needed = rule.min_events
    n = len(counted)
    clusters: list[DetectedCluster] = []
    if n < needed:
        return clusters

    def emit(start: int, end: int) -> None:
        _, ids, anchors = zip(*counted[start : end + 1], strict=True)
        clusters.append(
            DetectedCluster(
                event_ids=ids, first_date=anchors[0], last_date=anchors[-1], anchor_dates=anchors
            )
        )

    # Windows are contiguous index ranges [i, end_i] of the sorted list, and end_i never
    # decreases as i grows, so one forward-moving pointer finds every window's end.
    # Qualifying windows are visited in start order; one that starts at or before the
    # current cluster's end shares an event with it and extends it.
    ordinals = [item[0] for item in counted]
    end = -1
    cluster_start = cluster_end = -1
    for i in range(n):
        if end < i:
            end = i
        limit = ordinals[i] + window  # inclusive
        while end + 1 < n and ordinals[end + 1] <= limit:
            end += 1
        if end - i + 1 < needed:
            continue
        if cluster_start >= 0 and i <= cluster_end:
            cluster_end = end
        else:
            if cluster_start >= 0:
                emit(cluster_start, cluster_end)
            cluster_start, cluster_end = i, end
    if cluster_start >= 0:
        emit(cluster_start, cluster_end)

    # Index order is (first anchor date, first id) order, and clusters are disjoint.
    return clusters

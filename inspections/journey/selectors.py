"""The inadequate journey of every council in scope, and its national and regional figures.

Judgements and events are public (as on every page); hours and cost while inadequate follow the
hours' visibility (``councils.access``; totals over other councils only for LGA officers and
administrators, as journeys do not fall into the disclosure rule's whole-year cells). Scope: a
region or a council of the filters, and journeys (and spells) that overlap the period, counted
whole; family and type filters do not apply (a journey is about children's services
judgements). Definitions are in :mod:`inspections.journey.history`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Sum
from django.utils import timezone

from councils.access import UserAccess
from councils.models import Council, Region

from .. import disclosure
from ..cost.rates import pounds
from ..cost.selectors import MONEY, rate_expression
from ..models import Family, InspectionEvent, Source, StaffTime, StaffTimeRollup
from ..selectors import burden
from ..selectors.burden import BurdenFilters
from . import history
from .history import GRADES, Journey, JourneyFigures

ZERO = Decimal("0")


@dataclass(frozen=True)
class JourneyRow:
    """One inadequate judgement and what followed, as the page and the export show it."""

    council_id: int
    council_name: str
    council_slug: str
    gss_code: str
    region_name: str
    judged_on: date
    judgement_event_id: int
    inspection_type: str
    on_site_start: date
    monitoring_visits: int
    focused_visits: int
    dfe_steps: int
    events: int
    days: int
    staff_hours: Decimal | None  # None where this user may not see the council's hours
    cost: Decimal | None
    next_outcome: str  # "" while there is no next judgement
    next_judged_on: date | None
    improved: bool | None
    includes_demo: bool
    event_ids: tuple[int, ...]


@dataclass(frozen=True)
class ScopeFigures:
    """The figures of England or of one region, with hours and cost while inadequate."""

    name: str
    slug: str
    figures: JourneyFigures
    staff_hours: Decimal | None
    cost: Decimal | None


@dataclass(frozen=True)
class _Raw:
    judgements: list[history.Judgement]
    events: list[history.LoggedEvent]
    demo_events: frozenset[int]
    councils: dict[int, tuple[str, str, str, int, str]]  # name, slug, gss, region id, region


def _scope(filters: BurdenFilters) -> BurdenFilters:
    """The filters a journey honours: region, council and period (not family or type)."""
    return BurdenFilters(
        date_from=filters.date_from,
        date_to=filters.date_to,
        region_id=filters.region_id,
        council_id=filters.council_id,
    )


def _raw(filters: BurdenFilters) -> _Raw:
    place = BurdenFilters(region_id=filters.region_id, council_id=filters.council_id)

    def compute():
        judged = (
            InspectionEvent.objects.filter(place.events_q())
            .filter(inspection_type__family=Family.ILACS, outcome__code__in=GRADES)
            .order_by()
            .values_list(
                "pk",
                "council_id",
                "outcome__code",
                "outcome__label",
                "inspection_type__name",
                "on_site_start",
                "on_site_end",
                "published_on",
            )
        )
        judgements = [
            history.Judgement(pk, council, code, label, name, start, published or end)
            for pk, council, code, label, name, start, end, published in judged
        ]
        rows = (
            InspectionEvent.objects.filter(place.events_q())
            .order_by()
            .values_list(
                "pk",
                "council_id",
                "inspection_type__code",
                "inspection_type__family",
                "on_site_start",
                "source",
                "inspection_type__is_formal",
            )
        )
        events, demo = [], set()
        for pk, council, code, family, start, source, formal in rows:
            events.append(history.LoggedEvent(pk, council, code, family, start, bool(formal)))
            if source == Source.DEMO:
                demo.add(pk)
        councils = {
            pk: (name, slug, gss, region_id, region)
            for pk, name, slug, gss, region_id, region in Council.objects.filter(
                place.councils_q()
            ).values_list("pk", "name", "slug", "gss_code", "region_id", "region__name")
        }
        return _Raw(judgements, events, frozenset(demo), councils)

    return burden._cached("journey-raw", place, "raw", compute)


def _event_money(event_ids: set[int], council_ids: set[int]) -> dict[int, tuple]:
    """Hours, cost and whether demo hours are in them, by event (for the journeys' events)."""
    if not event_ids:
        return {}
    rows = (
        StaffTimeRollup.objects.filter(event__council_id__in=council_ids)
        .order_by()
        .annotate(rate=rate_expression("event__"))
        .values_list("event_id")
        .annotate(
            total_hours=Sum("hours"), total_cost=Sum(F("hours") * F("rate"), output_field=MONEY)
        )
    )
    return {
        event_id: (burden._decimal(hours), pounds(cost))
        for event_id, hours, cost in rows
        if event_id in event_ids
    }


def _today() -> date:
    return timezone.localdate()


def _with_demo_hours(event_ids: set[int]) -> frozenset[int]:
    """Events among these that carry demo hours (demo hours can sit on a published event)."""
    if not event_ids:
        return frozenset()
    return frozenset(
        StaffTime.objects.filter(event_id__in=event_ids, is_demo=True)
        .order_by()
        .values_list("event_id", flat=True)
        .distinct()
    )


def _journeys_raw(filters: BurdenFilters):
    """(journeys in scope, hours and cost by event, the raw history, demo event ids)."""
    scope = _scope(filters)

    def compute():
        raw = _raw(scope)
        today = _today()
        rows = [
            journey
            for journey in history.journeys(raw.judgements, raw.events, today=today)
            if journey.council_id in raw.councils
            and history.overlaps(
                journey.judgement.judged_on, journey.end, scope.date_from, scope.date_to
            )
        ]
        ids = {event_id for journey in rows for event_id in journey.event_ids}
        money = _event_money(ids, {journey.council_id for journey in rows})
        judged = {journey.judgement.event_id for journey in rows}
        demo = frozenset((ids | judged) & raw.demo_events) | _with_demo_hours(ids | judged)
        return rows, money, raw, demo

    return burden._cached("journeys", scope, "raw", compute)


def journey_rows(filters: BurdenFilters, access: UserAccess) -> list[JourneyRow]:
    """Every inadequate judgement in scope with what followed it, oldest first."""
    rows, money, raw, demo = _journeys_raw(filters)
    result = []
    for journey in rows:
        name, slug, gss, _region_id, region = raw.councils[journey.council_id]
        shown = access.can_see_hours_of(journey.council_id)
        hours = sum((money.get(e, (ZERO, ZERO))[0] for e in journey.event_ids), ZERO)
        cost = sum((money.get(e, (ZERO, ZERO))[1] for e in journey.event_ids), ZERO)
        following = journey.next_judgement
        result.append(
            JourneyRow(
                council_id=journey.council_id,
                council_name=name,
                council_slug=slug,
                gss_code=gss,
                region_name=region,
                judged_on=journey.judgement.judged_on,
                judgement_event_id=journey.judgement.event_id,
                inspection_type=journey.judgement.type_name,
                on_site_start=journey.judgement.on_site_start,
                monitoring_visits=journey.monitoring_visits,
                focused_visits=journey.focused_visits,
                dfe_steps=journey.dfe_steps,
                events=len(journey.event_ids),
                days=journey.days,
                staff_hours=hours if shown else None,
                cost=cost if shown else None,
                next_outcome=following.label if following else "",
                next_judged_on=following.judged_on if following else None,
                improved=journey.improved,
                includes_demo=bool(demo & {journey.judgement.event_id, *journey.event_ids}),
                event_ids=journey.event_ids,
            )
        )
    return result


def _figures_for(
    council_ids: set[int], rows: list[Journey], raw: _Raw, filters: BurdenFilters
) -> JourneyFigures:
    today = _today()
    judgements = [j for j in raw.judgements if j.council_id in council_ids]
    events = [e for e in raw.events if e.council_id in council_ids]

    def in_period(spell):
        return history.overlaps(spell.start, spell.end, filters.date_from, filters.date_to)

    inadequate = [
        s
        for s in history.spells(judgements, events, grade=history.INADEQUATE, today=today)
        if in_period(s)
    ]
    good = [
        s
        for s in history.spells(judgements, events, grade=history.GOOD, today=today)
        if in_period(s)
    ]
    return history.figures([j for j in rows if j.council_id in council_ids], inadequate, good)


def journey_figures(filters: BurdenFilters, access: UserAccess) -> list[ScopeFigures]:
    """The figures of the scope first (England, the region or the council), then, for
    England, each region's."""
    scope = _scope(filters)

    def compute():
        rows, money, raw, _demo = _journeys_raw(scope)
        hours_by_council: dict[int, Decimal] = defaultdict(lambda: ZERO)
        cost_by_council: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for journey in rows:
            for event_id in journey.event_ids:
                hours, cost = money.get(event_id, (ZERO, ZERO))
                hours_by_council[journey.council_id] += hours
                cost_by_council[journey.council_id] += cost
        groups: list[tuple[str, str, set[int]]] = []
        if scope.council_id:
            council = raw.councils.get(scope.council_id)
            groups.append(
                (council[0] if council else "", council[1] if council else "", set(raw.councils))
            )
        elif scope.region_id:
            region = Region.objects.get(pk=scope.region_id)
            groups.append((region.name, region.slug, set(raw.councils)))
        else:
            groups.append(("England", "england", set(raw.councils)))
            for region in Region.objects.order_by("name"):
                ids = {cid for cid, info in raw.councils.items() if info[3] == region.pk}
                if ids:
                    groups.append((region.name, region.slug, ids))
        return [
            (
                name,
                slug,
                _figures_for(ids, rows, raw, scope),
                {cid: hours_by_council[cid] for cid in ids if hours_by_council[cid]},
                sum((cost_by_council[cid] for cid in ids), ZERO),
            )
            for name, slug, ids in groups
        ]

    result = []
    for name, slug, figures, hours, cost in burden._cached(
        "journey-figures", scope, "raw", compute
    ):
        shown = (
            access.can_see_hours_of(scope.council_id)
            if scope.council_id
            # Hours while inadequate follow each journey's dates, not the disclosure rule's
            # whole-year cells: over other councils they are for exact viewers only.
            else disclosure.exact_figures_for(access)
        )
        result.append(
            ScopeFigures(
                name=name,
                slug=slug,
                figures=figures,
                staff_hours=sum(hours.values(), ZERO) if shown else None,
                cost=cost if shown else None,
            )
        )
    return result


def journeys_include_demo(rows: list[JourneyRow]) -> bool:
    return any(row.includes_demo for row in rows)

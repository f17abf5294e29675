"""Reads for inspection events and staff time.

Visibility lives here, in the querysets, never in templates: every page, export and dashboard
gets its rows from these functions with the user's access.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from councils.access import UserAccess

from ..models import InspectionEvent, Phase, Source, StaffTime, StaffTimeRollup, Team
from .burden import cache_generation

HOURS_FIELD = DecimalField(max_digits=12, decimal_places=2)
ZERO_HOURS = Value(Decimal("0"), output_field=HOURS_FIELD)


def demo_data_present() -> bool:
    """Whether any demo event exists. Every page asks, so the answer is cached until a write."""
    key = f"demo-data-present:{cache_generation()}"
    present = cache.get(key)
    if present is None:
        present = InspectionEvent.objects.filter(source=Source.DEMO).exists()
        cache.set(key, present)
    return present


def events_visible(access: UserAccess) -> QuerySet[InspectionEvent]:
    """Every event: inspection dates and outcomes are public, so any signed-in user sees them."""
    if not access.is_authenticated:
        return InspectionEvent.objects.none()
    return InspectionEvent.objects.select_related("council__region", "inspection_type", "outcome")


def events_editable(access: UserAccess) -> QuerySet[InspectionEvent]:
    return events_visible(access).filter(access.edit_filter())


def event_for_edit_or_404(access: UserAccess, pk: int) -> InspectionEvent:
    """The event if this user may change it, else 404 (another council's pages do not exist)."""
    return get_object_or_404(events_editable(access), pk=pk)


def staff_time_page(event: InspectionEvent, number, per_page: int) -> Page:
    """One page of an event's staff-time entry ids, in the order they were entered (id order,
    so that new entries go to the last page and the others stay on theirs).

    ``number``: as given in the address (an invalid or too large number gives the last
    page, no error). One query, for the ids only; the page's entries are read by the form.
    """
    ids = list(event.staff_time.order_by("pk").values_list("pk", flat=True))
    return Paginator(ids, per_page).get_page(number)


def joint_events_of(access: UserAccess, event: InspectionEvent) -> QuerySet[InspectionEvent]:
    """The same joint service's record for the other member councils this user may see: same
    joint service, type and report (or, with no report address, the same on-site start)."""
    if not event.joint_service:
        return InspectionEvent.objects.none()
    same = events_visible(access).filter(
        joint_service=event.joint_service, inspection_type_id=event.inspection_type_id
    )
    same = (
        same.filter(report_url=event.report_url)
        if event.report_url
        else same.filter(on_site_start=event.on_site_start)
    )
    return same.exclude(pk=event.pk).select_related("council").order_by("council__name")


def staff_time_visible(access: UserAccess) -> QuerySet[StaffTime]:
    if not access.is_authenticated:
        return StaffTime.objects.none()
    return StaffTime.objects.filter(access.hours_filter("event__council")).select_related(
        "event__council", "event__inspection_type"
    )


def event_hours_sum() -> Subquery:
    """An event's staff hours (a decimal, 0 with none logged), from the trigger-kept sums.

    ``StaffTimeRollup`` holds a few sums per event (by team and phase) where the entries are
    dozens: reading them, one index lookup per event, keeps a list or an export of every event
    in England from joining and grouping all 1.9 million entries (the England events CSV took
    14-16 s that way, issue #14).
    """
    total = (
        StaffTimeRollup.objects.filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=HOURS_FIELD), ZERO_HOURS)


def events_with_hours(events: QuerySet[InspectionEvent], access: UserAccess) -> QuerySet:
    """Annotate each event with ``staff_hours`` and ``hours_include_demo``.

    ``staff_hours`` is the event's total (0 when none is logged), or None where the user may
    not see the council's hours, so "not shown" and "none logged" never look alike.
    ``hours_include_demo`` is True when any of the event's entries is demo data (a published
    event can carry demo hours), None where the hours are not shown.
    """
    visible = access.hours_filter("council")
    total = event_hours_sum()
    demo = Exists(StaffTime.objects.filter(event=OuterRef("pk"), is_demo=True))
    if visible == Q():
        return events.annotate(staff_hours=total, hours_include_demo=demo)
    return events.annotate(
        staff_hours=Case(When(visible, then=total), default=Value(None), output_field=HOURS_FIELD),
        hours_include_demo=Case(
            When(visible, then=demo), default=Value(None), output_field=BooleanField()
        ),
    )


@dataclass(frozen=True)
class EventTotals:
    events: int
    formal_inspections: int
    on_site_days: int
    staff_hours: Decimal | None
    hours_include_demo: bool = False  # any of these hours is demo data (the page says "Demo")


def event_totals(events: QuerySet[InspectionEvent], *, show_hours: bool) -> EventTotals:
    """Totals of a filtered list of events; hours only where the caller may show them."""
    figures = events.order_by().aggregate(
        events=Count("pk"),
        formal=Count("pk", filter=Q(inspection_type__is_formal=True)),
        on_site_days=Coalesce(Sum("on_site_days"), 0),
    )
    hours, hours_demo = None, False
    if show_hours:
        # The trigger-kept sums, not the entries: a few rows an event instead of dozens.
        hours = StaffTimeRollup.objects.filter(event__in=events.order_by().values("pk")).aggregate(
            total=Coalesce(Sum("hours"), ZERO_HOURS)
        )["total"]
        hours_demo = StaffTime.objects.filter(
            event__in=events.order_by().values("pk"), is_demo=True
        ).exists()
    return EventTotals(
        events=figures["events"],
        formal_inspections=figures["formal"],
        on_site_days=figures["on_site_days"],
        staff_hours=hours,
        hours_include_demo=hours_demo,
    )


@dataclass(frozen=True)
class HoursTable:
    """Hours of one event by team (rows) and phase (columns), with totals."""

    phases: list[tuple[str, str]]
    rows: list[tuple[str, list[Decimal], Decimal]]
    phase_totals: list[Decimal]
    total: Decimal
    people: int
    includes_demo: bool = False  # any entry is demo data: the figures say "Demo" wherever shown


def event_hours_table(event: InspectionEvent) -> HoursTable:
    cells = {
        (row["team"], row["phase"]): row["hours"]
        for row in event.staff_time.order_by().values("team", "phase").annotate(hours=Sum("hours"))
    }
    people = event.staff_time.aggregate(people=Coalesce(Sum("people"), 0))["people"]
    phases = list(Phase.choices)
    rows = []
    for team, label in Team.choices:
        values = [cells.get((team, phase), Decimal("0")) for phase, _ in phases]
        if any(values):
            rows.append((label, values, sum(values, Decimal("0"))))
    phase_totals = [
        sum((cells.get((team, phase), Decimal("0")) for team, _ in Team.choices), Decimal("0"))
        for phase, _ in phases
    ]
    return HoursTable(
        phases=phases,
        rows=rows,
        phase_totals=phase_totals,
        total=sum(phase_totals, Decimal("0")),
        people=people,
        includes_demo=event.staff_time.filter(is_demo=True).exists(),
    )

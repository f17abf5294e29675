"""Reads for clusters: lists, members with their gaps, who may acknowledge.

Which inspections fall together is public (their dates are), so every signed-in user sees every
cluster; a cluster's staff hours follow the council's hours rule and come out of these querysets
as ``visible_staff_hours`` (None where the user may not see them).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, DecimalField, F, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from councils.access import UserAccess
from councils.models import Council

from ..clustering import EventPoint, RuleSpec, detect_clusters
from ..models import (
    Cluster,
    ClusterRule,
    ClusterSweep,
    InspectionEvent,
    InspectionType,
    StaffTime,
)

_HOURS = DecimalField(max_digits=12, decimal_places=2)


@dataclass(frozen=True)
class ClusterMember:
    event: InspectionEvent
    anchor: date | None  # the date the rule measures by
    gap_days: int | None  # days since the previous member; None for the first
    hours_demo: bool = False  # any of its staff-time entries is demo data

    @property
    def is_demo(self) -> bool:
        """The event or any of its hours is demo data: its row says "Demo"."""
        return self.event.is_demo or self.hours_demo


def clusters_visible(access: UserAccess) -> QuerySet[Cluster]:
    if not access.is_authenticated:
        return Cluster.objects.none()
    visible = access.hours_filter("council")
    if visible == Q():
        hours = F("total_staff_hours")
    else:
        hours = Case(
            When(visible, then=F("total_staff_hours")), default=Value(None), output_field=_HOURS
        )
    return Cluster.objects.select_related("council__region", "rule", "acknowledged_by").annotate(
        visible_staff_hours=hours
    )


def clusters_acknowledgeable(access: UserAccess) -> QuerySet[Cluster]:
    """Clusters this user may acknowledge: an acknowledgement is a change the council makes (its
    note says what it told the inspectorates), so its editors may, and administrators; viewers
    and LGA officers, who change nothing, may not."""
    return clusters_visible(access).filter(access.edit_filter("council"))


def cluster_can_acknowledge(access: UserAccess, cluster: Cluster) -> bool:
    return access.can_edit_council(cluster.council_id)


def cluster_for_acknowledge_or_404(access: UserAccess, pk: int) -> Cluster:
    """The cluster if this user may acknowledge it, else 404 (as for another council's pages)."""
    return get_object_or_404(clusters_acknowledgeable(access), pk=pk)


def _members_prefetch() -> Prefetch:
    return Prefetch(
        "events",
        queryset=InspectionEvent.objects.select_related("inspection_type", "outcome").order_by(
            "on_site_start", "pk"
        ),
    )


def cluster_members(cluster: Cluster, demo_hours: set[int] = frozenset()) -> list[ClusterMember]:
    """The member events in the rule's date order, each with the gap since the previous one.

    ``demo_hours``: ids of events with any demo staff-time entry."""
    anchor = "notified_on" if cluster.rule.anchor == ClusterRule.Anchor.NOTIFIED_ON else None
    events = list(cluster.events.all())
    if anchor:
        events.sort(key=lambda e: (e.notified_on or e.on_site_start, e.pk))
    members, previous = [], None
    for event in events:
        day = getattr(event, anchor) if anchor else event.on_site_start
        gap = (day - previous).days if previous and day else None
        members.append(
            ClusterMember(event=event, anchor=day, gap_days=gap, hours_demo=event.pk in demo_hours)
        )
        previous = day
    return members


def clusters_with_members(clusters) -> list[Cluster]:
    """The clusters as a list, each with ``members``, ``gaps`` and ``includes_demo`` (a member
    event or any of its hours is demo data: the cluster's figures say "Demo")."""
    clusters = list(clusters.prefetch_related(_members_prefetch()))
    event_ids = {event.pk for cluster in clusters for event in cluster.events.all()}
    demo_hours = set(
        StaffTime.objects.filter(event_id__in=event_ids, is_demo=True)
        .order_by()
        .values_list("event_id", flat=True)
        .distinct()
    )
    for cluster in clusters:
        cluster.members = cluster_members(cluster, demo_hours)
        cluster.gaps = [m.gap_days for m in cluster.members if m.gap_days is not None]
        cluster.includes_demo = any(member.is_demo for member in cluster.members)
    return clusters


def clusters_list(access: UserAccess) -> QuerySet[Cluster]:
    """The clusters list, newest first (filters and pagination are applied by the page)."""
    return clusters_visible(access).order_by("-last_date", "-pk")


def clusters_of_council(access: UserAccess, council_id: int) -> list[Cluster]:
    return clusters_with_members(clusters_list(access).filter(council_id=council_id))


def clusters_of_event(access: UserAccess, event: InspectionEvent) -> list[Cluster]:
    return clusters_with_members(clusters_list(access).filter(events=event))


def cluster_detail_or_404(access: UserAccess, pk: int) -> Cluster:
    clusters = clusters_with_members(clusters_visible(access).filter(pk=pk))
    if not clusters:
        raise Http404("No such cluster")
    return clusters[0]


# --- The preview of a rule before it is saved -------------------------------------------------

PREVIEW_ROWS = 50


@dataclass(frozen=True)
class PreviewCluster:
    council_name: str
    council_slug: str
    first_date: date
    last_date: date
    events: list[tuple[date, str]]  # (the date the rule measures by, the inspection type's name)


@dataclass(frozen=True)
class RulePreview:
    """The clusters a rule would find across England, as it was typed (nothing saved)."""

    clusters: int
    councils: int
    rows: list[PreviewCluster]  # the first PREVIEW_ROWS, newest first
    saved_clusters: int | None  # the rule's current clusters, when it is already saved


def rule_preview(spec: RuleSpec, *, rule: ClusterRule | None = None) -> RulePreview:
    """Run the pure :func:`inspections.clustering.detect_clusters` over every council's events
    with ``spec``, the rule as an administrator typed it, before it is saved.

    Reads the events of the types the rule may count (one query), nothing else; the counts are
    whole clusters, as the clusters list would show them once the rule is saved and every
    council re-checked.
    """
    types = {t.pk: t for t in InspectionType.objects.only("code", "family", "is_formal", "name")}
    some_day = date(2000, 1, 1)
    counted = [
        pk
        for pk, t in types.items()
        if spec.counts(EventPoint(0, t.code, t.family, t.is_formal, some_day, some_day, some_day))
    ]
    rows = list(
        InspectionEvent.objects.filter(inspection_type_id__in=counted)
        .order_by()
        .values_list(
            "pk",
            "council_id",
            "inspection_type_id",
            "on_site_start",
            "on_site_end",
            "notified_on",
            "dates_estimated",
        )
    )
    points: dict[int, list[EventPoint]] = {}
    for pk, council_id, type_id, start, end, notified, estimated in rows:
        t = types[type_id]
        points.setdefault(council_id, []).append(
            EventPoint(pk, t.code, t.family, t.is_formal, start, end, notified, estimated)
        )
    found = [
        (council_id, detected)
        for council_id, council_points in points.items()
        for detected in detect_clusters(council_points, spec)
    ]
    found.sort(key=lambda item: (item[1].last_date, item[1].first_date), reverse=True)
    shown = found[:PREVIEW_ROWS]
    councils = {
        c.pk: c
        for c in Council.objects.filter(pk__in={council_id for council_id, _ in shown}).only(
            "name", "slug"
        )
    }
    wanted = {pk for _, detected in shown for pk in detected.event_ids}
    type_of = {pk: types[type_id].name for pk, _, type_id, *_ in rows if pk in wanted}
    return RulePreview(
        clusters=len(found),
        councils=len({council_id for council_id, _ in found}),
        rows=[
            PreviewCluster(
                council_name=councils[council_id].name,
                council_slug=councils[council_id].slug,
                first_date=detected.first_date,
                last_date=detected.last_date,
                events=[
                    (anchor, type_of[pk])
                    for pk, anchor in zip(detected.event_ids, detected.anchor_dates, strict=True)
                ],
            )
            for council_id, detected in shown
        ],
        saved_clusters=Cluster.objects.filter(rule=rule).count() if rule and rule.pk else None,
    )


def cluster_sweep_latest() -> ClusterSweep | None:
    """The last recorded sweep of every council (latest ``finished_at``), or None if none was
    ever recorded. One query on the ``finished_at`` index."""
    return ClusterSweep.objects.order_by("-finished_at").first()

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

from ..models import Cluster, ClusterRule, InspectionEvent

_HOURS = DecimalField(max_digits=12, decimal_places=2)


@dataclass(frozen=True)
class ClusterMember:
    event: InspectionEvent
    anchor: date | None  # the date the rule measures by
    gap_days: int | None  # days since the previous member; None for the first


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


def cluster_members(cluster: Cluster) -> list[ClusterMember]:
    """The member events in the rule's date order, each with the gap since the previous one."""
    anchor = "notified_on" if cluster.rule.anchor == ClusterRule.Anchor.NOTIFIED_ON else None
    events = list(cluster.events.all())
    if anchor:
        events.sort(key=lambda e: (e.notified_on or e.on_site_start, e.pk))
    members, previous = [], None
    for event in events:
        day = getattr(event, anchor) if anchor else event.on_site_start
        gap = (day - previous).days if previous and day else None
        members.append(ClusterMember(event=event, anchor=day, gap_days=gap))
        previous = day
    return members


def clusters_with_members(clusters) -> list[Cluster]:
    """The clusters as a list, each with ``members`` and ``gaps`` (one query for all members)."""
    clusters = list(clusters.prefetch_related(_members_prefetch()))
    for cluster in clusters:
        cluster.members = cluster_members(cluster)
        cluster.gaps = [m.gap_days for m in cluster.members if m.gap_days is not None]
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

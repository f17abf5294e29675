"""Clusters in the database: re-check councils, keep the rows in step, alert once.

The arithmetic lives in :mod:`inspections.clustering` (pure, no database). This module loads
councils' events, calls :func:`detect_clusters` once per active rule and council, and makes the
``Cluster`` rows match what it found:

- a cluster's identity is its rule and member set (``member_key``): a cluster found again keeps
  its row, its acknowledgement and its alert; its dates and totals are refreshed;
- a cluster no longer found (an event deleted, moved or re-typed, a rule changed or switched off)
  is resolved: hidden, its members unlinked and its notices deleted, but its row kept, so that
  if the same members are found again under the same rule (the rule or the event changed back)
  the row comes back with its acknowledgement and is not alerted a second time;
- a newly found cluster alerts the council's editors and every LGA officer, by e-mail and by an
  in-app notice, exactly once: the alert is claimed with a conditional UPDATE on ``alerted_at``,
  so a re-run, a retry after a crash or a second worker never sends it again.

Each batch of councils is re-checked in one transaction that first locks the councils' rows,
so two workers re-checking the same council queue up instead of writing over each other.
"""

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone

from councils.models import Council, CouncilMembership

from ..clustering import DetectedCluster, EventPoint, RuleSpec, cluster_key, detect_clusters
from ..forecast import FORECAST_ALL_TASK
from ..models import (
    Cluster,
    ClusterRule,
    ClusterSweep,
    InspectionEvent,
    InspectionType,
    Notice,
    StaffTime,
    span_in_words,
)
from ..outbox import outbox_record
from . import clusters_or_forecast_changed

logger = logging.getLogger(__name__)

# Councils re-checked per transaction by the sweep. England's 153 fit in one batch: a few
# queries for the country, and the councils' rows stay locked for well under a second.
SWEEP_BATCH_SIZE = 200
# Finished sweeps kept in the database (a month of nightly sweeps): /healthz reads the latest;
# the others tell an operator looking at the table when sweeps ran, or stopped.
CLUSTER_SWEEPS_KEPT = 30
# IN lists are cut to this length: SQLite refuses statements with too many parameters.
_IN_CHUNK = 900
_ZERO = Decimal("0")
_HUNDREDTH = Decimal("0.01")
_MEMBER_KEY_MAX = Cluster._meta.get_field("member_key").max_length
_CLUSTER_FIGURES = [
    "council_id",
    "first_date",
    "last_date",
    "span_days",
    "event_count",
    "total_staff_hours",
    "on_site_days",
]
_FIGURES_BUT_HOURS = [name for name in _CLUSTER_FIGURES if name != "total_staff_hours"]
# Whether a row was alerted and whether it is resolved are all the re-check needs of those two
# times: read as flags, so that no timestamp is parsed for each of England's clusters.
_IDENTITY_FIELDS = ("pk", "rule_id", "member_key", "is_alerted", "is_resolved")
_IDENTITY_FLAGS = {
    "is_alerted": ExpressionWrapper(Q(alerted_at__isnull=False), output_field=BooleanField()),
    "is_resolved": ExpressionWrapper(Q(resolved_at__isnull=False), output_field=BooleanField()),
}
# Read per event: id, council, type, on-site start and end, date notified, on-site days.
_EVENT_FIELDS = (
    "id",
    "council_id",
    "inspection_type_id",
    "on_site_start",
    "on_site_end",
    "notified_on",
    "on_site_days",
    "dates_estimated",
)


@dataclass
class RecheckResult:
    """What a re-check or a sweep changed (returned by the tasks, printed by the commands)."""

    councils: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    alerted: int = 0

    def add(self, other: "RecheckResult") -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


@dataclass(frozen=True)
class _Rule:
    pk: int
    name: str
    severity: str
    anchor: str
    spec: RuleSpec


@dataclass(frozen=True)
class _Type:
    code: str
    family: str
    is_formal: bool
    name: str


@dataclass(frozen=True)
class _Rules:
    """The active rules, the inspection types, and which types some rule may count."""

    rules: list[_Rule]
    types: dict[int, _Type]
    counted_type_ids: frozenset[int]


@dataclass
class _Found:
    """A cluster the detection found, with the figures its row must hold."""

    council_id: int
    rule: _Rule
    detected: DetectedCluster
    key: str
    figures: dict = field(default_factory=dict)


def member_key(event_ids: Iterable[int]) -> str:
    """The stored identity of a member set: the pure ``cluster_key``, or its digest if too long."""
    key = cluster_key(event_ids)
    if len(key) <= _MEMBER_KEY_MAX:
        return key
    # A rule that counts frequent visits (children's homes, say) can chain hundreds of events;
    # a digest of the full key is as stable and as unique, and fits the column.
    count = key.count("-") + 1
    return f"sha256:{hashlib.sha256(key.encode()).hexdigest()}:{count}"


def rules_active() -> _Rules:
    """The active rules as pure specs (a rule's types are its extra type codes)."""
    # One row per active rule and type it names (one with None for a rule that names none):
    # two queries in all with the types below, as the sweep runs this each time.
    fields = ("pk", "name", "severity", "anchor", "window_days", "min_events", "formal_only")
    fields += ("families", "counts_estimated_dates", "inspection_types__code")
    rows: dict[int, tuple] = {}
    codes_of_rule: dict[int, set[str]] = defaultdict(set)
    for *rule, code in (
        ClusterRule.objects.filter(is_active=True).order_by("pk").values_list(*fields)
    ):
        rows[rule[0]] = rule
        if code is not None:
            codes_of_rule[rule[0]].add(code)
    rules = []
    for pk, name, severity, anchor, window, minimum, formal, families, estimated in rows.values():
        spec = RuleSpec(
            window_days=window,
            min_events=minimum,
            anchor=anchor,
            formal_only=formal,
            families=frozenset(families or ()),
            type_codes=frozenset(codes_of_rule[pk]),
            counts_estimated=estimated,
        )
        rules.append(_Rule(pk, name, severity, anchor, spec))
    types = {
        pk: _Type(*values)
        for pk, *values in InspectionType.objects.values_list(
            "pk", "code", "family", "is_formal", "name"
        )
    }
    # Whether a rule counts an event depends on its type, and on its anchor date being known.
    # Asking each rule about a sample event of each type (with every date known) gives the
    # types worth reading from the database: most events are visits to children's homes,
    # which no default rule counts. The pure function still decides for each real event.
    day = date(2000, 1, 1)
    counted = frozenset(
        pk
        for pk, t in types.items()
        if any(
            rule.spec.counts(EventPoint(0, t.code, t.family, t.is_formal, day, day, day))
            for rule in rules
        )
    )
    return _Rules(rules, types, counted)


def council_clusters_recheck(*, council_id: int, alert: bool = True) -> RecheckResult:
    """Make one council's clusters match its events, and alert new ones. Safe to run twice."""
    return _recheck_batch([council_id], rules_active(), alert=alert)


def clusters_sweep(
    *,
    alert: bool = True,
    refresh_hours: bool = False,
    batch_size: int = SWEEP_BATCH_SIZE,
    council_ids: Sequence[int] | None = None,
) -> RecheckResult:
    """Re-check every council (or the given ones), a batch per transaction.

    Idempotent: a sweep interrupted part-way and run again ends with the same rows, and the
    alerts claimed before the interruption are not sent again.

    ``alert=False`` records new clusters as already alerted without telling anyone: for loading
    history in bulk (demo data, imports of published reports), where a flood of e-mails about
    past years would help nobody.

    Staff hours are summed for new clusters only unless ``refresh_hours``: every write of staff
    time in the app (pages, admin, imports through the services) re-checks its council, hours
    included, so the nightly sweep need not read two million staff-time rows to find nothing
    changed. Bulk loads that replace staff time directly pass ``refresh_hours=True``.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    rules = rules_active()
    ids = (
        sorted(council_ids)
        if council_ids is not None
        else list(Council.objects.order_by("pk").values_list("pk", flat=True))
    )
    result = RecheckResult()
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        result.add(_recheck_batch(batch, rules, alert=alert, refresh_hours=refresh_hours))
    if council_ids is None:
        clusters_sweep_finished(councils=len(ids))
    return result


def clusters_sweep_finished(*, councils: int, when: datetime | None = None) -> None:
    """Record that a sweep of every council finished at ``when`` (now by default): a
    :class:`ClusterSweep` row, read by ``/healthz``; only the latest :data:`CLUSTER_SWEEPS_KEPT`
    are kept. Called by :func:`clusters_sweep` once every batch is done.

    Never raises: failing to record the sweep must not fail the sweep (the health check then
    goes red, as it should). The row is written in a transaction of its own, a
    savepoint when the caller holds one (seeding the demo sweeps inside its own transaction):
    so it commits or rolls back with the sweep's writes, and a failed write rolls back only
    itself instead of leaving the caller's transaction unusable.
    """
    try:
        with transaction.atomic():
            ClusterSweep.objects.create(finished_at=when or timezone.now(), councils=councils)
            older = ClusterSweep.objects.order_by("-finished_at", "-pk").values_list(
                "pk", flat=True
            )[CLUSTER_SWEEPS_KEPT:]
            ClusterSweep.objects.filter(pk__in=list(older)).delete()
    except Exception:
        logger.exception("The cluster sweep of %d councils finished but was not recorded", councils)


SWEEP_TASK = "inspections.tasks.sweep_all_councils"


def clusters_sweep_record() -> None:
    """Record a sweep of every council in the outbox: sent once the transaction commits, and
    sent again by the drain until it has run (see :mod:`inspections.outbox`)."""
    with transaction.atomic():
        outbox_record(SWEEP_TASK)


def cluster_rules_changed() -> None:
    """A rule was added, changed or deleted: every council is re-checked once it commits, and
    every council's forecast recomputed (forecast clashes follow the same rules)."""
    clusters_sweep_record()
    with transaction.atomic():
        outbox_record(FORECAST_ALL_TASK, True)
        # A deleted rule's clusters went with it: the sweep will find nothing to change.
        clusters_or_forecast_changed()


def cluster_rule_save(
    *, rule: ClusterRule, inspection_types: Iterable[InspectionType]
) -> ClusterRule:
    """Save a cluster rule and the inspection types it counts, then re-check every council and
    recompute the forecasts (:func:`cluster_rules_changed`, through the outbox: done even if the
    broker is down when the rule is saved). All or nothing; raises ValidationError (naming the
    field) for a rule the model refuses, such as a name another rule has."""
    with transaction.atomic():
        rule.full_clean()
        rule.save()
        rule.inspection_types.set(list(inspection_types))
        cluster_rules_changed()
    return rule


def cluster_acknowledge(*, cluster: Cluster, user, note: str) -> Cluster:
    """Record that the council or the LGA has seen the cluster, with an optional note."""
    now = timezone.now()
    note = note.strip()
    # An UPDATE of these columns only: a re-check running at the same time refreshes the
    # figures of the same row and must not undo the acknowledgement, nor be undone by it.
    changed = Cluster.objects.filter(pk=cluster.pk).update(
        acknowledged_by=user, acknowledged_at=now, acknowledgement_note=note
    )
    if not changed:
        raise ValidationError(
            "This cluster no longer exists: one of its inspections was changed or deleted."
        )
    clusters_or_forecast_changed(council_ids=[cluster.council_id])
    cluster.acknowledged_by, cluster.acknowledged_at, cluster.acknowledgement_note = user, now, note
    return cluster


class NoticeList(list):
    """The notices shown on one page; ``more`` counts the unseen ones beyond them."""

    more = 0


def notices_take_unseen(*, user, limit: int = 5) -> NoticeList:
    """The user's newest unseen notices, marked seen because they are about to be shown."""
    unseen = Notice.objects.filter(user=user, seen_at__isnull=True)
    shown = NoticeList(unseen.select_related("cluster").order_by("-created_at", "-pk")[:limit])
    if shown:
        if len(shown) == limit:
            shown.more = unseen.count() - limit
        unseen.update(seen_at=timezone.now())
    return shown


# --- The re-check -------------------------------------------------------------------------------


def _chunks(values: Sequence, size: int = _IN_CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _recheck_batch(
    council_ids: Sequence[int], rules: _Rules, *, alert: bool, refresh_hours: bool = True
) -> RecheckResult:
    result = RecheckResult()
    with transaction.atomic():
        councils = dict(
            Council.objects.select_for_update()
            .filter(pk__in=council_ids)
            .order_by("pk")
            .values_list("pk", "name")
        )
        if not councils:
            return result  # deleted since the task was queued: nothing to do
        result.councils = len(councils)
        events = _events_of(councils, rules)
        found = _detect(events, rules)
        # Hours are summed from staff time, the costly part: for every cluster when a council
        # changed, only for new clusters in the nightly sweep (see clusters_sweep).
        compared = _CLUSTER_FIGURES if refresh_hours else _FIGURES_BUT_HOURS
        fields = (*_IDENTITY_FIELDS, *compared)
        existing = {
            (row[1], row[2]): row
            for row in Cluster.all_objects.filter(council_id__in=list(councils))
            .order_by()
            .annotate(**_IDENTITY_FLAGS)
            .values_list(*fields)
        }
        missing = [key for key in found if key not in existing]
        if missing:
            # The same member set can be on another council's row when events moved council
            # in bulk: adopt that row (identity is rule and members) rather than collide.
            for keys in _chunks(sorted({member for _, member in missing})):
                for row in (
                    Cluster.all_objects.filter(member_key__in=keys)
                    .annotate(**_IDENTITY_FLAGS)
                    .values_list(*fields)
                ):
                    if (row[1], row[2]) in found:
                        existing[(row[1], row[2])] = row
        # Hours of new and of revived clusters always (their stored hours may be stale).
        _figures(
            found,
            events,
            [k for k in found if refresh_hours or k not in existing or existing[k][4]],
        )

        now = timezone.now()
        stale = [row[0] for key, row in existing.items() if key not in found and not row[4]]
        if stale:
            Cluster.all_objects.filter(pk__in=stale).update(resolved_at=now)
            Cluster.events.through.objects.filter(cluster_id__in=stale).delete()
            Notice.objects.filter(cluster_id__in=stale).delete()
            result.deleted = len(stale)

        to_update, to_create, unalerted, revived = [], [], [], []
        by_pk: dict[int, _Found] = {}
        for key, wanted in found.items():
            row = existing.get(key)
            if row is None:
                to_create.append(
                    Cluster(
                        rule_id=wanted.rule.pk,
                        member_key=wanted.key,
                        alerted_at=None if alert else now,
                        **wanted.figures,
                    )
                )
                continue
            by_pk[row[0]] = wanted
            if not row[3]:
                unalerted.append(row[0])
            if row[4]:
                # Found again: back with its acknowledgement and alert, and its members.
                revived.append(Cluster(pk=row[0], rule_id=row[1], member_key=row[2]))
                continue
            # The stored figures, in the order of ``compared``, against the wanted ones.
            if row[5:] != tuple(map(wanted.figures.__getitem__, compared)):
                to_update.append(Cluster(pk=row[0], **{n: wanted.figures[n] for n in compared}))
        if to_update:
            Cluster.all_objects.bulk_update(to_update, compared, batch_size=500)
            result.updated = len(to_update)
        if revived:
            for cluster in revived:
                for name, value in by_pk[cluster.pk].figures.items():
                    setattr(cluster, name, value)
            Cluster.all_objects.bulk_update(
                revived, [*_CLUSTER_FIGURES, "resolved_at"], batch_size=500
            )
            result.updated += len(revived)
            _members_add(revived, found)
        if to_create:
            _create(to_create, found)
            result.created = len(to_create)
            by_pk.update({c.pk: found[(c.rule_id, c.member_key)] for c in to_create})
        if stale or to_update or revived or to_create:
            clusters_or_forecast_changed(council_ids=councils)

        if not alert:
            if unalerted:
                Cluster.objects.filter(pk__in=unalerted, alerted_at__isnull=True).update(
                    alerted_at=now
                )
            return result
        claimed = {
            pk: by_pk[pk]
            for pk in [c.pk for c in to_create] + unalerted
            # The claim: only the one transaction whose UPDATE finds alerted_at still empty
            # alerts. A concurrent worker's UPDATE waits on the row lock, then matches nothing.
            if Cluster.objects.filter(pk=pk, alerted_at__isnull=True).update(alerted_at=now)
        }
        if claimed:
            result.alerted = len(claimed)
            messages = _alerts_record(claimed, councils, events, rules.types)
            if messages:
                transaction.on_commit(lambda: emails_send(messages))
    return result


def _events_of(councils: dict[int, str], rules: _Rules) -> dict[int, tuple]:
    """The events of these councils of a type some rule may count, as ``_EVENT_FIELDS``."""
    if not rules.counted_type_ids:
        return {}
    rows = (
        InspectionEvent.objects.filter(
            council_id__in=list(councils), inspection_type_id__in=sorted(rules.counted_type_ids)
        )
        .order_by()  # the default ordering joins the councils and sorts: not needed here
        .values_list(*_EVENT_FIELDS)
    )
    return {row[0]: row for row in rows}


def _detect(events: dict[int, tuple], rules: _Rules) -> dict[tuple[int, str], _Found]:
    points = defaultdict(list)
    types = rules.types
    for pk, council_id, type_id, start, end, notified, _, estimated in events.values():
        t = types[type_id]
        points[council_id].append(
            EventPoint(pk, t.code, t.family, t.is_formal, start, end, notified, estimated)
        )
    found = {}
    for council_id, council_points in points.items():
        for rule in rules.rules:
            for detected in detect_clusters(council_points, rule.spec):
                key = member_key(detected.event_ids)
                found[(rule.pk, key)] = _Found(council_id, rule, detected, key)
    return found


def _figures(
    found: dict[tuple[int, str], _Found], events: dict[int, tuple], with_hours: list
) -> None:
    """Fill in each cluster's dates and totals, and the staff hours of the ``with_hours``
    clusters only (the others' hours are neither written nor compared: a KeyError, never a
    wrong figure, if that changes)."""
    members = sorted({pk for key in with_hours for pk in found[key].detected.event_ids})
    hours: dict[int, Decimal] = {}
    for ids in _chunks(members):
        hours.update(
            StaffTime.objects.filter(event_id__in=ids)
            .order_by()
            .values("event_id")
            .annotate(total=Sum("hours"))
            .values_list("event_id", "total")
        )
    for item in found.values():
        ids = item.detected.event_ids
        item.figures = {
            "council_id": item.council_id,
            "first_date": item.detected.first_date,
            "last_date": item.detected.last_date,
            "span_days": item.detected.span_days,
            "event_count": len(ids),
            "on_site_days": sum(events[pk][6] for pk in ids),
        }
    for key in with_hours:
        ids = found[key].detected.event_ids
        total_hours = sum((hours.get(pk, _ZERO) for pk in ids), _ZERO)
        found[key].figures["total_staff_hours"] = total_hours.quantize(_HUNDREDTH)


def _create(clusters: list[Cluster], found: dict[tuple[int, str], _Found]) -> None:
    Cluster.objects.bulk_create(clusters, batch_size=500)
    if any(c.pk is None for c in clusters):  # databases that cannot return the new ids
        ids = {}
        for keys in _chunks([c.member_key for c in clusters]):
            ids.update(
                {
                    (rule_id, key): pk
                    for pk, rule_id, key in Cluster.objects.filter(member_key__in=keys).values_list(
                        "pk", "rule_id", "member_key"
                    )
                }
            )
        for c in clusters:
            c.pk = ids[(c.rule_id, c.member_key)]
    _members_add(clusters, found)


def _members_add(clusters: list[Cluster], found: dict[tuple[int, str], _Found]) -> None:
    Member = Cluster.events.through
    Member.objects.bulk_create(
        [
            Member(cluster_id=c.pk, inspectionevent_id=event_id)
            for c in clusters
            for event_id in found[(c.rule_id, c.member_key)].detected.event_ids
        ],
        batch_size=2000,
    )


# --- Alerts -------------------------------------------------------------------------------------


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _alerts_record(
    claimed: dict[int, _Found],
    councils: dict[int, str],
    events: dict[int, tuple],
    types: dict[int, _Type],
) -> list[EmailMessage]:
    """Write a notice per recipient and cluster; return the e-mails to send after commit."""
    recipients_of = alert_recipients({item.council_id for item in claimed.values()})
    notices, messages = [], []
    for pk, item in claimed.items():
        council = councils[item.council_id]
        summary = (
            f"{item.rule.name}: {len(item.detected.event_ids)} inspections of {council} "
            f"{span_in_words(item.detected.span_days)} ({_day(item.detected.first_date)} to "
            f"{_day(item.detected.last_date)})."
        )
        recipients = recipients_of(item.council_id)
        notices.extend(
            Notice(user_id=user_id, cluster_id=pk, message=summary[:500]) for user_id in recipients
        )
        addresses = sorted({email for email in recipients.values() if email})
        if not addresses:
            continue
        gaps = (None, *item.detected.gaps_days)
        body = render_to_string(
            "inspections/clusters/alert_email.txt",
            {
                "summary": summary,
                "council": council,
                "rule": item.rule,
                "members": [
                    {"name": types[events[event_id][2]].name, "date": anchor, "gap_days": gap}
                    for event_id, anchor, gap in zip(
                        item.detected.event_ids, item.detected.anchor_dates, gaps, strict=True
                    )
                ],
                "anchor_label": "notified" if item.rule.anchor == "notified_on" else "on site from",
                "link": settings.SITE_URL.rstrip("/") + Cluster(pk=pk).get_absolute_url(),
            },
        )
        subject = f"Inspections too close together: {council} ({item.rule.name})"
        # One message per person, so that nobody sees the others' addresses.
        messages.extend(EmailMessage(subject, body, to=[address]) for address in addresses)
    # ignore_conflicts: a notice already written for this user and cluster stays the only one.
    Notice.objects.bulk_create(notices, batch_size=1000, ignore_conflicts=True)
    return messages


def alert_recipients(council_ids) -> Callable[[int], dict[int, str]]:
    """Who is told about a council's clusters (and forecast clashes): its active editors and
    every active LGA officer. Returns a function of the council's id giving {user id: e-mail}."""
    editors = defaultdict(dict)
    for council_id, user_id, email in CouncilMembership.objects.filter(
        council_id__in=set(council_ids), role=CouncilMembership.Role.EDITOR, user__is_active=True
    ).values_list("council_id", "user_id", "user__email"):
        editors[council_id][user_id] = email
    officers = dict(
        get_user_model()
        .objects.filter(lga_officer__isnull=False, is_active=True)
        .values_list("pk", "email")
    )
    return lambda council_id: {**officers, **editors[council_id]}


def emails_send(messages: list[EmailMessage], *, what: str = "cluster alert") -> None:
    """Send alert e-mails after their claim committed: a crash or a mail server failure here
    loses e-mails rather than sending them twice; the notices remain."""
    try:
        with get_connection() as connection:
            connection.send_messages(messages)
    except Exception:
        logger.exception("Could not send %d %s e-mails", len(messages), what)

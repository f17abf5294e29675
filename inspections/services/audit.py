"""Audit writes: bulk deletes that keep their history, and restoring a deleted event.

The history itself is django-simple-history's (``history = HistoricalRecords()`` on events,
staff time, cluster rules, councils and memberships): every save and delete through the ORM
records who (``HistoryRequestMiddleware`` on pages; the importing user in imports), when and
the row as it then was. Bulk writes record theirs through the library's
``bulk_create_with_history`` / ``bulk_update_with_history``, and bulk deletes through
:func:`bulk_delete_with_history` here (one INSERT per batch instead of one per row).

Demo data is replaced by ``seed_demo`` without history (:func:`bulk_delete_without_history`):
it is invented, and recording a national seed's two million rows would help nobody.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..models import InspectionEvent, StaffTime
from . import council_changed, event_prepare

# Staff time deleted with its event (a cascade) is recorded within moments of the event.
_CASCADE_WINDOW = timedelta(minutes=1)


def bulk_delete_with_history(queryset: QuerySet, *, user=None, reason: str = "") -> int:
    """Delete the rows of ``queryset`` (a model with history and no dependent rows), recording
    a "deleted" history row for each in one batch. Returns how many were deleted."""
    model = queryset.model
    history = model.history.model
    now = timezone.now()
    rows = list(queryset.order_by("pk"))
    history.objects.bulk_create(
        [
            history(
                history_date=now,
                history_user=user if user is not None and user.is_authenticated else None,
                history_change_reason=reason or None,
                history_type="-",
                **{field.attname: getattr(row, field.attname) for field in history.tracked_fields},
            )
            for row in rows
        ],
        batch_size=1000,
    )
    return bulk_delete_without_history(model.objects.filter(pk__in=[row.pk for row in rows]))


def bulk_delete_without_history(queryset: QuerySet) -> int:
    """Delete rows with one DELETE, no signals and no history: only for rows with no
    dependent rows of their own (staff time), or demo data."""
    return queryset._raw_delete(queryset.db)


def events_deleted() -> QuerySet:
    """The last "deleted" history row of each event that does not exist now, newest first."""
    History = InspectionEvent.history.model
    return (
        History.objects.filter(history_type="-")
        .exclude(id__in=InspectionEvent.objects.values("pk"))
        .select_related("history_user", "council", "inspection_type")
        .order_by("-history_date", "-history_id")
    )


def staff_time_deleted_with(record) -> list:
    """The staff-time entries deleted with the event of this "deleted" history row."""
    History = StaffTime.history.model
    latest = {}
    for entry in History.objects.filter(
        event_id=record.id,
        history_type="-",
        history_date__gte=record.history_date - _CASCADE_WINDOW,
        history_date__lte=record.history_date + _CASCADE_WINDOW,
    ).order_by("history_date", "history_id"):
        latest[entry.id] = entry  # the last deletion of each entry
    existing = set(StaffTime.objects.filter(pk__in=list(latest)).values_list("pk", flat=True))
    return [entry for pk, entry in sorted(latest.items()) if pk not in existing]


@transaction.atomic
def event_restore(*, history_id: int, user) -> InspectionEvent:
    """Put back a deleted event, with the staff time deleted with it, as they were.

    ``history_id`` is the event's "deleted" history row (:func:`events_deleted`). The event
    keeps its id, so links to it work again. Raises ValidationError if it exists again, or if
    another event of the same council, type and on-site start has been logged since.
    """
    History = InspectionEvent.history.model
    record = History.objects.filter(history_id=history_id, history_type="-").first()
    if record is None:
        raise ValidationError("There is no deleted event with that history entry.")
    if InspectionEvent.objects.filter(pk=record.id).exists():
        raise ValidationError("This event has been restored already.")
    event = record.instance
    event.version += 1
    event_prepare(event)  # the unique rule: no other event has taken its place since
    event._change_reason = "Restored after deletion"
    event.save(force_insert=True)
    # auto_now_add stamps them anew on insert: put back when they were first created.
    InspectionEvent.objects.filter(pk=event.pk).update(created_at=record.created_at)
    for deleted in staff_time_deleted_with(record):
        entry = deleted.instance
        entry._change_reason = "Restored with its event"
        entry.save(force_insert=True)
        StaffTime.objects.filter(pk=entry.pk).update(created_at=deleted.created_at)
    council_changed(event.council_id)
    return event

"""Writes for inspection events and staff time.

Every write goes through here so that the same rules apply to the pages, the imports and the
demo data: the model's validation (``full_clean``: its ``clean`` and its database constraints),
the on-site working days, and the follow-up work queued after the transaction commits
(re-checking the council's clusters, dropping cached dashboard figures).
"""

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

from ..models import InspectionEvent, StaffTime
from ..workdays import working_days

DASHBOARD_GENERATION_KEY = "dashboards:generation"


def dashboards_invalidate() -> None:
    """Make every cached dashboard figure stale (selectors key their cache on the generation)."""
    try:
        cache.incr(DASHBOARD_GENERATION_KEY)
    except ValueError:
        cache.set(DASHBOARD_GENERATION_KEY, 1, timeout=None)


def council_changed(council_id: int) -> None:
    """Queue the follow-up work for a change to a council's events, once the change commits."""
    from ..tasks import recheck_council  # the task module imports services

    transaction.on_commit(dashboards_invalidate)
    transaction.on_commit(lambda: recheck_council.delay(council_id))


def event_prepare(event: InspectionEvent) -> InspectionEvent:
    """Derive the stored figures of an event and validate it, without saving."""
    if event.on_site_start and event.on_site_end:
        event.on_site_days = working_days(event.on_site_start, event.on_site_end)
    event.full_clean()
    return event


@transaction.atomic
def event_save(*, event: InspectionEvent, user=None) -> InspectionEvent:
    """Validate and save a new or changed event. Raises ValidationError, saving nothing."""
    if event.pk is None and user is not None and user.is_authenticated:
        event.created_by = user
    previous_council_id = (
        InspectionEvent.objects.filter(pk=event.pk).values_list("council_id", flat=True).first()
        if event.pk
        else None
    )
    event_prepare(event)
    event.save()
    council_changed(event.council_id)
    if previous_council_id and previous_council_id != event.council_id:
        council_changed(previous_council_id)
    return event


@transaction.atomic
def event_delete(*, event: InspectionEvent) -> None:
    council_id = event.council_id
    event.delete()
    council_changed(council_id)


@transaction.atomic
def events_delete(*, events) -> None:
    """Delete many events (the admin's bulk action): each council's follow-up queued once."""
    council_ids = set(events.values_list("council_id", flat=True))
    events.delete()
    for council_id in sorted(council_ids):
        council_changed(council_id)


@transaction.atomic
def staff_time_save(
    *,
    event: InspectionEvent,
    entries: Iterable[StaffTime],
    deleted: Iterable[StaffTime] = (),
    user=None,
) -> list[StaffTime]:
    """Save a batch of staff-time entries of one event, all or none."""
    saved = []
    for entry in deleted:
        if entry.pk:
            entry.delete()
    for entry in entries:
        entry.event = event
        if entry.pk is None and user is not None and user.is_authenticated:
            entry.created_by = user
        entry.full_clean()
        entry.save()
        saved.append(entry)
    council_changed(event.council_id)
    return saved

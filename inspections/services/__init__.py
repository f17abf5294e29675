"""Writes for inspection events and staff time.

Every write goes through here so that the same rules apply to the pages, the imports and the
demo data: the model's validation (``full_clean``: its ``clean`` and its database constraints),
the on-site working days, and the follow-up work recorded in the transaction's outbox
(re-checking the council's clusters) and done after it commits (dropping cached dashboard
figures). Neither needs Redis to be up: a save stands whatever happens after it.
"""

import logging
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

from ..forecast import FORECAST_COUNCIL_TASK
from ..models import InspectionEvent, StaffTime
from ..outbox import outbox_record
from ..workdays import working_days

logger = logging.getLogger(__name__)

DASHBOARD_GENERATION_KEY = "dashboards:generation"
RECHECK_COUNCIL_TASK = "inspections.tasks.recheck_council"
DASHBOARDS_INVALIDATE_TASK = "inspections.tasks.dashboards_invalidate_later"
WARM_DASHBOARDS_TASK = "inspections.tasks.warm_dashboards"
# A short delay lets a burst of writes end before one warm-up follows them.
WARM_AFTER_SECONDS = 1


def dashboards_invalidate() -> bool:
    """Make every cached dashboard figure stale (selectors key their cache on the generation).

    Returns False when the cache could not be reached (its errors are logged, not raised, see
    ``CACHES``): the bump is then recorded in the outbox, so that figures cached before an
    outage are not served after it.
    """
    try:
        bumped = cache.incr(DASHBOARD_GENERATION_KEY)
    except ValueError:  # no generation yet
        bumped = cache.add(DASHBOARD_GENERATION_KEY, 1, timeout=None) or cache.get(
            DASHBOARD_GENERATION_KEY
        )
    return bumped is not None and bumped is not False


def _dashboards_invalidate_or_record() -> None:
    if not dashboards_invalidate():
        logger.warning("The cache is unreachable: cached dashboards will be dropped later")
        with transaction.atomic():
            outbox_record(DASHBOARDS_INVALIDATE_TASK)
        return
    dashboards_warm()


def dashboards_warm() -> None:
    """Have a worker draw the default dashboards of the new generation ahead of visitors.

    Only with a worker: run eagerly (the embedded default) it would make each save draw twenty
    pages. Best effort, never raises: a warm-up lost to a broker outage only means the first
    visitor draws the page (inspections.dashboard_cache).
    """
    from burden.celery import app

    if app.conf.task_always_eager:
        return
    generation = cache.get(DASHBOARD_GENERATION_KEY)
    if generation is None:
        return
    try:
        app.send_task(WARM_DASHBOARDS_TASK, args=[generation], countdown=WARM_AFTER_SECONDS)
    except Exception:
        logger.warning("Could not queue the dashboards' warm-up", exc_info=True)


def dashboards_changed() -> None:
    """Drop cached dashboard figures once the current transaction commits (never raises)."""
    transaction.on_commit(_dashboards_invalidate_or_record, robust=True)


def council_changed(council_id: int) -> None:
    """Record the follow-up work for a change to a council's events, in the change's transaction.

    The council's cluster re-check and forecast are outbox entries (see
    :mod:`inspections.outbox`): sent to a worker once the change commits, and sent again by the
    beat's drain if that send fails.
    """
    dashboards_changed()
    outbox_record(RECHECK_COUNCIL_TASK, council_id)
    outbox_record(FORECAST_COUNCIL_TASK, council_id)


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
    """Delete many events (the admin's bulk action): each council's follow-up recorded once."""
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

"""Writes for inspection events and staff time.

Every write goes through here so that the same rules apply to the pages, the imports and the
demo data: the model's validation (``full_clean``: its ``clean`` and its database constraints),
the on-site working days, and the follow-up work recorded in the transaction's outbox
(re-checking the council's clusters) and done after it commits (dropping cached dashboard
figures). Neither needs Redis to be up: a save stands whatever happens after it.
"""

import logging
import time
from collections.abc import Iterable

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..forecast import FORECAST_COUNCIL_TASK
from ..models import InspectionEvent, StaffTime
from ..outbox import outbox_record
from ..workdays import working_days

logger = logging.getLogger(__name__)

DASHBOARD_GENERATION_KEY = "dashboards:generation"
# Bumped when clusters or forecasts are written (by the worker's re-checks and recomputations,
# after the write that caused them has bumped DASHBOARD_GENERATION_KEY): the council page's
# cached clusters and forecast are keyed on both.
DERIVED_GENERATION_KEY = "dashboards:derived-generation"
# The same for one council's clusters and forecast (its page's section of them).
DERIVED_COUNCIL_GENERATION_KEY = "dashboards:derived-generation:{council_id}"
# Up to this many councils' clusters or forecasts changed at once are made stale on their own
# pages one by one; more (a sweep, every forecast) make every council's page stale at once.
DERIVED_COUNCILS_ONE_BY_ONE = 20
# Bumped by a write that may change every council's pages (cost rates, demo data, a load of
# published history, a change recorded while the cache was down); a write to one council's
# events or staff time bumps that council's COUNCIL_GENERATION_KEY instead. A council's own
# page is keyed on both (``selectors.burden.council_generation``), so a save in one council
# does not make every other council's page be drawn again.
WIDE_GENERATION_KEY = "dashboards:wide-generation"
COUNCIL_GENERATION_KEY = "dashboards:council-generation:{council_id}"
# When a council's events or staff time were last written (epoch seconds): its page's burden
# section reads the dashboards' shared figures unless it changed since they were taken.
COUNCIL_WRITTEN_AT_KEY = "dashboards:council-written-at:{council_id}"
RECHECK_COUNCIL_TASK = "inspections.tasks.recheck_council"
RECHECK_COUNCILS_QUIETLY_TASK = "inspections.tasks.recheck_councils_quietly"
DASHBOARDS_INVALIDATE_TASK = "inspections.tasks.dashboards_invalidate_later"
WARM_DASHBOARDS_TASK = "inspections.tasks.warm_dashboards"
WARM_QUEUED_KEY = "dashboards-warm-queued"


def dashboards_invalidate() -> bool:
    """Make every cached dashboard figure stale (selectors key their cache on the generation).

    Returns False when the cache could not be reached (its errors are logged, not raised, see
    ``CACHES``): the bump is then recorded in the outbox, so that figures cached before an
    outage are not served after it.
    """
    return _generation_bump(DASHBOARD_GENERATION_KEY) and _generation_bump(WIDE_GENERATION_KEY)


def councils_invalidate(council_ids: Iterable[int]) -> bool:
    """Make England's and the regions' cached figures stale, and these councils' own pages
    (their events, totals and burden section), but no other council's page.

    Returns False when the cache could not be reached, as :func:`dashboards_invalidate`.
    """
    bumped = _generation_bump(DASHBOARD_GENERATION_KEY)
    now = time.time()
    for council_id in sorted(set(council_ids)):
        bumped = _generation_bump(COUNCIL_GENERATION_KEY.format(council_id=council_id)) and bumped
        cache.set(COUNCIL_WRITTEN_AT_KEY.format(council_id=council_id), now, timeout=None)
    return bumped


def generation_start() -> int:
    """A new generation's first number: the clock in microseconds, so that it is greater than
    any number an earlier generation of the same key reached (a write a microsecond would be
    needed to catch up), and a key lost from the cache never repeats an earlier number."""
    return time.time_ns() // 1000


def _generation_bump(key: str) -> bool:
    try:
        bumped = cache.incr(key)
    except ValueError:  # no generation yet
        bumped = cache.add(key, generation_start(), timeout=None) or cache.get(key)
    return bumped is not None and bumped is not False


def _dashboards_invalidate_or_record(council_ids: Iterable[int] | None = None) -> None:
    bumped = dashboards_invalidate() if council_ids is None else councils_invalidate(council_ids)
    if not bumped:
        logger.warning("The cache is unreachable: cached dashboards will be dropped later")
        with transaction.atomic():
            outbox_record(DASHBOARDS_INVALIDATE_TASK)
        return
    dashboards_warm()


def dashboards_warm() -> None:
    """Have a worker draw the default dashboards of the new generation ahead of visitors.

    Only with a worker: run eagerly (the embedded default) it would make each save draw twenty
    pages. With a refresh window (settings.DASHBOARD_REFRESH_SECONDS), the first write of a
    window queues one warm-up, which takes a new window, and the writes after it none until the
    window has passed; without one, a warm-up a write. Best effort, never raises: a warm-up
    lost to a broker outage only means the first visitor draws the page.
    """
    from burden.celery import app

    from ..dashboard_cache import lag_seconds

    if app.conf.task_always_eager:
        return
    generation = cache.get(DASHBOARD_GENERATION_KEY)
    if generation is None:
        return
    lag = lag_seconds()
    try:
        if lag <= 0:
            app.send_task(WARM_DASHBOARDS_TASK, args=[generation])
            return
        # The first write of a window queues a warm-up, the next ones none until the window has
        # passed. No countdown: a worker holds a task with one unacknowledged, and Celery's
        # worker died ("Unrecoverable error") when Redis went away while it held one.
        if cache.add(WARM_QUEUED_KEY, 1, timeout=lag):
            app.send_task(WARM_DASHBOARDS_TASK)
    except Exception:
        logger.warning("Could not queue the dashboards' warm-up", exc_info=True)


def clusters_or_forecast_changed(
    *, clusters: bool = True, council_ids: Iterable[int] | None = None
) -> None:
    """Drop the council pages' cached clusters and forecasts once the current transaction
    commits (never raises): of ``council_ids`` only (the councils whose clusters or forecast
    changed; every council's when None or more than :data:`DERIVED_COUNCILS_ONE_BY_ONE`); with
    ``clusters``, the dashboards' figures too (they count clusters; forecasts are not among
    them). If the cache cannot be reached, every cached figure is dropped the way a write drops
    them (:func:`dashboards_changed`: through the outbox), since those sections are keyed on
    both generations."""
    ids = None if council_ids is None else sorted(set(council_ids))
    if ids is not None and len(ids) > DERIVED_COUNCILS_ONE_BY_ONE:
        ids = None
    transaction.on_commit(lambda: _derived_invalidate_or_record(clusters, ids), robust=True)


def _derived_invalidate_or_record(clusters: bool = True, council_ids=None) -> None:
    # The dashboards count clusters: their figures, drawn after the save that caused the
    # re-check, are made stale as well (and drawn again within the refresh window).
    if council_ids is None:
        bumped = _generation_bump(DERIVED_GENERATION_KEY)
    else:
        bumped = all(
            [
                _generation_bump(DERIVED_COUNCIL_GENERATION_KEY.format(council_id=council_id))
                for council_id in council_ids
            ]
        )
    if clusters:
        bumped = _generation_bump(DASHBOARD_GENERATION_KEY) and bumped
    if not bumped:
        _dashboards_invalidate_or_record()


def dashboards_changed() -> None:
    """Drop cached dashboard figures once the current transaction commits (never raises)."""
    transaction.on_commit(_dashboards_invalidate_or_record, robust=True)


def council_changed(council_id: int) -> None:
    """Record the follow-up work for a change to a council's events, in the change's transaction.

    The council's cluster re-check and forecast are outbox entries (see
    :mod:`inspections.outbox`): sent to a worker once the change commits, and sent again by the
    beat's drain if that send fails.
    """
    transaction.on_commit(lambda: _dashboards_invalidate_or_record([council_id]), robust=True)
    outbox_record(RECHECK_COUNCIL_TASK, council_id)
    outbox_record(FORECAST_COUNCIL_TASK, council_id)


def councils_changed_quietly(council_ids, *, forecasts: bool = True) -> None:
    """Like ``council_changed`` for a back-fill of past events (a published history, a file of
    events that all ended before today), in the change's transaction: the councils' clusters
    are re-checked and recorded (an outbox entry, as ``council_changed``) and the dashboards
    refreshed, but nobody is e-mailed about clusters of the past (a first load would alert
    every council). ``forecasts``: also record each council's forecast re-computation (a
    caller that recomputes every council's forecast itself passes False)."""
    ids = sorted(set(council_ids))
    if not ids:
        return
    dashboards_changed()
    outbox_record(RECHECK_COUNCILS_QUIETLY_TASK, ids)
    if forecasts:
        for council_id in ids:
            outbox_record(FORECAST_COUNCIL_TASK, council_id)


def event_prepare(event: InspectionEvent, *, checked_in_bulk: bool = False) -> InspectionEvent:
    """Derive the stored figures of an event and validate it, without saving.

    Raises ``ValidationError`` naming the field. ``checked_in_bulk``: the caller (a file
    import) found the council, type and outcome itself and checked the one-event-per-council,
    type-and-start rule across the file and the database with one query for the whole file, so
    the per-row queries of ``full_clean`` (each foreign key looked up again, the unique rule and
    each check constraint run as a query: about five a row, 15 ms a row on SQLite) are skipped.
    ``clean()`` still applies every rule with the field named, and the database constraints
    still guard the save.
    """
    if event.on_site_start and event.on_site_end:
        event.on_site_days = working_days(event.on_site_start, event.on_site_end)
    if checked_in_bulk:
        event.full_clean(
            exclude=_relation_fields(InspectionEvent),
            validate_unique=False,
            validate_constraints=False,
        )
    else:
        event.full_clean()
    return event


def _relation_fields(model) -> list[str]:
    return [field.name for field in model._meta.concrete_fields if field.is_relation]


class EventChangedMeanwhile(ValidationError):
    """Someone else saved the event after the version the editor started from (a lost update
    refused: optimistic locking on ``InspectionEvent.version``).

    ``current`` is the stored event (its ``version`` is the one to start from again);
    ``changed_fields`` are the verbose names of the fields that the other save changed (or, if
    the editor's version is not in the history, those where the stored event differs from what
    the editor entered). Pages show the message and keep the editor's input; an API answers
    412 Precondition Failed to a stale ``If-Match``.
    """

    def __init__(self, current: InspectionEvent, changed_fields: list[str]):
        self.current = current
        self.changed_fields = changed_fields
        record = current.history.order_by("-history_date", "-history_id").first()
        who = ""
        if record is not None:
            user = record.history_user
            by = (user.get_full_name() or user.get_username()) if user else "someone else"
            who = f" by {by} at {timezone.localtime(record.history_date):%H:%M on %-d %B %Y}"
        what = (
            "They changed: " + ", ".join(changed_fields) + "."
            if changed_fields
            else "Nothing you can see here was changed."
        )
        self.who, self.what = who, what
        super().__init__(
            f"This event was changed{who} while you were editing it. {what} Your changes "
            "have not been saved and are shown below: check them against the event as it is "
            "now, then save again.",
            code="changed_meanwhile",
        )


# Fields an editor sees, compared to say what another save changed.
_COMPARED_FIELDS = (
    "council_id",
    "inspection_type_id",
    "notified_on",
    "on_site_start",
    "on_site_end",
    "published_on",
    "outcome_id",
    "sub_judgements",
    "theme",
    "notes",
    "report_url",
)


def _changed_fields(before, after) -> list[str]:
    names = []
    for attname in _COMPARED_FIELDS:
        if getattr(before, attname) != getattr(after, attname):
            field = InspectionEvent._meta.get_field(attname.removesuffix("_id"))
            names.append(str(field.verbose_name).capitalize())
    return names


def event_version_check(*, event_id: int, expected_version: int, edited=None) -> InspectionEvent:
    """Lock the stored event and check it is still at ``expected_version``.

    Returns the stored event, locked until the transaction ends. Raises
    :class:`EventChangedMeanwhile` if it moved on, ``InspectionEvent.DoesNotExist`` if it was
    deleted. ``edited`` (the editor's unsaved copy) names the differences when the editor's
    version is not in the history.
    """
    stored = InspectionEvent.objects.select_for_update().get(pk=event_id)
    if stored.version != expected_version:
        base = stored.history.filter(version=expected_version).order_by("-history_id").first()
        if base is not None:
            changed = _changed_fields(base, stored)
        else:
            changed = _changed_fields(edited, stored) if edited is not None else []
        raise EventChangedMeanwhile(stored, changed)
    return stored


@transaction.atomic
def event_save(
    *, event: InspectionEvent, user=None, expected_version: int | None = None
) -> InspectionEvent:
    """Validate and save a new or changed event. Raises ValidationError, saving nothing.

    ``expected_version``: the ``version`` the editor started from. If the stored event has
    moved on since, :class:`EventChangedMeanwhile` is raised (optimistic locking); None skips
    the check (the admin, imports). Every save of a changed event adds one to its version.

    A duplicate (same council, type and on-site start) gets the model's validation error
    whether the other event was saved long ago or a moment ago by a concurrent request: the
    database's unique constraint decides, and its violation is turned into the same message.
    """
    if event.pk is None and user is not None and user.is_authenticated:
        event.created_by = user
    previous_council_id = None
    if event.pk is not None:
        try:
            if expected_version is not None:
                stored = event_version_check(
                    event_id=event.pk, expected_version=expected_version, edited=event
                )
            else:
                stored = InspectionEvent.objects.select_for_update().get(pk=event.pk)
        except InspectionEvent.DoesNotExist:
            raise ValidationError(
                "This event was deleted while you were editing it, so it was not saved."
            ) from None
        previous_council_id = stored.council_id
        event.version = stored.version + 1
    event_prepare(event)
    try:
        with transaction.atomic():  # a savepoint: the request's transaction stays usable
            event.save()
    except IntegrityError:
        # A concurrent request saved the same council, type and start first (the check in
        # event_prepare ran before it committed): now the check sees it, and says so.
        event.validate_constraints()
        raise ValidationError(
            "Another change to this council's events was saved at the same moment. Nothing was "
            "saved: check the event and save it again."
        ) from None
    council_changed(event.council_id)
    if previous_council_id and previous_council_id != event.council_id:
        council_changed(previous_council_id)
    return event


@transaction.atomic
def event_delete(*, event: InspectionEvent, expected_version: int | None = None) -> None:
    """Delete an event with its staff time (both kept in the history, and restorable).

    ``expected_version`` as in :func:`event_save`: raises :class:`EventChangedMeanwhile` if the
    event changed after the version the user was shown.
    """
    if expected_version is not None:
        event_version_check(event_id=event.pk, expected_version=expected_version)
    council_id = event.council_id
    event.delete()
    council_changed(council_id)


def events_lock(event_ids: Iterable[int]) -> list[int]:
    """Lock these events' rows until the transaction ends (in id order, so that two writers
    of overlapping sets queue rather than deadlock); returns the ids that still exist."""
    return list(
        InspectionEvent.objects.select_for_update()
        .filter(pk__in=sorted(set(event_ids)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def events_delete(*, events) -> None:
    """Delete many events (the admin's bulk action): each council's follow-up recorded once."""
    council_ids = set(events.values_list("council_id", flat=True))
    events.delete()
    for council_id in sorted(council_ids):
        council_changed(council_id)


class StaffTimeEntryInvalid(ValidationError):
    """One entry of a batch failed validation (``entry``: the entry; the error's messages by
    field). Nothing of the batch was saved."""

    def __init__(self, entry: StaffTime, error: ValidationError):
        self.entry = entry
        super().__init__(error.message_dict if hasattr(error, "error_dict") else error.messages)


@transaction.atomic
def staff_time_save(
    *,
    event: InspectionEvent,
    entries: Iterable[StaffTime],
    deleted: Iterable[StaffTime] = (),
    user=None,
) -> list[StaffTime]:
    """Save a batch of staff-time entries of one event, all or none.

    The event's row is locked first, so that saves and imports of the same event's staff time
    queue up instead of interleaving. Raises :class:`StaffTimeEntryInvalid` naming the first
    entry that fails validation, ValidationError if the event was deleted; nothing is saved.
    """
    if not events_lock([event.pk]):
        raise ValidationError("This event was deleted, so its staff time was not saved.")
    saved = []
    for entry in deleted:
        if entry.pk:
            entry.delete()
    for entry in entries:
        entry.event = event
        if entry.pk is None and user is not None and user.is_authenticated:
            entry.created_by = user
        try:
            entry.full_clean()
        except ValidationError as exc:
            raise StaffTimeEntryInvalid(entry, exc) from None
        entry.save()
        saved.append(entry)
    council_changed(event.council_id)
    return saved

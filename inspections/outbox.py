"""The transactional outbox: work that must follow a write is never lost.

A service that needs work done after its write commits (re-check a council's clusters, sweep
every council after a rule change, ...) calls :func:`outbox_record` inside its transaction. That
writes an :class:`~inspections.models.OutboxEntry` row in the same transaction, so the work is
recorded if and only if the write commits, and asks for the task to be sent to the broker once
the transaction commits (the fast path). If the broker is down, the send fails, is logged, and the
request goes on: the row stays due.

The beat runs :func:`outbox_drain` every minute (``CELERY_BEAT_SCHEDULE``): it sends every due
row again, and resumes import jobs left pending or orphaned (their job row is their outbox
entry, see :mod:`inspections.services.imports`). Tasks recorded here use :class:`OutboxTask`,
which removes the row once a run succeeds, unless a write recorded it again meanwhile.

Tasks are named by their dotted path and imported only when sent, so services never import the
task module (which imports the services).
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta

from celery import Task
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import OutboxEntry

logger = logging.getLogger(__name__)

# A sent entry is sent again after this long if its task has not removed it: its message was
# lost (broker restarted without its data), its worker died, or the task failed. Doubled after
# each send, up to an hour, so that a task that keeps failing does not flood the broker.
RESEND_AFTER = timedelta(seconds=settings.OUTBOX_RESEND_AFTER)
RESEND_AFTER_MAX = timedelta(hours=1)
DRAIN_LIMIT = 500


# OutboxEntry.key holds at most 500 characters; longer argument lists (a published load's 153
# council ids) are keyed by their digest, which is as unique.
_KEY_MAX = 200


def outbox_key(args) -> str:
    key = json.dumps(list(args), separators=(",", ":"), sort_keys=True, default=str)
    if len(key) > _KEY_MAX:
        return "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def _resend_delay(attempts: int) -> timedelta:
    return min(RESEND_AFTER * (2 ** max(attempts - 1, 0)), RESEND_AFTER_MAX)


def outbox_record(task: str, *args) -> None:
    """Record, in the current transaction, that ``task(*args)`` must run after it commits.

    ``task`` is the task's dotted path, e.g. ``"inspections.tasks.recheck_council"``; ``args``
    are JSON values. Many records of the same task and arguments before it runs leave one row.
    Must be called inside ``transaction.atomic`` (every service is); raises
    ``TransactionManagementError`` otherwise.
    """
    if not connection.in_atomic_block:
        raise TransactionManagementError("outbox_record must run inside the write's transaction")
    due = connection.ops.adapt_datetimefield_value(timezone.now() + RESEND_AFTER)
    table = connection.ops.quote_name(OutboxEntry._meta.db_table)
    # One statement, so that concurrent writers of the same council leave one row, bumped.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (task, {connection.ops.quote_name('key')}, args, version, "
            "recorded_at, due_at, attempts, last_error) VALUES (%s, %s, %s, 1, %s, %s, 0, '') "
            f"ON CONFLICT (task, {connection.ops.quote_name('key')}) DO UPDATE SET "
            f"version = {table}.version + 1, due_at = excluded.due_at",
            [
                task,
                outbox_key(args),
                json.dumps(list(args), default=str),
                connection.ops.adapt_datetimefield_value(timezone.now()),
                due,
            ],
        )
    transaction.on_commit(lambda: _send_or_make_due(task, list(args)), robust=True)


def outbox_send(task: str, args: list) -> bool:
    """Send a task to the broker now. Never raises: a failure is logged and False returned.

    In the embedded default (no broker) the task runs here, and its errors are logged too.
    """
    try:
        import_string(task).apply_async(args=args, ignore_result=True)
    except Exception:
        logger.warning(
            "Could not send %s%s to the broker; the outbox drain will send it again",
            task,
            tuple(args),
            exc_info=True,
        )
        return False
    return True


def _send_or_make_due(task: str, args: list) -> None:
    if outbox_send(task, args):
        return
    try:  # due at once, so that the first drain after the broker returns sends it
        OutboxEntry.objects.filter(task=task, key=outbox_key(args)).update(due_at=timezone.now())
    except Exception:
        logger.warning("Could not mark %s as due", task, exc_info=True)


def outbox_drain(*, limit: int = DRAIN_LIMIT) -> int:
    """Send every due outbox entry (oldest first, at most ``limit``); returns how many were sent.

    Each entry is claimed with a conditional UPDATE of its ``due_at`` before it is sent, so two
    beats or two overlapping drains never send the same entry twice in one round.
    """
    now = timezone.now()
    due = list(
        OutboxEntry.objects.filter(due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", "task", "args", "attempts")[:limit]
    )
    sent = 0
    for pk, task, args, attempts in due:
        claimed = OutboxEntry.objects.filter(pk=pk, due_at__lte=now).update(
            due_at=now + _resend_delay(attempts + 1), attempts=F("attempts") + 1
        )
        if claimed:
            if outbox_send(task, args):
                sent += 1
            else:
                OutboxEntry.objects.filter(pk=pk).update(due_at=now)
    if due:
        logger.info("Outbox drain sent %d of %d due entries", sent, len(due))
    return sent


class OutboxTask(Task):
    """Base class of the tasks recorded in the outbox.

    A run reads its entry's version first, and removes the entry after succeeding only if the
    version is unchanged: a write committed during the run records it again, and the work runs
    once more for it. Arguments are positional, as :func:`outbox_record` records them.
    """

    def __call__(self, *args, **kwargs):
        entries = OutboxEntry.objects.filter(task=self.name, key=outbox_key(args))
        version = entries.values_list("version", flat=True).first()
        result = super().__call__(*args, **kwargs)
        if version is not None:
            entries.filter(version=version).delete()
        return result

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        try:
            OutboxEntry.objects.filter(task=self.name, key=outbox_key(args)).update(
                last_error=f"{type(exc).__name__}: {exc}"[:2000]
            )
        except Exception:
            logger.warning("Could not record the failure of %s", self.name, exc_info=True)

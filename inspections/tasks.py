"""Celery tasks: thin wrappers that take ids and call a service.

Tasks that follow a write are recorded in the outbox (``base=OutboxTask``, see
:mod:`inspections.outbox`) and sent again by the beat's ``drain_outbox`` until they succeed.
"""

from dataclasses import asdict

from celery import shared_task
from django.db import IntegrityError, InterfaceError, OperationalError, connection

from . import outbox
from .forecast import services as forecast
from .services import clusters, dashboards_invalidate, imports

# Database errors worth another try: a dropped connection, a deadlock or lock timeout, or an
# event deleted between reading a council's events and linking them to a cluster.
DATABASE_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError, IntegrityError),
    "retry_backoff": 2,  # 2 s, 4 s, 8 s ... with jitter, so retries of many councils spread out
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 6,
}


# acks_late: a worker that dies mid-task leaves the message on the broker, so the re-check runs
# again elsewhere; the services are idempotent and alert at most once, so that is safe.
@shared_task(base=outbox.OutboxTask, acks_late=True, reject_on_worker_lost=True, **DATABASE_RETRY)
def recheck_council(council_id: int) -> dict:
    """Re-check one council's clusters after a change to its events or staff time."""
    return asdict(clusters.council_clusters_recheck(council_id=council_id))


@shared_task(base=outbox.OutboxTask, acks_late=True, reject_on_worker_lost=True, **DATABASE_RETRY)
def sweep_all_councils(
    batch_size: int = clusters.SWEEP_BATCH_SIZE, refresh_hours: bool = False
) -> dict:
    """Re-check every council (nightly, and after a rule changes): batches, each committed."""
    return asdict(clusters.clusters_sweep(batch_size=batch_size, refresh_hours=refresh_hours))


@shared_task(base=outbox.OutboxTask, acks_late=True, reject_on_worker_lost=True, **DATABASE_RETRY)
def recheck_councils_quietly(council_ids: list[int]) -> dict:
    """Re-check councils after a load of published history: record clusters, alert nobody."""
    return asdict(clusters.clusters_sweep(council_ids=council_ids, alert=False, refresh_hours=True))


@shared_task(base=outbox.OutboxTask, acks_late=True)
def dashboards_invalidate_later() -> None:
    """Drop cached dashboard figures that a write could not drop while the cache was down."""
    if not dashboards_invalidate():
        raise RuntimeError("The cache is still unreachable")


@shared_task(ignore_result=True, time_limit=300, soft_time_limit=240)
def warm_dashboards(generation: int | None = None) -> int:
    """Draw the default dashboards of the current write generation before anyone asks for them.

    With a ``generation`` (one warm-up a write, no refresh interval), skipped when another write
    has bumped it since (its own warm-up follows), so a burst of writes costs one drawing.
    Without (one warm-up a refresh interval), draws whatever generation is current. Safe to run
    twice: the second finds everything cached. Returns the pages drawn or found drawn.
    """
    from .selectors.burden import cache_generation
    from .views.dashboards import warm_default_views

    if generation is not None and cache_generation() != generation:
        return 0
    return warm_default_views()


@shared_task(ignore_result=True, time_limit=120, soft_time_limit=100)
def redraw_dashboard_figures(view: dict) -> None:
    """Draw one view of England's or a region's figures for the current refresh window, asked
    by a visitor who was shown its last drawing meanwhile (``dashboard_cache.Staggered``).
    ``view``: ids and filter values (``views.dashboards.figures_redraw``). Safe to run twice:
    the second draws the same figures again."""
    from .views.dashboards import figures_redraw

    figures_redraw(view)


# A dropped database connection is retried (the file is saved in one transaction, so nothing
# of it was saved); any other failure marks the job failed, with nothing saved, and the person
# who uploaded the file sees that on its page. After imports.IMPORT_MAX_ATTEMPTS starts, it is
# marked failed with a message.
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def run_import_job(self, job_id: int) -> str | None:
    """Check and save one uploaded CSV file; the job's page polls its progress."""
    try:
        job = imports.import_job_run(job_id=job_id)
    except (OperationalError, InterfaceError) as exc:
        connection.close()  # a new connection for the next attempt
        raise self.retry(exc=exc, countdown=5) from exc
    return job.status if job else None


# Sent by the beat every minute; expires so that a backlog after an outage runs it once, not
# once for every minute missed.
@shared_task(expires=55, ignore_result=True)
def drain_outbox() -> dict:
    """Send the outbox's due work again, and resume import jobs left pending or orphaned."""
    return {"sent": outbox.outbox_drain(), "jobs": imports.import_jobs_resume()}


@shared_task(base=outbox.OutboxTask, acks_late=True, reject_on_worker_lost=True, **DATABASE_RETRY)
def forecast_council_task(council_id: int) -> dict:
    """Recompute one council's forecast windows and clashes after a change to its events."""
    return forecast.result_dict(forecast.forecast_recompute(council_ids=[council_id]))


@shared_task(base=outbox.OutboxTask, acks_late=True, reject_on_worker_lost=True, **DATABASE_RETRY)
def forecast_all_task(alert: bool = True) -> dict:
    """Recompute every council's forecast: nightly (the windows move with the date), and after
    published history is loaded or a stated cycle or cluster rule changes."""
    return forecast.result_dict(forecast.forecast_recompute(alert=alert))

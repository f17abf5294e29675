"""Celery tasks: thin wrappers that take ids and call a service."""

from celery import shared_task


@shared_task
def recheck_council(council_id: int) -> None:
    """Re-check one council's clusters (filled in by the cluster detection work)."""

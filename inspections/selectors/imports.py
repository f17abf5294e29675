"""Reads for import jobs: who sees a job, and its progress in words and numbers."""

from django.db.models import QuerySet

from councils.access import access_for

from ..models import ImportJob


def import_jobs_visible(user) -> QuerySet[ImportJob]:
    """A job is seen by the person who uploaded it, and by administrators (file left unread)."""
    jobs = ImportJob.objects.defer("content")
    if not user.is_authenticated:
        return jobs.none()
    if not access_for(user).is_admin:
        jobs = jobs.filter(created_by=user)
    return jobs


def import_job_progress(job: ImportJob) -> dict:
    """Rows checked so far (a count and a whole percentage) and a sentence for the page."""
    total = job.total_rows or 0
    done = min(job.processed_rows, total)
    percent = (done * 100 // total) if total else 0
    finished = job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED)
    if job.status == ImportJob.Status.PENDING:
        text = f"Waiting to start: {total:,} rows to check."
    elif finished:
        text = (job.result or {}).get("summary", job.get_status_display())
    elif done >= total:
        text = f"All {total:,} rows checked. Saving…"
    else:
        text = f"{done:,} of {total:,} rows checked ({percent}%)."
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "total_rows": total,
        "processed_rows": done,
        "percent": percent,
        "finished": finished,
        "text": text,
    }

"""The transactional outbox: work after a write is recorded with it and is never lost.

Fast tests (SQLite, tasks run eagerly). "The broker is unreachable" is real here: the Celery app
is pointed at a port of this machine where nothing listens, so sending fails as it does when
Redis is down. The same scenarios against real Redis, PostgreSQL and workers are in
test_faults.py.
"""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from burden.celery import app as celery_app
from inspections import outbox
from inspections.models import Cluster, ForecastWindow, ImportJob, InspectionEvent, OutboxEntry
from inspections.services import RECHECK_COUNCIL_TASK, imports
from inspections.tasks import drain_outbox, recheck_council
from tests.factories import inspection_type, make_event

pytestmark = pytest.mark.django_db

DAY0 = date(2025, 3, 3)
# A port of this project's range where no server listens.
UNREACHABLE_BROKER = "redis://127.0.0.1:8129/0"


@pytest.fixture
def broker_unreachable():
    """Tasks are sent to a broker that refuses connections (as when Redis is down)."""
    conf, amqp = celery_app.conf, celery_app.amqp
    saved = (
        conf.broker_url,
        conf.broker_write_url,
        conf.task_always_eager,
        celery_app._pool,
        amqp._producer_pool,
    )
    # The connection and producer pools are made once, for the broker of that time: new ones.
    conf.broker_url = conf.broker_write_url = UNREACHABLE_BROKER
    conf.task_always_eager = False
    celery_app._pool = amqp._producer_pool = None
    yield
    conf.broker_url, conf.broker_write_url, conf.task_always_eager = saved[:3]
    celery_app._pool, amqp._producer_pool = saved[3:]


def event_form(type_code="ilacs_focused_visit", start=DAY0 + timedelta(days=40)):
    return {
        "inspection_type": inspection_type(type_code).pk,
        "on_site_start_day": str(start.day),
        "on_site_start_month": str(start.month),
        "on_site_start_year": str(start.year),
        "on_site_end_day": str(start.day),
        "on_site_end_month": str(start.month),
        "on_site_end_year": str(start.year),
    }


def test_a_write_records_one_entry_per_council_however_often_it_changes(
    council_a, council_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        make_event(council_a, "jtai", DAY0)
        make_event(council_a, "ilacs_focused_visit", DAY0 + timedelta(days=40))
        make_event(council_b, "jtai", DAY0)

    entries = {e.key: e for e in OutboxEntry.objects.filter(task=RECHECK_COUNCIL_TASK)}
    assert set(entries) == {f"[{council_a.pk}]", f"[{council_b.pk}]"}
    assert entries[f"[{council_a.pk}]"].version == 2
    assert entries[f"[{council_a.pk}]"].due_at > timezone.now()


def test_the_task_removes_its_entry_once_it_has_run(council_a, django_capture_on_commit_callbacks):
    make_event(council_a, "jtai", DAY0)
    with django_capture_on_commit_callbacks(execute=True):
        make_event(council_a, "ilacs_focused_visit", DAY0 + timedelta(days=40))

    assert Cluster.objects.filter(council=council_a).count() == 1
    assert not OutboxEntry.objects.exists()


def test_a_change_committed_while_the_task_runs_keeps_the_entry_for_another_run(
    council_a, monkeypatch
):
    with transaction.atomic():
        outbox.outbox_record(RECHECK_COUNCIL_TASK, council_a.pk)
    from inspections.services import clusters

    real = clusters.council_clusters_recheck

    def recheck_while_another_save_commits(**kwargs):
        with transaction.atomic():  # a concurrent save, committed during the re-check
            outbox.outbox_record(RECHECK_COUNCIL_TASK, council_a.pk)
        return real(**kwargs)

    monkeypatch.setattr(clusters, "council_clusters_recheck", recheck_while_another_save_commits)
    recheck_council.delay(council_a.pk)
    assert OutboxEntry.objects.get().version == 2  # not removed: the newer save needs a run

    monkeypatch.setattr(clusters, "council_clusters_recheck", real)
    recheck_council.delay(council_a.pk)
    assert not OutboxEntry.objects.exists()


def test_with_the_broker_down_a_save_stands_and_the_drain_rechecks_its_council_later(
    client_for, editor_a, council_a, django_capture_on_commit_callbacks, broker_unreachable
):
    make_event(council_a, "jtai", DAY0)
    OutboxEntry.objects.all().delete()  # the fixture's own save, made before the broker fell

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(editor_a).post(
            reverse("event-create", args=[council_a.slug]), event_form(), follow=True
        )

    assert response.status_code == 200
    assert "re-checked" in response.content.decode()
    assert InspectionEvent.objects.filter(council=council_a).count() == 2
    entry = OutboxEntry.objects.get(task=RECHECK_COUNCIL_TASK)
    assert entry.due_at <= timezone.now()  # due at once: the first drain sends it
    assert not Cluster.objects.exists()

    # The broker is back: the beat's drain sends the re-check, which runs and clears the entry.
    celery_app.conf.task_always_eager = True
    result = drain_outbox.delay().get()

    assert result["sent"] == 2  # the council's cluster re-check and its forecast
    assert Cluster.objects.filter(council=council_a).count() == 1
    assert ForecastWindow.objects.filter(council=council_a).exists()
    assert not OutboxEntry.objects.exists()


def test_two_drains_at_once_send_a_due_entry_once(council_a, broker_unreachable):
    with transaction.atomic():
        outbox.outbox_record(RECHECK_COUNCIL_TASK, council_a.pk)
    OutboxEntry.objects.update(due_at=timezone.now() - timedelta(seconds=1))

    assert outbox.outbox_drain() == 0  # claimed, but the broker refused it: due again at once
    entry = OutboxEntry.objects.get()
    assert entry.attempts == 1 and entry.due_at <= timezone.now()

    celery_app.conf.task_always_eager = True
    OutboxEntry.objects.update(due_at=timezone.now() + timedelta(minutes=1))
    assert outbox.outbox_drain() == 0  # not due: a drain that just sent it holds it


def test_the_resend_delay_doubles_up_to_an_hour():
    delays = [outbox._resend_delay(n) for n in (1, 2, 3, 10)]
    assert delays[0] == outbox.RESEND_AFTER and delays[1] == 2 * outbox.RESEND_AFTER
    assert delays[2] == 4 * outbox.RESEND_AFTER and delays[3] == timedelta(hours=1)


# --- Import jobs -------------------------------------------------------------------------------


def staff_file(council, rows=3):
    lines = ["council_gss_code,inspection_type,on_site_start,team,phase,staff_hours"]
    lines += [
        f"{council.gss_code},jtai,{DAY0.isoformat()},data,preparation,{n + 1}" for n in range(rows)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_a_job_uploaded_while_the_broker_is_down_is_started_by_the_drain(
    council_a, editor_a, settings, django_capture_on_commit_callbacks, broker_unreachable
):
    settings.IMPORT_BACKGROUND_ROWS = 1
    make_event(council_a, "jtai", DAY0)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        job = imports.import_job_create(
            kind=ImportJob.Kind.STAFF_TIME, file_name="hours.csv", content=staff_file(council_a),
            user=editor_a,
        )  # fmt: skip
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PENDING and job.send_after <= timezone.now()

    celery_app.conf.task_always_eager = True
    assert drain_outbox.delay().get()["jobs"] == 1

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.send_after is None
    assert job.result["entries_added"] == 3


def test_a_running_job_whose_worker_is_gone_is_run_again_and_failed_after_three_starts(
    council_a, editor_a, settings
):
    settings.IMPORT_BACKGROUND_ROWS = 1
    make_event(council_a, "jtai", DAY0)
    job = imports.import_job_create(
        kind=ImportJob.Kind.STAFF_TIME, file_name="hours.csv", content=staff_file(council_a),
        user=editor_a,
    )  # fmt: skip
    past = timezone.now() - timedelta(seconds=1)
    # Its worker took it and died: still "running", its lease run out.
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, attempts=1, lease_until=past, send_after=past
    )
    assert imports.import_jobs_resume() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.attempts == 2

    again = imports.import_job_create(
        kind=ImportJob.Kind.STAFF_TIME, file_name="hours.csv", content=staff_file(council_a),
        user=editor_a,
    )  # fmt: skip
    ImportJob.objects.filter(pk=again.pk).update(
        status=ImportJob.Status.RUNNING, attempts=3, lease_until=past, send_after=past
    )
    imports.import_jobs_resume()
    again.refresh_from_db()
    assert again.status == ImportJob.Status.FAILED
    assert "interrupted 3 times" in again.result["summary"]


@contextmanager
def another_session_holding_the_lock_of(job):
    """On PostgreSQL, a worker's liveness is the advisory lock its session holds on the job."""
    if connection.vendor != "postgresql":
        yield
        return
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [imports._JOB_LOCK_NAMESPACE, job.pk])
        yield


def test_a_running_job_whose_worker_is_alive_is_left_alone(council_a, editor_a, settings):
    settings.IMPORT_BACKGROUND_ROWS = 1
    make_event(council_a, "jtai", DAY0)
    job = imports.import_job_create(
        kind=ImportJob.Kind.STAFF_TIME, file_name="hours.csv", content=staff_file(council_a),
        user=editor_a,
    )  # fmt: skip
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, attempts=1, lease_until=now + timedelta(minutes=5),
        send_after=now - timedelta(seconds=1),
    )  # fmt: skip
    with another_session_holding_the_lock_of(job):
        assert imports.import_jobs_resume() == 0
        assert imports.import_job_run(job_id=job.pk) is None  # a duplicate delivery: nothing
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING and job.attempts == 1

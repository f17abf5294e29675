"""Faults on the real services: Redis stopped, workers killed with SIGKILL, database sessions
terminated, parallel requests. Each scenario failed before the outbox, the locks and the
health checks (issue #11).

Run by .ci/run's PostgreSQL pass (DATABASE_URL at PostgreSQL, CELERY_BROKER_URL at Redis), where
they may not skip. Workers and beat are real processes on the test database; the Redis that is
stopped is a server of the test's own on a private port.
"""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from burden.celery import app as celery_app
from inspections.models import (
    Cluster,
    ImportJob,
    InspectionEvent,
    Notice,
    OutboxEntry,
    StaffTime,
)
from tests.factories import PASSWORD, ensure_reference_data, inspection_type, make_event

from .support import (
    REAL_SERVICES,
    RedisServer,
    celery_beat,
    celery_worker,
    free_port,
    gunicorn,
    terminate_other_backends,
    wait_for,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not REAL_SERVICES,
        reason="needs CELERY_BROKER_URL pointing at Redis and DATABASE_URL at PostgreSQL "
        "(as in .ci/run's second pass)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DAY0 = date(2025, 3, 3)
DRAIN_SECONDS = 2  # the beat's outbox drain, every this many seconds in these tests
PROCESS_ENV = {
    "OUTBOX_DRAIN_SECONDS": str(DRAIN_SECONDS),
    "OUTBOX_RESEND_AFTER": "10",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


@pytest.fixture
def reference_data(db):
    ensure_reference_data()


@pytest.fixture
def processes():
    started = []
    yield started
    for process in reversed(started):
        process.stop()


def broker_at(url: str):
    """Point this process's Celery app (the web side: sends) at another broker."""
    conf, amqp = celery_app.conf, celery_app.amqp
    saved = (conf.broker_url, conf.broker_write_url, celery_app._pool, amqp._producer_pool)
    conf.broker_url = conf.broker_write_url = url
    celery_app._pool = amqp._producer_pool = None
    return saved


def broker_back(saved) -> None:
    conf, amqp = celery_app.conf, celery_app.amqp
    conf.broker_url, conf.broker_write_url, celery_app._pool, amqp._producer_pool = saved


def staff_time_file(event, rows: int, hours: str = "1.5") -> bytes:
    lines = ["council_gss_code,inspection_type,on_site_start,team,phase,staff_hours,note"]
    lines += [
        f"{event.council.gss_code},{event.inspection_type.code},{event.on_site_start.isoformat()},"
        f"data,preparation,{hours},entry {n}"
        for n in range(rows)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def events_file(council, rows: int) -> bytes:
    """`rows` engagement meetings (which no cluster rule counts), one a day from 2001."""
    lines = ["council_gss_code,inspection_type,on_site_start,on_site_end"]
    first = date(2001, 1, 1)
    for n in range(rows):
        day = (first + timedelta(days=n)).isoformat()
        lines.append(f"{council.gss_code},ilacs_engagement_meeting,{day},{day}")
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def small_background_imports(settings):
    """Files of more than 100 rows go to a worker (1,200 rows: seconds of work there)."""
    settings.IMPORT_BACKGROUND_ROWS = 100


def background_import_started(client, council, rows: int) -> ImportJob:
    """Upload an events file big enough for the background; return its job once a worker has
    started it (it then takes seconds to check and save)."""
    assert upload(client, "events", events_file(council, rows)).status_code == 302
    job = ImportJob.objects.get()
    wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).exists(),
        what="a worker to start the import",
        interval=0.01,
    )
    return job


def upload(client, kind_slug: str, content: bytes, name="file.csv"):
    return client.post(
        reverse("import-upload", args=[kind_slug]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def event_form(type_code: str, start: date) -> dict:
    return {
        "inspection_type": inspection_type(type_code).pk,
        "on_site_start_day": start.day,
        "on_site_start_month": start.month,
        "on_site_start_year": start.year,
        "on_site_end_day": start.day,
        "on_site_end_month": start.month,
        "on_site_end_year": start.year,
    }


# --- Redis stopped --------------------------------------------------------------------------


def test_with_redis_stopped_pages_answer_saves_stand_and_the_work_catches_up_after(
    reference_data, processes, tmp_path, settings, client_for, council_a, editor_a, lga_officer
):
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    settings.CACHES = {
        "default": {**django_settings.CACHES["default"], "LOCATION": redis_server.url(1)}
    }
    settings.IMPORT_BACKGROUND_ROWS = 20
    saved = broker_at(redis_server.url(0))
    try:
        env = {
            **PROCESS_ENV,
            "CELERY_BROKER_URL": redis_server.url(0),
            "CACHE_URL": redis_server.url(1),
        }
        processes.append(celery_worker(tmp_path, env).start())
        processes.append(celery_beat(tmp_path, env).start())
        jtai = make_event(council_a, "jtai", DAY0)
        wait_for(lambda: not OutboxEntry.objects.exists(), what="the first re-check")
        client = client_for(editor_a)
        pages = [
            reverse("home"),
            reverse("dashboard-national"),
            reverse("council-detail", args=[council_a.slug]),
            jtai.get_absolute_url(),
            reverse("cluster-list"),
        ]
        assert [client.get(page, follow=True).status_code for page in pages] == [200] * len(pages)

        redis_server.stop()

        # Every page answers, from the database.
        assert [client.get(page, follow=True).status_code for page in pages] == [200] * len(pages)
        # A save stands, and says the clusters will be re-checked.
        saved_event = client.post(
            reverse("event-create", args=[council_a.slug]),
            event_form("ilacs_focused_visit", DAY0 + timedelta(days=40)),
            follow=True,
        )
        assert saved_event.status_code == 200
        assert "will be re-checked shortly" in saved_event.content.decode()
        # A large import is taken, and waits.
        uploaded = upload(client, "staff-time", staff_time_file(jtai, 60))
        assert uploaded.status_code == 302
        job = ImportJob.objects.get()
        assert job.status == ImportJob.Status.PENDING
        assert OutboxEntry.objects.filter(task="inspections.tasks.recheck_council").exists()
        assert not Cluster.objects.exists()

        redis_server.start()

        # Within a few drain intervals of Redis coming back, the re-check and the job are done.
        wait_for(
            lambda: (
                ImportJob.objects.filter(status=ImportJob.Status.DONE).exists()
                and not OutboxEntry.objects.exists()
                and Cluster.objects.exists()
            ),
            what="the re-check and the import after Redis came back",
            timeout=60,
        )
        assert InspectionEvent.objects.count() == 2
        assert StaffTime.objects.count() == 60
        cluster = Cluster.objects.get()
        assert cluster.total_staff_hours == Decimal("90.00")
        assert Notice.objects.filter(cluster=cluster).count() == 2  # alerted once
    finally:
        broker_back(saved)
        redis_server.stop()


# --- Workers killed, connections terminated ---------------------------------------------------


def test_an_import_whose_worker_is_killed_is_resumed_and_saved_once(
    reference_data, small_background_imports, processes, tmp_path, client_for, council_a, editor_a
):
    env = {**PROCESS_ENV, "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL}
    beat = celery_beat(tmp_path, env).start()
    processes.append(beat)
    first = celery_worker(tmp_path, env).start()
    processes.append(first)
    rows = 1200
    job = background_import_started(client_for(editor_a), council_a, rows)
    first.kill()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING, "the worker was not killed mid-import"
    processes.append(celery_worker(tmp_path, env).start())

    wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.DONE).exists(),
        what="the import to be resumed and finished",
    )
    job.refresh_from_db()
    assert job.attempts == 2
    assert InspectionEvent.objects.filter(council=council_a).count() == rows


def test_an_import_whose_database_session_is_terminated_is_retried_and_saved_once(
    reference_data, small_background_imports, processes, tmp_path, client_for, council_a, editor_a
):
    env = {**PROCESS_ENV, "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL}
    processes.append(celery_worker(tmp_path, env).start())
    processes.append(celery_beat(tmp_path, env).start())
    rows = 1200
    job = background_import_started(client_for(editor_a), council_a, rows)
    assert terminate_other_backends() >= 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING, "the session was not ended mid-import"

    wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.DONE).exists(),
        what="the import to be started again and finished",
    )
    job.refresh_from_db()
    assert job.attempts == 2
    assert InspectionEvent.objects.filter(council=council_a).count() == rows


def test_a_database_session_terminated_between_requests_is_not_a_server_error(
    reference_data, processes, tmp_path, council_a, editor_a
):
    import requests

    port = free_port()
    env = {**PROCESS_ENV, "DATABASE_CONN_MAX_AGE": "600", "DEBUG": "true"}
    web = gunicorn(tmp_path, port, env).start()
    processes.append(web)
    base = f"http://127.0.0.1:{port}"
    session = requests.Session()
    wait_for(lambda: _answers(session, base + "/accounts/login/"), what="gunicorn")
    login = session.get(base + "/accounts/login/", timeout=30)
    token = session.cookies["csrftoken"]
    signed_in = session.post(
        base + "/accounts/login/",
        data={"username": editor_a.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": login.url},
        timeout=30,
    )
    page = base + reverse("council-detail", args=[council_a.slug])
    assert signed_in.status_code == 200 and session.get(page, timeout=30).status_code == 200

    assert terminate_other_backends() >= 1  # the web worker's persistent connection

    assert session.get(page, timeout=30).status_code == 200, web.output()[-3000:]


def _answers(session, url) -> bool:
    try:
        return session.get(url, timeout=5).status_code == 200
    except Exception:
        return False


# --- Parallel requests --------------------------------------------------------------------------


def in_parallel(count: int, request) -> list:
    """Run request(client) in `count` threads at once, each with its own client and database
    connection; returns each one's response, or the exception it raised."""
    results: list = [None] * count
    start = threading.Barrier(count)

    def run(n: int) -> None:
        client = Client()
        try:
            start.wait()
            results[n] = request(client)
        except Exception as exc:  # a server error, raised by the test client
            results[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_twenty_parallel_creations_of_one_event_save_one_and_give_the_rest_the_form_error(
    reference_data, council_a, editor_a
):
    form = event_form("jtai", DAY0)

    def create(client):
        client.force_login(editor_a)
        return client.post(reverse("event-create", args=[council_a.slug]), form)

    results = in_parallel(20, create)

    errors = [r for r in results if isinstance(r, Exception) or r.status_code >= 500]
    assert errors == []
    assert sorted(r.status_code for r in results) == [200] * 19 + [302]
    refused = [r.content.decode() for r in results if r.status_code == 200]
    assert all("already has an event of this type starting on that date" in p for p in refused)
    assert InspectionEvent.objects.count() == 1


def test_parallel_staff_time_imports_of_one_event_end_as_exactly_one_files_entries(
    reference_data, council_a, editor_a
):
    event = make_event(council_a, "jtai", DAY0)
    lines = "\r\n".join(
        f"{council_a.gss_code},jtai,{DAY0.isoformat()},{team},{phase},{hours}"
        for team, phase, hours in [
            ("data", "preparation", "20"),
            ("managers", "on_site", "10"),
            ("senior_leaders", "after", "5"),
        ]
    )
    same = f"council_gss_code,inspection_type,on_site_start,team,phase,staff_hours\r\n{lines}\r\n"

    def import_(content):
        def send(client):
            client.force_login(editor_a)
            return upload(client, "staff-time", content.encode())

        return send

    results = in_parallel(4, import_(same))
    assert [getattr(r, "status_code", r) for r in results] == [302] * 4
    assert StaffTime.objects.filter(event=event).count() == 3
    assert sum(e.hours for e in StaffTime.objects.filter(event=event)) == Decimal("35")

    # Two different files at once: one of them wins whole, never both added up.
    other = same.replace(",20\r\n", ",2\r\n").replace(",10\r\n", ",1\r\n")
    contents = [same, other]
    results = in_parallel(2, lambda client: import_(contents.pop())(client))
    assert [getattr(r, "status_code", r) for r in results] == [302] * 2
    hours = sorted(e.hours for e in StaffTime.objects.filter(event=event))
    assert hours in ([Decimal(5), Decimal(10), Decimal(20)], [Decimal(1), Decimal(2), Decimal(5)])

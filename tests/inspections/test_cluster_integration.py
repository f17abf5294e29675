"""Cluster detection on the real services: PostgreSQL, the Redis broker, a Celery worker process.

Run by .ci/run's second pass (DATABASE_URL at PostgreSQL, CELERY_BROKER_URL at Redis); skipped
otherwise. Each test starts `celery -A burden worker` on the test database, with the file-based
e-mail backend so that the e-mails the worker sends can be counted.
"""

import email
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from burden.celery import app as celery_app
from councils.models import CouncilMembership
from inspections.models import Cluster, ForecastWindow, InspectionEvent, Notice
from inspections.tasks import sweep_all_councils
from tests.factories import ensure_reference_data, inspection_type, make_council, make_event
from tests.faults.support import REAL_SERVICES, WAIT, wait_for
from tests.faults.support import database_url_of_tests as worker_database_url

# A task taken by a killed worker is handed out again after this many seconds.
VISIBILITY_TIMEOUT = 3

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not REAL_SERVICES,
        reason="needs CELERY_BROKER_URL pointing at Redis and DATABASE_URL at PostgreSQL "
        "(as in .ci/run's second pass)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class Worker:
    """A real `celery -A burden worker` process on the test database."""

    def __init__(self, tmp_path: Path):
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.log = tmp_path / "worker.log"
        self.process: subprocess.Popen | None = None
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "burden.settings",
            "DATABASE_URL": worker_database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        }

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "burden",
                    "worker",
                    "--pool=solo",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=INFO",
                    f"--hostname=burden-test-{uuid.uuid4().hex[:8]}@%h",
                ],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no chance to hand the running task back."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def emails(self) -> list[email.message.Message]:
        """Every e-mail the worker wrote (the file backend separates them with a dashed line)."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_text().split("\n" + "-" * 79 + "\n"):
                if chunk.strip():
                    messages.append(email.message_from_string(chunk))
        return messages


@pytest.fixture
def worker(db, tmp_path):
    ensure_reference_data()
    # Start from an empty queue: nothing left over from an earlier run may reach this worker.
    celery_app.control.purge()
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("unacked", "unacked_index")
    worker = Worker(tmp_path)
    yield worker
    worker.stop()
    if worker.process and worker.process.returncode not in (0, -signal.SIGKILL, -signal.SIGTERM):
        print(worker.log.read_text())


def emails_about(messages, cluster):
    link = cluster.get_absolute_url()
    return [
        m["To"] for m in messages if link in m.get_payload(decode=True).decode(errors="replace")
    ]


def test_an_event_saved_through_the_form_yields_its_cluster_through_the_broker(
    worker, client_for, council_a, editor_a, lga_officer
):
    jtai = make_event(council_a, "jtai", date(2025, 3, 3))
    worker.start()

    response = client_for(editor_a).post(
        reverse("event-create", args=[council_a.slug]),
        {
            "inspection_type": inspection_type("ilacs_focused_visit").pk,
            "on_site_start_day": "12",
            "on_site_start_month": "4",
            "on_site_start_year": "2025",
            "on_site_end_day": "13",
            "on_site_end_month": "4",
            "on_site_end_year": "2025",
        },
    )
    assert response.status_code == 302

    cluster = wait_for(
        lambda: Cluster.objects.filter(council=council_a, rule__name="Back-to-back").first(),
        what="the worker to record the cluster",
    )
    visit = InspectionEvent.objects.get(inspection_type__code="ilacs_focused_visit")
    assert set(cluster.events.all()) == {jtai, visit} and cluster.span_days == 40
    sent = wait_for(
        lambda: len(emails_about(worker.emails(), cluster)) >= 2 and worker.emails(),
        what="the worker's alert e-mails",
    )
    assert sorted(emails_about(sent, cluster)) == sorted([editor_a.email, lga_officer.email])
    assert Notice.objects.filter(cluster=cluster).count() == 2
    # The same change recomputes the council's forecast through the broker: every regime's
    # window, each with its reason.
    windows = wait_for(
        lambda: (
            ForecastWindow.objects.filter(council=council_a).count() == 7
            and ForecastWindow.objects.filter(council=council_a)
        ),
        what="the worker to recompute the council's forecast",
    )
    assert all(window.reason for window in windows)


def councils_with_one_cluster_each(count):
    """`count` councils, each with a JTAI and a focused visit 40 days apart, and an editor."""
    councils = [make_council(f"Sweepton {n}") for n in range(count)]
    jtai, visit = inspection_type("jtai"), inspection_type("ilacs_focused_visit")
    day = date(2025, 3, 3)
    InspectionEvent.objects.bulk_create(
        InspectionEvent(
            council=council,
            inspection_type=itype,
            on_site_start=start,
            on_site_end=start,
            on_site_days=1,
        )
        for council in councils
        for itype, start in ((jtai, day), (visit, day + timedelta(days=40)))
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"editor.{c.slug}", email=f"editor.{c.slug}@example.org")
        for c in councils
    )
    CouncilMembership.objects.bulk_create(
        CouncilMembership(user=user, council=council, role=CouncilMembership.Role.EDITOR)
        for user, council in zip(users, councils, strict=True)
    )
    return councils


def test_a_worker_killed_mid_sweep_and_restarted_ends_with_the_same_clusters_and_no_repeat_alerts(
    worker, lga_officer
):
    councils = councils_with_one_cluster_each(120)
    expected = {
        council.pk: "-".join(str(pk) for pk in sorted(council.events.values_list("pk", flat=True)))
        for council in councils
    }
    worker.start()

    result = sweep_all_councils.delay(batch_size=1)
    wait_for(lambda: Cluster.objects.count() >= 3, what="the sweep to get going", interval=0.01)
    worker.kill()
    done_when_killed = Cluster.objects.count()
    assert 0 < done_when_killed < len(councils), "the worker was not killed mid-sweep"

    # The message is handed out again once the visibility timeout has passed since it was taken.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    worker.start()
    assert result.get(timeout=WAIT)["councils"] >= len(councils)

    clusters = {c.council_id: c for c in Cluster.objects.filter(rule__name="Back-to-back")}
    assert {pk: c.member_key for pk, c in clusters.items()} == expected
    assert Cluster.objects.count() == len(councils)
    # One notice per recipient and cluster: the council's editor and the LGA officer.
    assert Notice.objects.count() == 2 * len(councils)
    assert not Cluster.objects.filter(alerted_at__isnull=True).exists()
    # Never an e-mail twice. At most the e-mails of the one cluster whose alert was claimed
    # just before the kill are lost: the claim commits before the e-mails are sent.
    messages = worker.emails()
    for cluster in clusters.values():
        recipients = emails_about(messages, cluster)
        assert len(recipients) == len(set(recipients)) <= 2
    assert len(messages) >= 2 * len(councils) - 2

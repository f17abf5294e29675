from datetime import date, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError

from inspections.models import Cluster, Notice
from inspections.tasks import recheck_council, sweep_all_councils
from tests.factories import make_event

pytestmark = pytest.mark.django_db

DAY0 = date(2025, 3, 3)


def test_the_recheck_task_run_twice_gives_the_same_rows_and_one_alert(
    council_a, editor_a, lga_officer, django_capture_on_commit_callbacks
):
    make_event(council_a, "jtai", DAY0)
    make_event(council_a, "ilacs_focused_visit", DAY0 + timedelta(days=40))

    with django_capture_on_commit_callbacks(execute=True):
        first = recheck_council.delay(council_a.pk).get()
    rows = list(Cluster.objects.values())
    with django_capture_on_commit_callbacks(execute=True):
        second = recheck_council.delay(council_a.pk).get()

    assert first["created"] == 1 and first["alerted"] == 1
    assert second == {**first, "created": 0, "alerted": 0}
    assert list(Cluster.objects.values()) == rows
    assert len(mail.outbox) == 2 and Notice.objects.count() == 2


def test_saving_an_event_rechecks_its_council_once_the_save_commits(
    council_a, django_capture_on_commit_callbacks
):
    make_event(council_a, "jtai", DAY0)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        make_event(council_a, "ilacs_focused_visit", DAY0 + timedelta(days=40))
    assert not Cluster.objects.exists()  # nothing happens before the commit

    for callback in queued:
        callback()

    assert Cluster.objects.filter(council=council_a).count() == 1


def test_the_sweep_task_rechecks_every_council(council_a, council_b):
    make_event(council_a, "jtai", DAY0)
    make_event(council_a, "ilacs_focused_visit", DAY0 + timedelta(days=40))
    make_event(council_b, "jtai", DAY0)
    make_event(council_b, "ilacs_focused_visit", DAY0 + timedelta(days=95))

    result = sweep_all_councils.delay(batch_size=1).get()

    assert result["councils"] >= 2 and result["created"] == 1
    assert Cluster.objects.get().council == council_a


def test_the_tasks_are_acknowledged_late_and_retry_database_errors_with_back_off():
    for task in (recheck_council, sweep_all_councils):
        assert task.acks_late and task.reject_on_worker_lost
        assert OperationalError in task.autoretry_for
        assert task.retry_backoff and task.retry_jitter and task.max_retries


def test_the_nightly_sweep_is_scheduled_in_the_settings():
    entry = settings.CELERY_BEAT_SCHEDULE["nightly-cluster-sweep"]
    assert entry["task"] == sweep_all_councils.name


def test_the_sweep_command_reports_what_it_found_and_can_stay_silent(council_a, lga_officer):
    make_event(council_a, "jtai", DAY0)
    make_event(council_a, "ilacs_focused_visit", DAY0 + timedelta(days=40))
    out = StringIO()

    call_command("sweep_clusters", "--silent", stdout=out)

    assert "1 clusters found" in out.getvalue() and "0 alerted" in out.getvalue()
    assert Cluster.objects.get().alerted_at is not None and not Notice.objects.exists()

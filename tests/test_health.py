"""/healthz: each part of the service reported, 503 when one fails."""

import json
import os
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from burden import health
from inspections.models import ClusterSweep
from inspections.services.clusters import (
    CLUSTER_SWEEPS_KEPT,
    clusters_sweep,
    clusters_sweep_finished,
)
from tests.runserver import runserver

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def swept(db):
    clusters_sweep_finished(councils=153)


def test_it_is_green_with_every_check_named_and_needs_no_sign_in(client, swept):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    report = response.json()
    assert report["ok"] is True
    assert set(report["checks"]) == {"database", "redis", "worker", "last_sweep"}
    # The fast suite runs tasks eagerly: no worker to ask, and the check says so.
    assert (
        "no broker" in report["checks"]["worker"]["detail"]
        or "celery@" in (report["checks"]["worker"]["detail"])
    )


def test_it_is_red_when_no_sweep_was_ever_recorded(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    check = response.json()["checks"]["last_sweep"]
    assert check == {"ok": False, "detail": "no cluster sweep recorded", "ms": check["ms"]}


def test_it_is_red_when_the_last_sweep_is_stale(client, db):
    clusters_sweep_finished(
        councils=153, when=timezone.now() - timezone.timedelta(hours=health.SWEEP_STALE_HOURS + 1)
    )
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["last_sweep"]["detail"].startswith("stale: ")


def test_a_sweep_of_every_council_is_recorded_but_one_of_a_few_councils_is_not(db):
    clusters_sweep(council_ids=[])
    assert not ClusterSweep.objects.exists()
    clusters_sweep()
    assert ClusterSweep.objects.get().councils >= 0


def test_the_last_sweep_outlives_the_cache(client, swept):
    """The record was kept only in the cache: a Redis restart or flush (Redis here keeps
    nothing on disk) turned /healthz red for up to 26 hours though the sweep had run."""
    cache.clear()
    response = client.get(reverse("healthz"))
    check = response.json()["checks"]["last_sweep"]
    assert check["ok"] is True, check
    assert "(153 councils, " in check["detail"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded SQLite default only")
def test_a_sweep_run_by_a_command_is_reported_by_the_served_app(transactional_db, tmp_path):
    """As `make run`: the sweep runs in a management command (seed_demo there), whose
    local-memory cache dies with it; the app served afterwards answered 503 "no cluster sweep
    recorded" until the nightly sweep."""
    database = tmp_path / "run.sqlite3"
    connection.ensure_connection()  # the migrated test database, written to a file
    destination = sqlite3.connect(str(database))
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DEBUG": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    subprocess.run(
        [sys.executable, "manage.py", "sweep_clusters", "--silent"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    with runserver(env, wait_seconds=120) as base:
        try:
            answer = urllib.request.urlopen(base + "/healthz", timeout=30)
        except urllib.error.HTTPError as error:  # 503 is an answer too
            answer = error
        check = json.loads(answer.read())["checks"]["last_sweep"]
    assert check["ok"] is True, check


def test_it_reports_the_latest_sweep_and_keeps_a_bounded_number(client, db):
    now = timezone.now()
    for hours_ago in range(CLUSTER_SWEEPS_KEPT + 5, 0, -1):
        clusters_sweep_finished(councils=hours_ago, when=now - timezone.timedelta(hours=hours_ago))
    assert ClusterSweep.objects.count() == CLUSTER_SWEEPS_KEPT
    assert ClusterSweep.objects.earliest("finished_at").councils == CLUSTER_SWEEPS_KEPT
    check = client.get(reverse("healthz")).json()["checks"]["last_sweep"]
    assert check["ok"] is True and "(1 councils, " in check["detail"]


def test_a_sweep_that_cannot_be_recorded_leaves_the_callers_transaction_usable(db):
    """Recording never raises, and a failed record must not break the transaction around it
    (seeding the demo sweeps inside its own): Django refuses every later query of an atomic
    block in which one failed, and PostgreSQL every later statement of the transaction."""
    with transaction.atomic():
        clusters_sweep_finished(councils=-1)  # refused by the database: councils >= 0
        clusters_sweep()
    assert ClusterSweep.objects.get().councils >= 0


def test_a_failing_check_is_reported_not_raised(client, swept, monkeypatch):
    def broken():
        raise ConnectionError("Redis went away")

    monkeypatch.setitem(health.CHECKS, "redis", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {
        "ok": False,
        "detail": "ConnectionError: Redis went away",
        "ms": response.json()["checks"]["redis"]["ms"],
    }

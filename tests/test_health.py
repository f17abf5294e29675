"""/healthz: each part of the service reported, 503 when one fails."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from burden import health
from inspections.services.clusters import clusters_sweep


@pytest.fixture
def swept(db):
    health.sweep_finished(councils=153)


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
    health.sweep_finished(
        councils=153, when=timezone.now() - timezone.timedelta(hours=health.SWEEP_STALE_HOURS + 1)
    )
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["last_sweep"]["detail"].startswith("stale: ")


def test_a_sweep_of_every_council_is_recorded_but_one_of_a_few_councils_is_not(db):
    clusters_sweep(council_ids=[])
    assert cache.get(health.LAST_SWEEP_KEY) is None
    clusters_sweep()
    assert cache.get(health.LAST_SWEEP_KEY)["councils"] >= 0


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

"""What `/healthz` reports: can this deployment serve and do its background work right now?

Each check returns a :class:`Check` (ok or not, a short detail, its duration in milliseconds) and
never raises: a health page that errors tells a load balancer or an operator nothing.

- **database**: one ``SELECT 1`` on the default connection.
- **redis**: ``PING`` to the broker (when the broker is Redis) and a set-and-get on the cache.
- **worker**: at least one Celery worker answers a broadcast ``ping`` within
  :data:`WORKER_PING_SECONDS`. With no broker configured tasks run in the web process (the
  embedded default), so there is no worker to ask and the check passes, saying so.
- **last_sweep**: when the cluster sweep of every council (nightly, after each rule change and
  after each start of the production stack) last finished: a ``ClusterSweep`` row in the
  database, written by ``inspections.services.clusters`` (not the cache, which the embedded
  default loses with the command that swept, and Redis with a restart). It fails when none is
  recorded or the last is older than :data:`SWEEP_STALE_HOURS`: the nightly beat job, or the
  worker, is not doing its work.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from inspections.selectors.clusters import cluster_sweep_latest

WORKER_PING_SECONDS = 2.0
# A nightly sweep plus two hours' slack for a long night.
SWEEP_STALE_HOURS = 26


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str
    ms: float


def _timed(check) -> Check:
    started = time.perf_counter()
    try:
        ok, detail = check()
    except Exception as exc:  # a health check reports every failure, never raises
        ok, detail = False, f"{type(exc).__name__}: {exc}"[:300]
    return Check(ok=ok, detail=detail, ms=round((time.perf_counter() - started) * 1000, 1))


def _database() -> tuple[bool, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, connection.vendor


def _redis() -> tuple[bool, str]:
    details = []
    broker = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://")):
        import redis

        client = redis.Redis.from_url(broker, socket_timeout=2, socket_connect_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
        details.append("broker answers")
    probe = f"health:probe:{uuid.uuid4().hex}"
    cache.set(probe, "1", timeout=10)
    if cache.get(probe) != "1":
        return False, "the cache did not keep a value"
    cache.delete(probe)
    details.append(f"cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]} answers")
    return True, "; ".join(details)


def _worker() -> tuple[bool, str]:
    from burden.celery import app

    if app.conf.task_always_eager:
        return True, "no broker: tasks run in the web process"
    replies = app.control.ping(timeout=WORKER_PING_SECONDS, limit=1)
    if not replies:
        return False, f"no Celery worker answered within {WORKER_PING_SECONDS:g} s"
    return True, ", ".join(sorted(name for reply in replies for name in reply))


def _last_sweep() -> tuple[bool, str]:
    sweep = cluster_sweep_latest()
    if sweep is None:
        return False, "no cluster sweep recorded"
    age = timezone.now() - sweep.finished_at
    detail = (
        f"{sweep.finished_at.isoformat()} ({sweep.councils} councils, "
        f"{int(age.total_seconds())} s ago)"
    )
    if age > timedelta(hours=SWEEP_STALE_HOURS):
        return False, f"stale: {detail}"
    return True, detail


CHECKS = {
    "database": _database,
    "redis": _redis,
    "worker": _worker,
    "last_sweep": _last_sweep,
}


def health_report() -> dict:
    """Every check, and ``ok`` when all pass: ``{"ok": bool, "checks": {name: {...}}}``."""
    checks = {name: _timed(check) for name, check in CHECKS.items()}
    return {
        "ok": all(check.ok for check in checks.values()),
        "checks": {name: asdict(check) for name, check in checks.items()},
    }

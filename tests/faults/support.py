"""Real processes for the fault tests: a private Redis server, Celery workers and beat, gunicorn.

Each runs on the test database and on ports of this project's range, is started by its test,
and is stopped by it (a Redis server stopped mid-test is this test's own, never the shared one).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

# The ports this project's fault tests may listen on.
PORTS = range(8121, 8129)
WAIT = 120  # seconds: the most any wait below may take before the test gives up
# The integration tests' services: .ci/run's second pass points these at PostgreSQL and Redis.
REAL_SERVICES = settings.CELERY_BROKER_URL.startswith("redis") and settings.DATABASES["default"][
    "ENGINE"
].endswith("postgresql")


def wait_for(condition, *, what, timeout=WAIT, interval=0.05):
    """Poll until condition() is truthy; fail, naming what was awaited, after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"Gave up after {timeout} s waiting for {what}")


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"No free port in {PORTS.start}-{PORTS.stop - 1}")


def database_url_of_tests() -> str:
    """The test database (not the one DATABASE_URL names), for the processes started here."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def terminate_other_backends() -> int:
    """pg_terminate_backend every other session on the test database; how many there were."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


class RedisServer:
    """A redis-server of the test's own, on a private port, that the test may stop and start."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.dir = tmp_path / f"redis-{self.port}"
        self.dir.mkdir()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        wait_for(lambda: _pings(client), what=f"Redis on port {self.port}", timeout=20)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


def _pings(client) -> bool:
    try:
        return client.ping()
    except Exception:
        return False


class Process:
    """A `celery -A burden ...` or gunicorn process on the test database."""

    def __init__(self, tmp_path: Path, name: str, command: list[str], env: dict):
        self.log = tmp_path / f"{name}-{uuid.uuid4().hex[:6]}.log"
        self.command = command
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "burden.settings",
            "DATABASE_URL": database_url_of_tests(),
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> Process:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no chance to hand a running task back."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def celery_worker(tmp_path, env: dict) -> Process:
    return Process(
        tmp_path,
        "worker",
        [sys.executable, "-m", "celery", "-A", "burden", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
         f"--hostname=burden-fault-{uuid.uuid4().hex[:8]}@%h"],
        env,
    )  # fmt: skip


def celery_beat(tmp_path, env: dict) -> Process:
    return Process(
        tmp_path,
        "beat",
        [sys.executable, "-m", "celery", "-A", "burden", "beat", "--loglevel=INFO",
         f"--schedule={tmp_path / ('beat-' + uuid.uuid4().hex[:6])}"],
        env,
    )  # fmt: skip


def gunicorn(tmp_path, port: int, env: dict) -> Process:
    return Process(
        tmp_path,
        "gunicorn",
        [sys.executable, "-m", "gunicorn", "burden.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--threads", "1"],
        env,
    )  # fmt: skip

"""The embedded SQLite default serves several people at once (issue #13).

A real server process (`manage.py runserver`, threaded, as `make run` starts it) on a file
SQLite database; four people press "Sign in" at the same moment. Before WAL, a busy timeout and
IMMEDIATE transactions, three of the four answered 500 "database is locked".
"""

import http.cookiejar
import os
import re
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import connection

from tests.runserver import runserver

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = 4
PASSWORD = "a-long-enough-password-13"


def _environment(database: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        # DEBUG on serves the static files without collecting them; the database is the same.
        "DEBUG": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DATABASE_URL": f"sqlite:///{database}",
    }


def _copy_of_the_test_database(target: Path) -> None:
    """The migrated test database, with its committed rows, written to a file (SQLite's backup
    API: seconds, where migrating a new file takes minutes on a busy machine)."""
    connection.ensure_connection()
    destination = sqlite3.connect(str(target))
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def _sign_in(base: str, username: str, start: threading.Barrier, results: dict):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(base + "/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
    ).encode()
    request = urllib.request.Request(
        base + "/accounts/login/", data=body, headers={"Referer": base + "/accounts/login/"}
    )
    start.wait(timeout=60)
    try:
        # A successful sign-in redirects (302) to the home page, which opens signed in.
        answer = opener.open(request, timeout=60)
        page = answer.read().decode()
        results[username] = (answer.status, f"Signed in as <strong>{username}</strong>" in page)
    except urllib.error.HTTPError as error:
        results[username] = (error.code, error.read().decode()[:300])


def test_the_default_sqlite_settings_wait_for_the_lock_in_wal_mode():
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert options["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in options["init_command"]
        assert options["timeout"] >= 5


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded SQLite default only")
def test_four_simultaneous_sign_ins_on_a_file_sqlite_database_all_succeed(
    transactional_db, tmp_path
):
    for n in range(PEOPLE):
        # The server's own password hasher (the tests' settings use a fast one).
        User.objects.create(
            username=f"person{n}", password=make_password(PASSWORD, hasher="pbkdf2_sha256")
        )
    database = tmp_path / "several-users.sqlite3"
    _copy_of_the_test_database(database)
    env = _environment(database)
    journal = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.db import connection; c = connection.cursor(); "
         "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert journal.stdout.strip().splitlines()[-1] == "wal"

    with runserver(env, wait_seconds=120) as base:
        start = threading.Barrier(PEOPLE)
        results: dict = {}
        threads = [
            threading.Thread(target=_sign_in, args=(base, f"person{n}", start, results))
            for n in range(PEOPLE)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert results == {f"person{n}": (200, True) for n in range(PEOPLE)}

"""Backup and restore of the whole database: one file holds every table (events, staff time,
history, councils, users, rules, clusters, the outbox), restorable into an empty database.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore`` (the client tools of the server's
major version, or newer), run with the connection settings Django uses; the password goes to
them through the environment, never the command line. SQLite (the embedded default): the
database file copied with SQLite's online backup API, consistent while the app runs.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    """The dump or the restore failed; the message says why (the tool's own words)."""


def _pg_arguments(settings: dict) -> tuple[list[str], dict]:
    args = []
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", str(settings["USER"])]
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed: install PostgreSQL's client tools.")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip() or done.returncode}")


def _sqlite_copy(source_path, target_path) -> None:
    """SQLite's online backup API: a consistent copy even while the app writes."""
    source = sqlite3.connect(str(source_path))
    target = sqlite3.connect(str(target_path))
    try:
        with target:
            source.backup(target)
    finally:
        source.close()
        target.close()


def database_backup(path: Path, *, using: str = "default") -> Path:
    """Write a complete dump of the database to ``path`` and return it."""
    settings = connections[using].settings_dict
    vendor = connections[using].vendor
    path = Path(path)
    if vendor == "postgresql":
        args, env = _pg_arguments(settings)
        _run(
            ["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges",
             "--file", str(path), str(settings["NAME"])],
            env,
        )  # fmt: skip
    elif vendor == "sqlite":
        _sqlite_copy(settings["NAME"], path)
    else:
        raise BackupError(f"Backups of a {vendor} database are not supported.")
    return path


def database_restore(path: Path, *, using: str = "default") -> None:
    """Restore a dump made by :func:`database_backup` into the database, replacing what it
    holds, in one transaction (all or nothing). Stop the web, worker and beat first."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    connection = connections[using]
    settings = connection.settings_dict
    connection.close()
    if connection.vendor == "postgresql":
        args, env = _pg_arguments(settings)
        _run(
            ["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", "--exit-on-error", "--dbname", str(settings["NAME"]),
             str(path)],
            env,
        )  # fmt: skip
    elif connection.vendor == "sqlite":
        _sqlite_copy(path, settings["NAME"])
    else:
        raise BackupError(f"Restoring a {connection.vendor} database is not supported.")

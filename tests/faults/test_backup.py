"""Backup and restore (manage.py backup / restore, pg_dump / pg_restore) on the real PostgreSQL:
a database restored from a backup into an empty database exports the same bytes."""

import subprocess
import sys
from datetime import date

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from inspections.exports import EXPORTS
from inspections.services.clusters import council_clusters_recheck
from tests.factories import ensure_reference_data, make_event, make_hours

from .support import database_url_of_tests

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs DATABASE_URL at PostgreSQL (as in .ci/run's second pass)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def manage(*args: str, database_url: str) -> bytes:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "burden.settings",
             "DATABASE_URL": database_url},
        capture_output=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    return done.stdout


def exports_of(database_url: str, folder) -> dict[str, bytes]:
    """Every CSV export of the database, written by one process (`manage.py export` each)."""
    folder.mkdir()
    script = (
        "import django; django.setup(); from django.core.management import call_command\n"
        f"for name in {sorted(EXPORTS)!r}:\n"
        f"    call_command('export', name, output=f'{folder}/{{name}}.csv')\n"
    )
    manage("shell", "-c", script, database_url=database_url)
    return {name: (folder / f"{name}.csv").read_bytes() for name in sorted(EXPORTS)}


@pytest.fixture
def empty_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield database_url_of_tests().rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_into_an_empty_database_exports_the_same_bytes(
    tmp_path, council_a, council_b, editor_a, empty_database
):
    ensure_reference_data()
    jtai = make_event(council_a, "jtai", date(2025, 3, 3), notes="Front door, “quoted”")
    make_hours(jtai, 37.5)
    visit = make_event(council_a, "ilacs_focused_visit", date(2025, 4, 14))
    make_hours(visit, 12, team="managers", phase="after", people=2)
    make_event(council_b, "area_send_full", date(2024, 6, 3))
    visit.delete()  # kept in the history, which the backup holds too
    council_clusters_recheck(council_id=council_a.pk)
    source = database_url_of_tests()
    before = exports_of(source, tmp_path / "before")
    dump = tmp_path / "backup.dump"

    manage("backup", "--output", str(dump), database_url=source)
    manage("restore", "--yes", str(dump), database_url=empty_database)

    assert exports_of(empty_database, tmp_path / "after") == before
    assert b"Front door" in before["events"] and b"Lakeshire" in before["events"]
    with psycopg.connect(empty_database.replace("postgres://", "postgresql://")) as restored:
        deleted = restored.execute(
            "SELECT count(*) FROM inspections_historicalinspectionevent WHERE history_type = '-'"
        ).fetchone()[0]
    assert deleted == 1

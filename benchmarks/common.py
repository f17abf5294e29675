"""Shared set-up for the benchmarks: Django on PostgreSQL with national-scale demo data.

Each benchmark is a script, `python -m benchmarks.<name>`, that prints its figures and writes
them to `benchmarks/results/<name>.json`. `make benchmark` runs them all. They need
`DATABASE_URL` to point at PostgreSQL (default: a local `burden_bench` database) and seed it at
national scale (`seed_demo --size national`) when it holds less than that.
"""

import json
import os
import platform
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/burden_bench"
NATIONAL_MIN_EVENTS = 30_000


def setup_django() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "burden.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL to a PostgreSQL database.")


def ensure_database_exists() -> None:
    """Create the benchmark database if it does not exist yet (PostgreSQL only)."""
    import psycopg
    from dj_database_url import parse

    cfg = parse(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    with psycopg.connect(
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def ensure_national_data() -> dict:
    """Migrate, load the register, the published ILACS, SEND and youth justice histories (as
    `make run` does) and seed national-scale demo data, unless already there."""
    from django.core.management import call_command

    from inspections.models import InspectionEvent, StaffTime

    call_command("migrate", verbosity=0)
    seeded = False
    if InspectionEvent.objects.count() < NATIONAL_MIN_EVENTS:
        call_command("load_councils", verbosity=0)
        for source in ("ilacs", "send", "hmip"):
            call_command("import_published", source, verbosity=0)
        started = time.monotonic()
        call_command("seed_demo", size="national", no_users=True, verbosity=0)
        seeded = time.monotonic() - started
    elif not InspectionEvent.objects.filter(inspection_type__code="hmip_youth_justice").exists():
        # A database seeded before the youth justice history was loaded by `make run`.
        call_command("import_published", "hmip", verbosity=0)
    vacuum_analyze()
    return {
        "events": InspectionEvent.objects.count(),
        "staff_time_rows": StaffTime.objects.count(),
        "seed_seconds": seeded or None,
    }


def vacuum_analyze() -> None:
    """VACUUM (ANALYZE) the database on PostgreSQL, as autovacuum does on a server that runs it
    (some, such as this project's development machines, run with it off): without it no table
    loaded in bulk is ever vacuumed, so index-only scans read the table too, and the figures
    would measure the server's settings rather than the app. Quick when nothing changed."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def write_results(name: str, figures: dict) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    payload = {
        "benchmark": name,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        **figures,
    }
    # The machine is shared: every result says how busy it was (the README repeats it).
    payload.setdefault("load_average", {"at_write": [round(v, 2) for v in os.getloadavg()]})
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    print(json.dumps(payload, indent=2, default=str))
    print(f"Written to {path.relative_to(RESULTS_DIR.parent.parent)}")
    from benchmarks.readme import regenerate

    regenerate()
    return path


def timed(fn, *, repeat: int = 5) -> dict:
    """Run fn `repeat` times; return the best and median wall time in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"best_ms": round(times[0], 2), "median_ms": round(times[len(times) // 2], 2)}

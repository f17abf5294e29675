"""CSV exports and imports at national scale: `python -m benchmarks.exports`.

On the national-scale demo database (153 councils x 15 years, ~40k events, ~2M staff-time rows)
it measures:

- the staff-time export of every row, as an administrator:
  - through the view (Django's test client, the stream consumed chunk by chunk);
  - through `manage.py export staff_time --output FILE`, in a child process under
    `/usr/bin/time -v`, for its own peak memory;
  - against PostgreSQL's `COPY (the same query) TO STDOUT WITH CSV` on the same data (and, for
    comparison, COPY of the bare columns, without the apostrophes and yes/no the export adds);
  each in turn, three rounds, the best of each kept (the machine is shared);
  goals: at least 50% of COPY's rows per second, and under 150 MB peak memory for the command;
- the import of a generated file of 50,000 events (50 councils x 1,000 events), then the same
  file again (every row unchanged), then 50,000 staff-time rows for those events; each as the
  Celery task runs it (`import_job_run`), in a child process on a scratch database
  (`IMPORT_DATABASE_URL`, default a local `burden_bench_imports`, created and given the council
  register if need be) so the national data is never written, its rows deleted afterwards; the
  follow-up tasks are queued on `IMPORT_BROKER_URL` (default Redis database 15) and purged.

Figures are printed and written to benchmarks/results/exports.json.
"""

import csv
import io
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks.common import (
    ensure_database_exists,
    ensure_national_data,
    peak_memory_mb,
    setup_django,
    write_results,
)

THROUGHPUT_GOAL = 0.5  # of COPY's rows per second
MEMORY_GOAL_MB = 150
IMPORT_EVENTS = 50_000
ROUNDS = 3
SCRATCH_COUNCILS = 50
# The imports run in a scratch database and queue their follow-up tasks on a Redis database of
# their own, so the national-scale data is never written to.
IMPORT_DATABASE_URL = os.environ.get(
    "IMPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/burden_bench_imports"
)
IMPORT_BROKER_URL = os.environ.get("IMPORT_BROKER_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parent.parent


def copy_export(sql: str) -> dict:
    """PostgreSQL's own CSV writer on the same query: the speed a Python export is held to."""
    from django.db import connection

    started = time.perf_counter()
    size = 0
    lines = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH CSV") as copy,
    ):
        for block in copy:
            size += len(block)
            lines += bytes(block).count(b"\n")
    return {"seconds": time.perf_counter() - started, "bytes": size, "lines": lines}


def view_export(user) -> dict:
    from django.test import Client

    client = Client()
    client.force_login(user)
    started = time.perf_counter()
    response = client.get("/exports/staff-time.csv")
    size = 0
    lines = 0
    chunks = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
        chunks += 1
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "bytes": size,
        "lines": lines,
        "chunks": chunks,
        "streaming": response.streaming,
    }


def command_export() -> dict:
    """The command in a child process, so that its peak memory is its own."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "staff-time.csv"
        started = time.perf_counter()
        completed = subprocess.run(
            [
                "/usr/bin/time",
                "-v",
                sys.executable,
                "manage.py",
                "export",
                "staff_time",
                "--output",
                str(target),
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - started
        peak_kb = int(
            re.search(r"Maximum resident set size \(kbytes\): (\d+)", completed.stderr)[1]
        )
        size = lines = 0
        with open(target, "rb") as handle:
            while block := handle.read(1 << 20):
                size += len(block)
                lines += block.count(b"\n")
    return {
        "seconds": seconds,
        "bytes": size,
        "lines": lines,
        "peak_memory_mb": round(peak_kb / 1024, 1),
    }


def events_file(councils, types) -> bytes:
    """50 councils x 1,000 events: each a week apart, of rotating types, all valid."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "council_gss_code",
            "inspection_type",
            "notified_on",
            "on_site_start",
            "on_site_end",
            "published_on",
            "outcome",
            "notes",
        ]
    )
    per_council = IMPORT_EVENTS // len(councils)
    for council in councils:
        for n in range(per_council):
            itype, outcome = types[n % len(types)]
            # From February 2000: notified 10 days before, within the plausible dates (2000 on).
            start = date(2000, 2, 7) + timedelta(weeks=n // 2, days=n % 2)
            end = start + timedelta(days=1)
            writer.writerow(
                [
                    council.gss_code,
                    itype.code,
                    (start - timedelta(days=10)).isoformat(),
                    start.isoformat(),
                    end.isoformat(),
                    (end + timedelta(days=40)).isoformat(),
                    outcome,
                    "Benchmark",
                ]
            )
    return buffer.getvalue().encode("utf-8")


def staff_time_file(events_csv: bytes) -> bytes:
    """One staff-time row per event of the events file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["council_gss_code", "inspection_type", "on_site_start", "team", "phase", "staff_hours"]
    )
    for row in csv.DictReader(io.StringIO(events_csv.decode("utf-8"))):
        writer.writerow(
            [row["council_gss_code"], row["inspection_type"], row["on_site_start"], "data",
             "preparation", "37.5"]
        )  # fmt: skip
    return buffer.getvalue().encode("utf-8")


def import_child() -> None:
    """The import figures, in a scratch database (this helper's own), printed as JSON.

    Run as the Celery task runs it: ``import_job_run`` in autocommit, its progress written as
    it goes, the whole file saved in one transaction, the follow-up tasks queued on the broker.
    The benchmark's rows are deleted at the end.
    """
    import json
    import resource

    ensure_database_exists()
    setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from burden.celery import app
    from councils.models import Council
    from inspections.models import ImportJob, InspectionEvent, InspectionType, StaffTime
    from inspections.services import imports

    call_command("migrate", verbosity=0)
    if Council.objects.count() < 150:
        call_command("load_councils", verbosity=0)
    InspectionEvent.objects.filter(source_reference__startswith="benchmark-").delete()
    admin, _ = get_user_model().objects.get_or_create(
        username="benchmark.admin", defaults={"is_superuser": True, "is_staff": True}
    )
    councils = list(Council.objects.order_by("dfe_number")[:SCRATCH_COUNCILS])
    types = []
    for itype in InspectionType.objects.prefetch_related("outcomes").order_by("code"):
        outcomes = list(itype.outcomes.all())
        types.append((itype, outcomes[0].code if outcomes else ""))
    content = events_file(councils, types)
    staff = staff_time_file(content)
    assert len(content) <= settings.IMPORT_MAX_BYTES, "the file is over the upload bound"

    def job_run(kind, data, name):
        job = imports.import_job_create(kind=kind, file_name=name, content=data, user=admin)
        started = time.perf_counter()
        job = imports.import_job_run(job_id=job.pk)
        seconds = time.perf_counter() - started
        assert job.status == ImportJob.Status.DONE, job.result.get("errors", [])[:5]
        return job.result, seconds

    figures = {}
    result, seconds = job_run(imports.EVENTS, content, "benchmark-events.csv")
    assert result["created"] == IMPORT_EVENTS
    figures["events_first_import"] = {
        "rows": IMPORT_EVENTS,
        "file_bytes": len(content),
        "seconds": round(seconds, 2),
        "rows_per_second": round(IMPORT_EVENTS / seconds),
    }
    result, seconds = job_run(imports.EVENTS, content, "benchmark-events.csv")
    assert result["unchanged"] == IMPORT_EVENTS
    figures["events_reimport_unchanged"] = {
        "rows": IMPORT_EVENTS,
        "seconds": round(seconds, 2),
        "rows_per_second": round(IMPORT_EVENTS / seconds),
    }
    result, seconds = job_run(imports.STAFF_TIME, staff, "benchmark-hours.csv")
    assert result["entries_added"] == IMPORT_EVENTS
    figures["staff_time_first_import"] = {
        "rows": IMPORT_EVENTS,
        "file_bytes": len(staff),
        "seconds": round(seconds, 2),
        "rows_per_second": round(IMPORT_EVENTS / seconds),
    }
    assert StaffTime.objects.filter(event__source_reference="benchmark-events.csv").count() == (
        IMPORT_EVENTS
    )
    figures["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    InspectionEvent.objects.filter(source_reference__startswith="benchmark-").delete()
    app.control.purge()  # the queued cluster re-checks: no worker runs in this benchmark
    print(json.dumps(figures))


def import_benchmark() -> dict:
    import json

    env = {
        **os.environ,
        "DATABASE_URL": IMPORT_DATABASE_URL,
        "CELERY_BROKER_URL": IMPORT_BROKER_URL,
        # As a worker runs in production: DEBUG off, so no log of every query is kept.
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-secret-key-not-for-use"),
    }
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.exports", "--import-child"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode:
        raise SystemExit(completed.stderr)
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    figures["database"] = "a scratch database with the council register and no other events"
    return figures


def consume(client, url: str) -> dict:
    started = time.perf_counter()
    response = client.get(url)
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    return {"seconds": time.perf_counter() - started, "bytes": size, "lines": lines}


def events_export_figures(admin) -> dict:
    """The England events CSV (every event, all time) against COPY of its own query, and the
    England summary CSV; three rounds in turn, best of each."""
    from django.db import connection
    from django.db.models import F
    from django.test import Client

    from councils.access import access_for
    from inspections.exports import (
        EVENT_COLUMNS,
        VALUE,
        ExportFilters,
        events_for_export,
        ready_to_write,
    )

    client = Client()
    client.force_login(admin)
    query = ready_to_write(
        events_for_export(access_for(admin), ExportFilters()).annotate(event_id=F("pk")),
        [("", "event_id", VALUE), *EVENT_COLUMNS],
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        sql = cursor.mogrify(sql, params)
    load_before = os.getloadavg()
    runs = {"copy": [], "view": [], "summary": []}
    for _ in range(ROUNDS):
        runs["copy"].append(copy_export(sql))
        runs["view"].append(consume(client, "/exports/events.csv"))
        runs["summary"].append(consume(client, "/exports/summary.csv?date_from="))
    best = {name: min(results, key=lambda r: r["seconds"]) for name, results in runs.items()}
    rows = best["copy"]["lines"]
    assert best["view"]["lines"] == rows + 1, (best["view"]["lines"], rows)
    share = round(best["copy"]["seconds"] / best["view"]["seconds"], 2)
    return {
        "rows": rows,
        "rounds": ROUNDS,
        "load_average_before": [round(v, 2) for v in load_before],
        "copy": {
            "seconds": round(best["copy"]["seconds"], 2),
            "rows_per_second": round(rows / best["copy"]["seconds"]),
            "bytes": best["copy"]["bytes"],
            "runs_seconds": [round(r["seconds"], 2) for r in runs["copy"]],
        },
        "view": {
            "seconds": round(best["view"]["seconds"], 2),
            "rows_per_second": round(rows / best["view"]["seconds"]),
            "bytes": best["view"]["bytes"],
            "share_of_copy": share,
            "runs_seconds": [round(r["seconds"], 2) for r in runs["view"]],
        },
        "summary": {
            "seconds": round(best["summary"]["seconds"], 2),
            "bytes": best["summary"]["bytes"],
            "runs_seconds": [round(r["seconds"], 2) for r in runs["summary"]],
        },
        "goal_share_of_copy_at_least": THROUGHPUT_GOAL,
        "goal_met": share >= THROUGHPUT_GOAL,
    }


def events_only() -> None:
    """`--events`: measure only the events and summary CSVs, into the existing results."""
    import json

    from benchmarks.common import RESULTS_DIR
    from benchmarks.readme import regenerate

    ensure_database_exists()
    setup_django()
    ensure_national_data()
    from django.contrib.auth import get_user_model
    from django.test.utils import setup_test_environment

    setup_test_environment()
    admin, _ = get_user_model().objects.get_or_create(
        username="benchmark.admin", defaults={"is_superuser": True, "is_staff": True}
    )
    path = RESULTS_DIR / "exports.json"
    results = json.loads(path.read_text())
    figures = events_export_figures(admin)
    figures["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    results["events_export"] = figures
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(json.dumps(figures, indent=2))
    regenerate()


def main() -> None:
    if "--import-child" in sys.argv:
        import_child()
        return
    if "--events" in sys.argv:
        events_only()
        return
    ensure_database_exists()
    setup_django()
    data = ensure_national_data()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import setup_test_environment

    from councils.access import access_for
    from inspections.exports import STAFF_TIME_COLUMNS, ExportFilters, staff_time_for_export
    from inspections.models import StaffTime

    setup_test_environment()  # lets the test client talk to the app ("testserver")
    admin, _ = get_user_model().objects.get_or_create(
        username="benchmark.admin", defaults={"is_superuser": True, "is_staff": True}
    )
    rows = data["staff_time_rows"]
    load_at_start = os.getloadavg()
    baseline_mb = peak_memory_mb()

    def sql_of(queryset) -> str:
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            return cursor.mogrify(sql, params)

    export_query = staff_time_for_export(access_for(admin), ExportFilters())
    # The same rows and order with the columns as stored (no apostrophes, no yes/no): COPY's
    # speed on the bare data, for comparison.
    bare_query = StaffTime.objects.order_by(*export_query.query.order_by).values_list(
        *[field for _, field, _ in STAFF_TIME_COLUMNS if isinstance(field, str)], "is_demo"
    )
    export_sql, bare_sql = sql_of(export_query), sql_of(bare_query)

    # Rounds in turn, best of each: the machine is shared, so any one run can be slowed.
    runs = {"copy": [], "copy_bare": [], "view": [], "command": []}
    view = command = None
    for _ in range(ROUNDS):
        runs["copy"].append(copy_export(export_sql))
        runs["copy_bare"].append(copy_export(bare_sql))
        runs["view"].append(view_export(admin))
        runs["command"].append(command_export())
    # This process's peak: the views' streams and the COPY reads, never a whole file.
    view_peak_mb = peak_memory_mb()
    best = {name: min(results, key=lambda r: r["seconds"]) for name, results in runs.items()}
    copy, bare, view, command = best["copy"], best["copy_bare"], best["view"], best["command"]

    assert copy["lines"] == rows, (copy["lines"], rows)
    assert view["lines"] == rows + 1 and command["lines"] == rows + 1  # with the header

    def rate(seconds):
        return round(rows / seconds)

    def times(name):
        return [round(r["seconds"], 2) for r in runs[name]]

    export_figures = {
        "rows": rows,
        "rounds": ROUNDS,
        "copy": {
            "seconds": round(copy["seconds"], 2),
            "rows_per_second": rate(copy["seconds"]),
            "bytes": copy["bytes"],
            "runs_seconds": times("copy"),
        },
        "copy_bare_columns": {
            "seconds": round(bare["seconds"], 2),
            "rows_per_second": rate(bare["seconds"]),
            "runs_seconds": times("copy_bare"),
        },
        "view": {
            "seconds": round(view["seconds"], 2),
            "rows_per_second": rate(view["seconds"]),
            "share_of_copy": round(copy["seconds"] / view["seconds"], 2),
            "share_of_copy_bare_columns": round(bare["seconds"] / view["seconds"], 2),
            "runs_seconds": times("view"),
            "bytes": view["bytes"],
            "chunks": view["chunks"],
            "streaming": view["streaming"],
            "process_peak_memory_mb": view_peak_mb,
            "process_memory_before_mb": baseline_mb,
        },
        "command": {
            "seconds": round(command["seconds"], 2),
            "rows_per_second": rate(command["seconds"]),
            "share_of_copy": round(copy["seconds"] / command["seconds"], 2),
            "share_of_copy_bare_columns": round(bare["seconds"] / command["seconds"], 2),
            "runs_seconds": times("command"),
            "bytes": command["bytes"],
            "peak_memory_mb": max(r["peak_memory_mb"] for r in runs["command"]),
            "same_bytes_as_view": command["bytes"] == view["bytes"],
        },
    }
    export_figures["goals"] = {
        "share_of_copy_at_least": THROUGHPUT_GOAL,
        "peak_memory_mb_under": MEMORY_GOAL_MB,
        "view_met": export_figures["view"]["share_of_copy"] >= THROUGHPUT_GOAL,
        "command_met": export_figures["command"]["share_of_copy"] >= THROUGHPUT_GOAL
        and export_figures["command"]["peak_memory_mb"] < MEMORY_GOAL_MB,
    }
    load_after_exports = os.getloadavg()
    write_results(
        "exports",
        {
            "data": data,
            "load_average_at_start": load_at_start,
            "load_average_after_exports": load_after_exports,
            "staff_time_export": export_figures,
            "events_export": events_export_figures(admin),
            "import": import_benchmark(),
            "load_average_at_end": os.getloadavg(),
        },
    )


if __name__ == "__main__":
    main()

"""Fifty signed-in people at once against the production stack: `python -m benchmarks.load`.

On the national-scale database (DATABASE_URL, seeded as the other benchmarks do), it starts
`make serve-prod`'s stack (scripts/serve-prod: gunicorn, a Celery worker and beat, DEBUG off,
Redis cache) on the loopback, creates LOAD_USERS signed-in users (council editors, council
viewers and LGA officers) and runs locust headless (benchmarks/locustfile.py: page views,
filtered dashboards, event and staff-time saves, CSV exports) for LOAD_SECONDS after every user
has started. It writes requests per second, p50, p95, p99 and errors per endpoint, the
machine's load average before, during and after, and the CPU time of a cached page (measured
in this process, the server idle) to benchmarks/results/load.json, then regenerates the README's
table (benchmarks/readme.py).

Also measured, once each: the staff-time form of the event with the most entries (drawn, and
posted back as it is) and the CPU time of the default England dashboard with its figures cached.

Environment: DATABASE_URL (default a local burden_bench), LOAD_BROKER_URL (Redis for the stack's
broker and cache, default redis://127.0.0.1:6379/12), LOAD_PORT (8400), LOAD_USERS (50),
LOAD_SECONDS (120), LOAD_SPAWN_RATE (5 users a second); LOAD_KEEP_DIR, a folder to keep the raw
samples and the server's timing log in.
"""

import contextlib
import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.common import ensure_database_exists, ensure_national_data, setup_django

ROOT = Path(__file__).resolve().parent.parent
BROKER_URL = os.environ.get("LOAD_BROKER_URL", "redis://127.0.0.1:6379/12")
PORT = int(os.environ.get("LOAD_PORT", "8400"))
USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "120"))
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "5"))
PASSWORD = "load-benchmark-password-7Qx"  # noqa: S105 - benchmark users on a benchmark database
GOALS = {"p95_ms_under": 500, "errors": 0, "cached_page_cpu_ms_under": 20}
EDITOR_COUNCILS = 30
VIEWERS = 12
BASE = f"http://127.0.0.1:{PORT}"


def load_users() -> dict:
    """Editors of 30 councils, viewers of 12 more, LGA officers for the rest; their events."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from councils.models import Council, CouncilMembership, LgaOfficer, Region
    from inspections.models import InspectionEvent, Source

    User = get_user_model()
    rng = random.Random(14)
    councils = list(Council.objects.filter(is_active=True).order_by("gss_code"))
    chosen = rng.sample(councils, EDITOR_COUNCILS + VIEWERS)
    password = make_password(PASSWORD)
    users = []
    for n in range(USERS):
        username = f"load.user.{n:02d}"
        user, _ = User.objects.update_or_create(
            username=username, defaults={"password": password, "email": f"{username}@example.org"}
        )
        CouncilMembership.objects.filter(user=user).delete()
        LgaOfficer.objects.filter(user=user).delete()
        if n < EDITOR_COUNCILS + VIEWERS:
            council = chosen[n]
            role = "editor" if n < EDITOR_COUNCILS else "viewer"
            CouncilMembership.objects.create(user=user, council=council, role=role)
        else:
            council = rng.choice(councils)
            role = "lga"
            LgaOfficer.objects.create(user=user)
        events = list(
            InspectionEvent.objects.filter(council=council, source=Source.DEMO)
            .order_by("pk")
            .values_list("pk", flat=True)[:40]
        )
        users.append(
            {
                "username": username,
                "council": council.slug,
                "editor": role == "editor",
                "events": events,
            }
        )
    return {
        "password": PASSWORD,
        "users": users,
        "regions": list(Region.objects.order_by("slug").values_list("slug", flat=True)),
    }


class Stack:
    """`scripts/serve-prod` in its own process group, stopped with everything it started."""

    def __init__(self, log: Path):
        self.log = log
        self.process = None

    def __enter__(self):
        env = {
            **os.environ,
            "CELERY_BROKER_URL": BROKER_URL,
            "PORT": str(PORT),
            "CELERY_BEAT_SCHEDULE_FILE": str(self.log.parent / "celerybeat-schedule"),
            "SECRET_KEY": "load-benchmark-secret-key-not-for-use",
            "GUNICORN_ACCESS_LOG": "",
            "GUNICORN_TIMING_LOG": str(self.log.parent / "timing.jsonl"),
        }
        env.pop("DEBUG", None)
        self.process = subprocess.Popen(
            [str(ROOT / "scripts" / "serve-prod")],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 300
        import requests

        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"serve-prod stopped:\n{self.log.read_text()[-4000:]}")
            try:
                if requests.get(f"{BASE}/healthz", timeout=10).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(2)
        raise SystemExit(f"serve-prod not healthy after 300 s:\n{self.log.read_text()[-4000:]}")

    def __exit__(self, *exc):
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)


class LoadSampler(threading.Thread):
    """The 1-minute load average every 5 s while the load runs."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.wait(5):
            self.samples.append(os.getloadavg()[0])


def run_locust(users_file: Path, folder: Path) -> list:
    """Run locust headless; the samples it recorded (name, ms, failed, time)."""
    samples = folder / "samples.json"
    subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "locustfile.py"),
            "--headless", "--users", str(USERS), "--spawn-rate", str(SPAWN_RATE),
            "--run-time", f"{SECONDS + int(USERS / SPAWN_RATE)}s", "--host", BASE,
            "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "30",
        ],
        cwd=ROOT,
        env={**os.environ, "LOAD_USERS_FILE": str(users_file), "LOAD_SAMPLES_FILE": str(samples)},
        check=False,
    )  # fmt: skip
    return json.loads(samples.read_text())


def _percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted values."""
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return round(ordered[index], 1)


def endpoint_figures(samples: list) -> tuple[dict, dict]:
    """Requests, requests per second, p50/p95/p99 and errors per endpoint and for all."""
    if not samples:
        raise SystemExit("locust recorded no requests")
    first = min(s[3] for s in samples)
    seconds = max(s[3] for s in samples) - first or 1

    def figures(rows):
        times = sorted(r[1] for r in rows)
        return {
            "requests": len(rows),
            "errors": sum(1 for r in rows if r[2]),
            # What each error was and when (seconds after the first measured request).
            "error_details": [{"at_s": round(r[3] - first, 1), "what": r[2]} for r in rows if r[2]][
                :20
            ],
            "requests_per_second": round(len(rows) / seconds, 2),
            "p50_ms": _percentile(times, 0.50),
            "p95_ms": _percentile(times, 0.95),
            "p99_ms": _percentile(times, 0.99),
            "mean_ms": round(sum(times) / len(times), 1),
        }

    by_name: dict[str, list] = {}
    for sample in samples:
        by_name.setdefault(sample[0], []).append(sample)
    return {name: figures(rows) for name, rows in sorted(by_name.items())}, figures(samples)


def server_figures(timing_log: Path, since: float) -> dict:
    """Per URL name, as the server saw it (burden/gunicorn_conf.py's timing log): requests, the
    server's time from request to last byte (p50, p95) and the Python CPU time of the thread that
    served it (median, p95, total), in ms, for requests started after ``since`` (epoch seconds).

    The server's time left out of the client's is time spent queueing for a worker; the CPU
    totals say which pages the two cores went on."""
    from django.urls import Resolver404, resolve

    rows: dict[str, list] = {}
    if not timing_log.exists():
        return {}
    for line in timing_log.read_text().splitlines():
        entry = json.loads(line)
        if entry["at"] - entry["wall_ms"] / 1000 < since:
            continue
        try:
            name = resolve(entry["path"]).url_name or entry["path"]
        except Resolver404:
            name = "(not found)"
        rows.setdefault(f"{entry['method']} {name}", []).append(entry)
    figures = {}
    for name, entries in sorted(rows.items()):
        wall = sorted(e["wall_ms"] for e in entries)
        cpu = sorted(e["cpu_ms"] for e in entries)
        figures[name] = {
            "requests": len(entries),
            "server_p50_ms": _percentile(wall, 0.50),
            "server_p95_ms": _percentile(wall, 0.95),
            "cpu_median_ms": _percentile(cpu, 0.50),
            "cpu_p95_ms": _percentile(cpu, 0.95),
            "cpu_total_s": round(sum(cpu) / 1000, 1),
        }
    return figures


def process_cpu_seconds() -> dict[str, float]:
    """CPU seconds (user + system) used so far by this machine's processes, by command name:
    differences between two readings say where the cores went (gunicorn, celery, postgres,
    locust, redis-server...). Processes that ended in between are missing from the later one."""
    ticks = os.sysconf("SC_CLK_TCK")
    totals: dict[str, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            cmdline = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        name = text[text.index("(") + 1 : text.rindex(")")]
        joined = b" ".join(cmdline)
        for marker in (b"gunicorn", b"celery", b"locust"):
            if marker in joined:
                name = marker.decode()
        totals[name] = totals.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    return totals


def largest_staff_time_form() -> dict:
    """The staff-time form of the event with the most entries, page by page, over HTTP against
    the stack: each page drawn, then posted back as it is (what a browser would send: its
    fields counted against Django's limit of 1,000), and the CPU time of drawing and saving
    one full page measured in this process (:func:`staff_time_form_cpu`)."""
    import requests
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from benchmarks.html_forms import form_fields
    from councils.models import CouncilMembership
    from inspections.models import InspectionEvent

    event = (
        InspectionEvent.objects.annotate(entries=Count("staff_time"))
        .order_by("-entries", "pk")
        .values("pk", "entries", "council_id")
        .first()
    )
    user = get_user_model().objects.get(username="load.user.00")
    CouncilMembership.objects.filter(user=user).update(council_id=event["council_id"])
    session = requests.Session()
    login = session.get(f"{BASE}/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    session.post(
        f"{BASE}/accounts/login/",
        data={"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{BASE}/accounts/login/"},
    )
    url = f"{BASE}/events/{event['pk']}/staff-time/"
    pages, number, last = [], 1, 1
    while number <= last:
        page_url = f"{url}?page={number}"
        started = time.perf_counter()
        form = session.get(page_url)
        draw_ms = (time.perf_counter() - started) * 1000
        last = max(int(n) for n in [number, *re.findall(r"[?&]page=(\d+)", form.text)])
        fields = form_fields(form.text)
        started = time.perf_counter()
        saved = session.post(
            page_url, data=fields, headers={"Referer": page_url}, allow_redirects=False
        )
        save_ms = (time.perf_counter() - started) * 1000
        pages.append(
            {
                "page": number,
                "fields_posted": len(fields),
                "draw_status": form.status_code,
                "draw_ms": round(draw_ms, 1),
                "save_status": saved.status_code,
                "save_ms": round(save_ms, 1),
            }
        )
        number += 1
    cpu = staff_time_form_cpu(event["pk"], user)
    return {
        "event_entries": event["entries"],
        "pages": pages,
        "fields_posted_max": max(p["fields_posted"] for p in pages),
        "draw_ms_max": max(p["draw_ms"] for p in pages),
        "save_ms_max": max(p["save_ms"] for p in pages),
        **cpu,
        "saves": all(p["draw_status"] == 200 and p["save_status"] == 302 for p in pages),
    }


def staff_time_form_cpu(event_pk: int, user, repeats: int = 5) -> dict:
    """CPU time (ms, median of ``repeats``; process time of this process, no network) of
    drawing the first page of an event's staff-time form and of saving it with one entry's
    note changed (so that a save writes). ``user`` must be an editor of the event's council.
    Works on any database (the national one in the load run, or a small one)."""
    from django.test import Client

    from benchmarks.html_forms import form_fields

    _test_environment()
    client = Client()
    client.force_login(user)
    url = f"/events/{event_pk}/staff-time/"
    client.get(url)  # warm
    draws, saves, fields = [], [], []
    for n in range(repeats):
        started = time.process_time()
        response = client.get(url)
        draws.append((time.process_time() - started) * 1000)
        assert response.status_code == 200, response.status_code
        fields = [
            (k, f"benchmark {n}" if k.endswith("-0-note") else v)
            for k, v in form_fields(response.content.decode())
        ]
        started = time.process_time()
        saved = client.post(url, dict(fields))
        saves.append((time.process_time() - started) * 1000)
        assert saved.status_code == 302, saved.status_code
    draws.sort()
    saves.sort()
    return {
        "page_rows": sum(1 for k, _ in fields if k.endswith("-hours")),
        "draw_cpu_ms_median": round(draws[len(draws) // 2], 1),
        "save_cpu_ms_median": round(saves[len(saves) // 2], 1),
    }


def _test_environment() -> None:
    """Django's test client in this process (once: a second set-up raises)."""
    from django.test.utils import setup_test_environment

    with contextlib.suppress(RuntimeError):
        setup_test_environment()


def cached_page_cpu() -> dict:
    """CPU time of the default England dashboard with its figures cached, in this process.

    The stack's own settings (DEBUG off, the Redis cache of the load run); the page is drawn
    once to fill the cache, then 20 times; the median of the process CPU time is kept.
    """
    from django.contrib.auth import get_user_model
    from django.test import Client

    _test_environment()
    client = Client()
    client.force_login(get_user_model().objects.get(username=f"load.user.{USERS - 1:02d}"))
    figures = {}
    for name, url in (
        ("England dashboard (default)", "/dashboards/"),
        ("region dashboard (default)", "/regions/north-west/"),
        ("council page", "/councils/manchester/"),
    ):
        client.get(url)
        times = []
        for _ in range(20):
            started = time.process_time()
            response = client.get(url)
            times.append((time.process_time() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        figures[name] = {"cpu_ms_median": round(times[10], 1), "cpu_ms_best": round(times[0], 1)}
    return figures


def main() -> None:
    from benchmarks.common import write_results

    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "load-benchmark-secret-key-not-for-use")
    os.environ["CELERY_BROKER_URL"] = BROKER_URL
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    # Plain HTTP on the loopback, as scripts/serve-prod runs the stack: the CPU measured in this
    # process is of the page, not of a redirect to HTTPS (a 301 broke it once).
    os.environ.setdefault("SECURE_COOKIES", "false")
    ensure_database_exists()
    setup_django()
    data = ensure_national_data()
    users = load_users()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        users_file = folder / "users.json"
        users_file.write_text(json.dumps(users))
        load_before = os.getloadavg()
        with Stack(folder / "serve-prod.log"):
            sampler = LoadSampler()
            sampler.start()
            cpu_before = process_cpu_seconds()
            children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.monotonic()
            samples = run_locust(users_file, folder)
            wall = time.monotonic() - started
            cpu_after = process_cpu_seconds()
            # locust has ended by now: its CPU is that of this process's waited-for children.
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_after["locust"] = (
                children.ru_utime + children.ru_stime
                - children_before.ru_utime - children_before.ru_stime
            )  # fmt: skip
            sampler.stop.set()
            server = server_figures(
                folder / "timing.jsonl", min((s[3] - s[1] / 1000 for s in samples), default=0)
            )
            load_after = os.getloadavg()
            # Measured after the load, the stack idle; a failure here keeps the load figures.
            try:
                staff_time_form = largest_staff_time_form()
            except Exception as exc:  # noqa: BLE001
                staff_time_form = {"error": repr(exc), "saves": False}
            if os.environ.get("LOAD_KEEP_DIR"):  # the raw samples and timings, for a closer look
                import shutil

                for raw in ("samples.json", "timing.jsonl"):
                    if (folder / raw).exists():
                        shutil.copy(folder / raw, os.environ["LOAD_KEEP_DIR"])
            try:
                cpu = cached_page_cpu()
            except Exception as exc:  # noqa: BLE001
                cpu = {"error": {"cpu_ms_median": None, "cpu_ms_best": None, "detail": repr(exc)}}
    endpoints, total = endpoint_figures(samples)
    samples = sampler.samples or [load_after[0]]
    goals = {
        "p95_ms_under": GOALS["p95_ms_under"],
        "p95_met": total["p95_ms"] is not None and total["p95_ms"] < GOALS["p95_ms_under"],
        "errors_met": total["errors"] == 0,
        "cached_page_cpu_ms_under": GOALS["cached_page_cpu_ms_under"],
        "cached_page_cpu_met": all(
            figure["cpu_ms_median"] is not None
            and figure["cpu_ms_median"] < GOALS["cached_page_cpu_ms_under"]
            for figure in cpu.values()
        ),
        "staff_time_form_saves": staff_time_form["saves"],
    }
    write_results(
        "load",
        {
            "data": data,
            "stack": "scripts/serve-prod: gunicorn (burden/gunicorn_conf.py), Celery worker and "
            "beat, DEBUG off, Redis cache; locust in the same machine",
            "users": USERS,
            "spawn_rate_per_second": SPAWN_RATE,
            "measured_seconds": SECONDS,
            "wall_seconds": round(wall, 1),
            "load_average": {
                "before": [round(v, 2) for v in load_before],
                "during_1min_min": round(min(samples), 2),
                "during_1min_max": round(max(samples), 2),
                "during_1min_mean": round(sum(samples) / len(samples), 2),
                "after": [round(v, 2) for v in load_after],
            },
            "total": total,
            "endpoints": endpoints,
            "server": server,
            "cpu_seconds_by_process": {
                name: round(cpu_after[name] - cpu_before.get(name, 0.0), 1)
                for name in sorted(cpu_after)
                if cpu_after[name] - cpu_before.get(name, 0.0) >= 0.5
            },
            "staff_time_form_largest": staff_time_form,
            "cached_page_cpu_ms": cpu,
            "goals": goals,
        },
    )


if __name__ == "__main__":
    main()

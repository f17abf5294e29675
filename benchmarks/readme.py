"""The README's benchmark tables, regenerated from benchmarks/results/*.json: never typed.

Each table sits in README.md between ``<!-- benchmark:NAME -->`` and ``<!-- /benchmark:NAME -->``
and says when it was measured and the machine's load average then. Every benchmark calls
:func:`regenerate` when it writes its JSON (``benchmarks.common.write_results``);
``python -m benchmarks.readme`` does it by hand, and ``--check`` fails when the README does not
match the JSON (tests/test_benchmark_readme.py runs it).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RESULTS = Path(__file__).resolve().parent / "results"


def _n(value, digits: int = 0) -> str:
    if value is None:
        return "—"
    if digits:
        return f"{value:,.{digits}f}"
    return f"{round(value):,}"


def _ms(value) -> str:
    return "—" if value is None else f"{_n(value, 1) if value < 100 else _n(value)} ms"


def _yes(flag) -> str:
    return "met" if flag else "**not met**"


def _load(figures: dict) -> str:
    """The machine's load while measuring, from whatever the JSON recorded."""
    load = figures.get("load_average")
    if isinstance(load, dict):
        if "during_1min_mean" in load:
            return (
                f"load average {load['during_1min_min']}–{load['during_1min_max']} (1-minute) "
                f"during the run, {load['before'][0]} before it"
            )
        load = load.get("at_write")
    if load is None and "load_average_at_start" in figures:
        load = figures["load_average_at_start"]
    if not load:
        return "machine load not recorded by this run"
    return f"load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1, 5, 15 minutes)"


def _header(figures: dict) -> str:
    data = figures.get("data", {})
    cpus = figures.get("machine", {}).get("cpus")
    return (
        f"Measured {figures['measured_at']} on {cpus} CPUs shared with other work, "
        f"{_load(figures)}; {_n(data.get('events'))} events, "
        f"{_n(data.get('staff_time_rows'))} staff-time entries. "
        f"Figures: `benchmarks/results/{figures['benchmark']}.json`."
    )


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def clusters(f: dict) -> str:
    sweep, sql = f["sweep_nothing_changed"], f["lag_sql_pairs"]
    recheck = f["recheck_one_council_after_a_save"]
    rows = [
        [
            f"sweep of every council, nothing changed, {sweep['queries']} queries",
            f"{_ms(sweep['best_ms'])} best (median {_ms(sweep['median_ms'])})",
            "",
        ],
        [
            "one SQL pass with `LAG` finding the back-to-back pairs",
            f"{_ms(sql['best_ms'])} best (median {_ms(sql['median_ms'])})",
            "",
        ],
        [
            "sweep ÷ SQL",
            f"{f['sweep_to_sql_ratio']}× ({f['sweep_to_sql_ratio_per_rule']}× per rule)",
            f"within 3× — {_yes(f['sweep_goal_met'])}",
        ],
        [
            "same pairs found by both",
            f"{'yes' if f['same_pairs'] else 'no'} ({_n(f['sweep_pairs'])})",
            "",
        ],
        [
            f"sweep from no clusters, {f['sweep_from_nothing']['queries']} queries",
            _ms(f["sweep_from_nothing"]["best_ms"]),
            "",
        ],
        [
            f"re-check of one council after a save ({recheck['council_events']} events), "
            f"{recheck['queries']} queries",
            f"{_ms(recheck['median_ms'])} median (best {_ms(recheck['best_ms'])})",
            f"under {recheck['goal_ms']} ms — {_yes(recheck['goal_met'])}",
        ],
        ["peak memory", f"{f['peak_memory_mb']} MB", ""],
    ]
    return _header(f) + "\n\n" + _table(["measure", "result", "goal"], rows)


def dashboards(f: dict) -> str:
    names = {
        "national_last_3_years": "England, last 3 years (the default)",
        "national_all_time": "England, all time",
        "north_west_last_3_years": "North West, last 3 years",
        "north_west_all_time": "North West, all time",
        "council_manchester": "Manchester's council page",
    }
    rows = []
    for key, page in f["pages"].items():
        rows.append(
            [
                f"{names.get(key, key)}, {page['queries']} queries",
                _ms(page["page_cold_cache"]["median_ms"]),
                _ms(page["page_sql_ms"]),
                f"{_ms(page['main_aggregate_sql']['median_ms'])} "
                f"({_ms(page['main_aggregate_sql_on_staff_time_entries']['median_ms'])})",
                f"{page['ratio_page_to_sql']}×",
                "yes" if page["under_300_ms"] else "**no**",
                _ms(page["page_cached"]["median_ms"]),
                f"{_n(page['html_kb'])} KB",
            ]
        )
    header = [
        "page",
        "cold cache",
        "its database time",
        "main SQL (on the entries)",
        "page ÷ SQL",
        "under 300 ms",
        "cached",
        "HTML",
    ]
    within = all(page["within_2x"] for page in f["pages"].values())
    under = all(page["under_300_ms"] for page in f["pages"].values())
    return (
        _header(f)
        + "\n\n"
        + _table(header, rows)
        + f"\n\nGoals: within 2× of the main SQL — {_yes(within)}; every cold page under 300 ms"
        f" — {_yes(under)}. Peak memory {f['peak_memory_mb']} MB."
    )


def exports(f: dict) -> str:
    parts = [_header(f)]
    st = f["staff_time_export"]
    rows = [
        ["COPY", f"{st['copy']['seconds']} s", _n(st["copy"]["rows_per_second"]), "—", "", ""],
        [
            "bare COPY",
            f"{st['copy_bare_columns']['seconds']} s",
            _n(st["copy_bare_columns"]["rows_per_second"]),
            "",
            "—",
            "",
        ],
        [
            "the view (test client, stream consumed)",
            f"{st['view']['seconds']} s",
            _n(st["view"]["rows_per_second"]),
            f"{round(st['view']['share_of_copy'] * 100)}%",
            f"{round(st['view']['share_of_copy_bare_columns'] * 100)}%",
            f"{st['view']['process_peak_memory_mb']} MB (the whole process)",
        ],
        [
            "`manage.py export staff_time --output …` (child process)",
            f"{st['command']['seconds']} s",
            _n(st["command"]["rows_per_second"]),
            f"{round(st['command']['share_of_copy'] * 100)}%",
            f"{round(st['command']['share_of_copy_bare_columns'] * 100)}%",
            f"{st['command']['peak_memory_mb']} MB",
        ],
    ]
    parts.append(
        _table(
            [
                f"staff-time export of {_n(st['rows'])} rows ({_n(st['copy']['bytes'] / 1e6)} MB)",
                "time",
                "rows/s",
                "share of COPY",
                "share of bare COPY",
                "peak memory",
            ],
            rows,
        )
    )
    goals = st["goals"]
    parts.append(
        f"Goals: at least {round(goals['share_of_copy_at_least'] * 100)}% of COPY's rows per "
        f"second and under {goals['peak_memory_mb_under']} MB — view {_yes(goals['view_met'])}, "
        f"command {_yes(goals['command_met'])}."
    )
    if "events_export" in f:
        ev = f["events_export"]
        if "measured_at" in ev:
            load = ev["load_average_before"]
            parts.append(
                f"The events and summary CSVs measured {ev['measured_at']}, load average "
                f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1, 5, 15 minutes) before."
            )
        parts.append(
            _table(
                ["England events CSV", "time", "rows/s", "share of COPY", "size"],
                [
                    [
                        "COPY of the same query",
                        f"{ev['copy']['seconds']} s",
                        _n(ev["copy"]["rows_per_second"]),
                        "—",
                        f"{_n(ev['copy']['bytes'] / 1e6, 1)} MB",
                    ],
                    [
                        "the view (test client, stream consumed)",
                        f"{ev['view']['seconds']} s",
                        _n(ev["view"]["rows_per_second"]),
                        f"{round(ev['view']['share_of_copy'] * 100)}%",
                        f"{_n(ev['view']['bytes'] / 1e6, 1)} MB",
                    ],
                    [
                        "summary CSV, England, all time (the view)",
                        f"{ev['summary']['seconds']} s",
                        "",
                        "",
                        f"{_n(ev['summary']['bytes'] / 1e3)} KB",
                    ],
                ],
            )  # fmt: skip
            + f"\n\nGoal: the England events CSV at least half the speed of COPY — "
            f"{_yes(ev['goal_met'])}."
        )
    if "import" in f:
        imp = f["import"]
        parts.append(
            _table(
                ["import (as the Celery task runs it, DEBUG off)", "time", "rows/s"],
                [
                    [
                        f"{_n(imp['events_first_import']['rows'])} events, all new",
                        f"{imp['events_first_import']['seconds']} s",
                        _n(imp["events_first_import"]["rows_per_second"]),
                    ],
                    [
                        "the same file again (nothing written)",
                        f"{imp['events_reimport_unchanged']['seconds']} s",
                        _n(imp["events_reimport_unchanged"]["rows_per_second"]),
                    ],
                    [
                        f"{_n(imp['staff_time_first_import']['rows'])} staff-time entries",
                        f"{imp['staff_time_first_import']['seconds']} s",
                        _n(imp["staff_time_first_import"]["rows_per_second"]),
                    ],
                ],
            )  # fmt: skip
            + f"\n\nPeak memory of the import process: {imp['peak_memory_mb']} MB."
        )
    return "\n\n".join(parts)


def load(f: dict) -> str:
    rows = []
    ordered = sorted(f["endpoints"].items(), key=lambda item: -item[1]["requests"])
    for name, e in [*ordered, ("**all requests**", f["total"])]:
        rows.append(
            [
                name,
                _n(e["requests"]),
                _n(e["requests_per_second"], 2),
                _ms(e["p50_ms"]),
                _ms(e["p95_ms"]),
                _ms(e["p99_ms"]),
                _n(e["errors"]),
            ]
        )
    goals = f["goals"]
    cpu = "; ".join(
        f"{name} {figure['cpu_ms_median']} ms" for name, figure in f["cached_page_cpu_ms"].items()
    )
    form = f["staff_time_form_largest"]
    return (
        f"{_header(f)} {f['users']} signed-in users (locust, {f['measured_seconds']} s after all "
        f"had started); {f['stack']}.\n\n"
        + _table(["endpoint", "requests", "req/s", "p50", "p95", "p99", "errors"], rows)
        + _server(f)
        + f"\n\nGoals: p95 under {goals['p95_ms_under']} ms for all requests — "
        f"{_yes(goals['p95_met'])} ({_ms(f['total']['p95_ms'])}); 0 errors — "
        f"{_yes(goals['errors_met'])} ({f['total']['errors']}{_errors(f)}); a cached page under "
        f"{goals['cached_page_cpu_ms_under']} ms of CPU — {_yes(goals['cached_page_cpu_met'])} "
        f"(median CPU with its figures cached: {cpu}); any staff-time form saves — "
        f"{_yes(goals['staff_time_form_saves'])} ({_staff_time_form(form)})."
    )


def _errors(f: dict) -> str:
    """What each error of the load run was: the endpoint, when, and locust's exception."""
    details = [
        f"{name} at {d['at_s']:g} s: `{d['what']}`"
        for name, e in f["endpoints"].items()
        for d in e.get("error_details", [])
    ]
    return (": " + "; ".join(details)) if details else ""


def _server(f: dict) -> str:
    """What the server saw (its own timing log): time from request to last byte, and the Python
    CPU time of the thread that served it, per URL; then where the two CPUs went."""
    server = f.get("server")
    if not server:
        return ""
    rows = [
        [
            f"`{name}`",
            _n(e["requests"]),
            _ms(e["server_p50_ms"]),
            _ms(e["server_p95_ms"]),
            _ms(e["cpu_median_ms"]),
            _ms(e["cpu_p95_ms"]),
            f"{e['cpu_total_s']} s",
        ]
        for name, e in sorted(server.items(), key=lambda item: -item[1]["cpu_total_s"])
    ]
    by_process = ", ".join(
        f"{name} {seconds} s"
        for name, seconds in sorted(
            f.get("cpu_seconds_by_process", {}).items(), key=lambda item: -item[1]
        )
    )
    return (
        "\n\nAs the server saw the same requests (and the sign-ins as users started): its time "
        "from request to last byte, without the wait for a free worker, and the CPU time of the "
        "thread that served each (gunicorn's timing log, `burden/gunicorn_conf.py`), most CPU "
        "first.\n\n"
        + _table(
            ["URL", "requests", "server p50", "server p95", "CPU median", "CPU p95", "CPU total"],
            rows,
        )
        + (
            f"\n\nCPU seconds used during the run, by the processes alive at its end: "
            f"{by_process} (PostgreSQL's connections that closed during the run are missing, "
            "so its share is larger than this says)."
            if by_process
            else ""
        )
    )


def _staff_time_form(form: dict) -> str:
    if "error" in form:  # the measurement itself failed: say so rather than a figure
        return f"not measured: {form['error']}"
    if "pages" not in form:  # before the form was paged: one page of every entry
        return (
            f"the largest, {form['event_entries']} entries, {form['fields_posted']} fields: "
            f"drawn in {_ms(form['draw_ms'])}, answer {form['draw_status']}; saved in "
            f"{_ms(form['save_ms'])}, answer {form['save_status']}"
        )
    statuses = sorted({f"{p['draw_status']}/{p['save_status']}" for p in form["pages"]})
    return (
        f"the largest, {form['event_entries']} entries in {len(form['pages'])} pages, at most "
        f"{form['fields_posted_max']} fields a save: each page drawn in at most "
        f"{_ms(form['draw_ms_max'])} and saved in at most {_ms(form['save_ms_max'])}, answers "
        f"{', '.join(statuses)}; a page of {form['page_rows']} rows takes "
        f"{form['draw_cpu_ms_median']} ms of CPU to draw and {form['save_cpu_ms_median']} ms "
        "to save"
    )


def api_schemathesis(f: dict) -> str:
    """scripts/api-schema-check's counts: requests and failures per role, and its time."""
    rows = []
    for role, result in f["roles"].items():
        report = result.get("report") or {}
        cases = report.get("test_cases") or {}
        operations = report.get("operations") or {}
        rows.append(
            [
                role.replace("_", " "),
                ", ".join(result.get("phases", [])),
                f"{_n(operations.get('tested'))} of {_n(operations.get('total'))}",
                _n(cases.get("generated")),
                _n(cases.get("with_failures")),
                f"{_n(result['seconds'])} s",
            ]
        )
    total = f.get("seconds_in_all")
    return (
        f"Measured {f['measured_at']} on {f['machine']['cpus']} CPUs shared with other work, "
        f"load average {f['machine']['load_1m']:.2f} (1 minute); "
        f"{f['max_examples_per_operation']} generated requests per operation. "
        "Figures: `benchmarks/results/api-schemathesis.json`.\n\n"
        + _table(
            ["role", "phases", "operations", "requests", "failing", "time"],
            rows,
        )
        + (f"\n\nIn all, with the app's set-up: {_n(total)} s." if total is not None else "")
    )


# Results whose README table another command regenerates (between its own markers).
REGENERATED_ELSEWHERE = {
    "forecast_backtest": "manage.py forecast_backtest --readme",
}

RENDERERS: dict[str, Callable[[dict], str]] = {
    "api-schemathesis": api_schemathesis,
    "clusters": clusters,
    "dashboards": dashboards,
    "exports": exports,
    "load": load,
}


def _block(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- benchmark:{name} -->)(.*?)(<!-- /benchmark:{name} -->)", re.DOTALL)


def rendered_readme(text: str) -> str:
    for name, render in RENDERERS.items():
        path = RESULTS / f"{name}.json"
        if not path.exists() or not _block(name).search(text):
            continue
        table = render(json.loads(path.read_text()))
        text = _block(name).sub(
            lambda m, table=table: m.group(1) + "\n" + table + "\n" + m.group(3), text
        )
    return text


def regenerate() -> None:
    text = README.read_text()
    new = rendered_readme(text)
    if new != text:
        README.write_text(new)
        print("README.md: benchmark tables regenerated")


def main() -> None:
    if "--check" in sys.argv:
        if rendered_readme(README.read_text()) != README.read_text():
            sys.exit("README.md's benchmark tables differ from benchmarks/results: run "
                     "`python -m benchmarks.readme`")  # fmt: skip
        return
    regenerate()


if __name__ == "__main__":
    main()

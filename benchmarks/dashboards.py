"""Burden dashboards at national scale: `python -m benchmarks.dashboards`.

On the national-scale demo database (153 councils x 15 years, ~40k events, ~2M staff-time rows)
it times each dashboard page through the Django test client as an LGA officer, with a cold cache
(the cache is emptied before every request, so every figure is computed), against the raw SQL of
the page's main aggregate run directly on the same data: the league table's figures per council
(events, formal inspections, on-site days, staff hours, shortest gap, most in 12 months) for the
page's filters, written by hand. That SQL is run twice: on the staff-time sums the app reads
(StaffTimeRollup, kept by triggers) and, for reference, on the staff-time entries themselves.

Goals: each page within 2x of its main aggregate (on the sums the app reads) and under 300 ms.
Figures are printed and written to benchmarks/results/dashboards.json.
"""

from datetime import date

from benchmarks.common import (
    ensure_database_exists,
    ensure_national_data,
    peak_memory_mb,
    setup_django,
    timed,
    write_results,
)

RATIO_GOAL = 2
PAGE_GOAL_MS = 300
REPEAT = 7

MAIN_AGGREGATE_SQL = """
WITH ev AS (
    SELECT e.id, e.council_id, t.is_formal, e.on_site_days,
           e.on_site_start - DATE '1970-01-01' AS day_number
    FROM inspections_inspectionevent e
    JOIN inspections_inspectiontype t ON t.id = e.inspection_type_id
    JOIN councils_council c ON c.id = e.council_id
    WHERE ({where})
),
windowed AS (
    SELECT council_id, is_formal, on_site_days,
           CASE WHEN is_formal THEN day_number - LAG(day_number) OVER w END AS gap,
           CASE WHEN is_formal THEN COUNT(*) OVER (
               PARTITION BY council_id, is_formal ORDER BY day_number
               RANGE BETWEEN CURRENT ROW AND 365 FOLLOWING
           ) END AS in_12_months
    FROM ev
    WINDOW w AS (PARTITION BY council_id, is_formal ORDER BY day_number)
),
figures AS (
    SELECT council_id, COUNT(*) AS events, SUM(CASE WHEN is_formal THEN 1 ELSE 0 END) AS formal,
           SUM(on_site_days) AS on_site_days, MIN(gap) AS gap, MAX(in_12_months) AS most
    FROM windowed GROUP BY council_id
),
hours AS (
    SELECT ev.council_id, SUM(s.hours) AS hours
    FROM {hours_table} s JOIN ev ON ev.id = s.event_id
    GROUP BY ev.council_id
)
SELECT f.council_id, f.events, f.formal, f.on_site_days, f.gap, f.most, h.hours
FROM figures f LEFT JOIN hours h ON h.council_id = f.council_id
"""


def _where(date_from: date | None, region_id: int | None) -> tuple[str, list]:
    clauses, params = ["TRUE"], []
    if date_from:
        clauses.append("e.on_site_start >= %s")
        params.append(date_from)
    if region_id:
        clauses.append("c.region_id = %s")
        params.append(region_id)
    return " AND ".join(clauses), params


def main() -> None:
    ensure_database_exists()
    setup_django()
    data = ensure_national_data()

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    from councils.models import Council, LgaOfficer, Region
    from inspections.dashboard_filters import quick_periods
    from inspections.models import Cluster, StaffTimeRollup

    setup_test_environment()  # lets the test client talk to the app ("testserver")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inspections_stafftimerollup")  # as autovacuum would after a load
    user, _ = get_user_model().objects.get_or_create(username="benchmark.lga")
    LgaOfficer.objects.get_or_create(user=user, defaults={"job_title": "Benchmark"})
    client = Client()
    client.force_login(user)

    three_years = {code: first for code, _, first in quick_periods(timezone.localdate())}["3-years"]
    north_west = Region.objects.get(name="North West")
    council = (
        Council.objects.filter(slug="manchester").first()
        or Council.objects.filter(region=north_west).order_by("name").first()
    )
    pages = [
        # name, URL, the filters of its main aggregate (period start, region)
        ("national_last_3_years", "/dashboards/", three_years, None),
        ("national_all_time", "/dashboards/?date_from=", None, None),
        ("north_west_last_3_years", f"/regions/{north_west.slug}/", three_years, north_west.pk),
        ("north_west_all_time", f"/regions/{north_west.slug}/?date_from=", None, north_west.pk),
        # The council page sets the council against its region: the region's league is its core.
        (f"council_{council.slug}", council.get_absolute_url(), None, council.region_id),
    ]

    def run_sql(where, params, table):
        sql = MAIN_AGGREGATE_SQL.format(where=where, hours_table=table)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    results = {}
    for name, url, date_from, region_id in pages:
        where, params = _where(date_from, region_id)

        def get_cold(url=url):
            cache.clear()
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        response = get_cold()  # warms the connection and Python's imports, not the cache
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        # Counted now: the next request empties the connection's query log.
        queries = len(captured.captured_queries)
        page_sql_ms = sum(float(query["time"]) for query in captured.captured_queries) * 1000
        page = timed(get_cold, repeat=REPEAT)
        warm = timed(lambda url=url: client.get(url), repeat=REPEAT)  # cached figures
        sql = timed(
            lambda where=where, params=params: run_sql(
                where, params, StaffTimeRollup._meta.db_table
            ),
            repeat=REPEAT,
        )
        base_sql = timed(
            lambda where=where, params=params: run_sql(where, params, "inspections_stafftime"),
            repeat=REPEAT,
        )
        ratio = page["median_ms"] / sql["median_ms"]
        results[name] = {
            "url": url,
            "page_cold_cache": page,
            "page_cached": warm,
            "queries": queries,
            # the database time of that one cold request, all its queries together
            "page_sql_ms": round(page_sql_ms, 1),
            "html_kb": round(len(response.content) / 1024),
            "main_aggregate_sql": sql,
            "main_aggregate_sql_on_staff_time_entries": base_sql,
            "ratio_page_to_sql": round(ratio, 2),
            "ratio_page_to_sql_on_entries": round(page["median_ms"] / base_sql["median_ms"], 2),
            "within_2x": ratio <= RATIO_GOAL,
            "under_300_ms": page["median_ms"] < PAGE_GOAL_MS,
        }

    write_results(
        "dashboards",
        {
            "data": {
                **data,
                "staff_time_sums": StaffTimeRollup.objects.count(),
                "clusters": Cluster.objects.count(),
                "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
            },
            "goals": {"ratio_page_to_sql": RATIO_GOAL, "page_ms": PAGE_GOAL_MS},
            "pages": results,
            "peak_memory_mb": peak_memory_mb(),
        },
    )


if __name__ == "__main__":
    main()

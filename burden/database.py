"""Database upkeep that the app does itself."""

from django.db import connection


def analyze_tables(*models) -> None:
    """Refresh the query planner's statistics of these models' tables (``ANALYZE``).

    Call after a bulk load (demo seed, published history, a CSV import): until autovacuum gets
    round to it, PostgreSQL plans queries on the new rows as if the tables were still empty, and
    a council's cluster re-check took 300-355 ms right after seeding instead of 16-22 ms
    (issue #14). Safe inside a transaction (rows this transaction wrote are counted) and beside
    reads and writes, which ANALYZE does not block. SQLite has ANALYZE too.
    """
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")

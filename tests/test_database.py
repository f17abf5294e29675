"""ANALYZE after bulk loads: the planner knows the new rows before autovacuum gets round to it."""

from datetime import date

import pytest
from django.db import connection

from burden.database import analyze_tables
from councils.services import council_register_load
from inspections.demo import demo_seed
from inspections.models import InspectionEvent, StaffTime
from inspections.services.published import published_history_load

pytestmark = pytest.mark.django_db


def _planner_rows(model) -> int | None:
    """The row count the planner believes the table has, as ANALYZE last recorded it."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            value = cursor.fetchone()[0]
            return None if value < 0 else int(value)
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone():
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s AND idx IS NULL", [table])
        row = cursor.fetchone()
        if row is None:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
            row = cursor.fetchone()
        return int(row[0].split()[0]) if row else None


def _forget_statistics():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute("DELETE FROM sqlite_stat1")


def test_analyze_tables_records_the_row_counts(db):
    council_register_load()
    published_history_load(kind="ilacs")
    _forget_statistics()
    analyze_tables(InspectionEvent)
    assert _planner_rows(InspectionEvent) == InspectionEvent.objects.count()


def test_the_demo_seed_leaves_fresh_statistics_for_the_planner():
    council_register_load()
    _forget_statistics()
    demo_seed(size="small", today=date(2026, 11, 24))
    assert _planner_rows(StaffTime) == StaffTime.objects.count() > 0
    assert _planner_rows(InspectionEvent) == InspectionEvent.objects.count() > 0


def test_a_load_of_published_history_leaves_fresh_statistics():
    council_register_load()
    _forget_statistics()
    published_history_load(kind="ilacs")
    assert _planner_rows(InspectionEvent) == InspectionEvent.objects.count() > 0

"""The two guards that had no test: the 10,000-hour bound on a staff-time entry, and the tab
that starts a cell among the characters CSV formula protection neutralises (OWASP lists it)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from inspections import exports
from inspections.models import MAX_HOURS_PER_ENTRY, StaffTime
from inspections.services import imports
from tests.factories import make_event
from tests.inspections.test_exports import download, rows_of

pytestmark = pytest.mark.django_db


def test_the_database_refuses_an_entry_of_more_than_10000_hours_and_takes_10000(council_a):
    event = make_event(council_a)
    StaffTime.objects.create(event=event, team="data", phase="after", hours=MAX_HOURS_PER_ENTRY)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffTime.objects.create(event=event, team="data", phase="after", hours=Decimal("10000.01"))


def test_the_import_refuses_an_entry_of_more_than_10000_hours(editor_a, council_a):
    make_event(council_a, "ilacs_focused_visit", date(2025, 3, 3))
    content = (
        "council_gss_code,inspection_type,on_site_start,team,phase,staff_hours\r\n"
        f"{council_a.gss_code},ilacs_focused_visit,2025-03-03,data,preparation,10000.01\r\n"
        f"{council_a.gss_code},ilacs_focused_visit,2025-03-03,data,after,10000\r\n"
    ).encode()
    result = imports.import_run(kind="staff_time", content=content, file_name="x", user=editor_a)
    assert not result.saved
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "staff_hours", "Hours must be more than 0 and at most 10,000.")
    ]
    assert not StaffTime.objects.exists()


def test_a_cell_that_starts_with_a_tab_is_neutralised_in_python_and_in_the_database(
    client_for, administrator, council_a
):
    assert exports.neutralise("\t=cmd|' /C calc'!A0") == "'\t=cmd|' /C calc'!A0"
    event = make_event(council_a, "jtai", date(2025, 5, 5), theme="\t=1+1")
    StaffTime.objects.create(
        event=event, team="data", phase="after", hours=Decimal("2"), note="\t@SUM(A1)"
    )
    _, body = download(client_for(administrator), "events")
    assert [row["theme"] for row in rows_of(body)] == ["'\t=1+1"]
    _, body = download(client_for(administrator), "staff_time")
    assert [row["note"] for row in rows_of(body)] == ["'\t@SUM(A1)"]

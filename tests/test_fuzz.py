"""No input a user can type produces a server error: hypothesis-driven fuzz of every filter of
every page and export, every field of the forms, and every column of both imports.

The Django test client raises the view's exception instead of answering 500, so any server error
fails the example (and hypothesis shrinks it to the smallest input that does it).
"""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspections.services import imports
from tests.factories import make_event, make_hours

pytestmark = pytest.mark.django_db

# What the fuzzing found, and its neighbours: digits Python's isdigit() takes but int()
# does not, other scripts' digits, numbers of 20+ digits, the last quarter of 9999, year 1.
HOSTILE = [
    "",
    " ",
    "²",
    "٣",
    "１２",
    "9" * 25,
    "-1",
    "0",
    "1e309",
    "NaN",
    "9999-12-31",
    "9999-10-01",
    "0001-01-01",
    "10000-01-01",
    "2026-02-30",
    "31/12/9999",
    "9999",
    "12",
    "2026",
    "north-west",
    "ilacs",
    "-hours",
    "all",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u202e",
    '=HYPERLINK("x")',
    "\tcmd",
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=30).filter(lambda text: "\x00" not in text),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
FILTER_NAMES = [
    f"{name}{part}" for name in ("date_from", "date_to") for part in ("", "_day", "_month", "_year")
] + [
    "region",
    "family",
    "inspection_type",
    "council",
    "rule",
    "acknowledged",
    "sort",
    "timeline",
    "page",
]
# Few examples each (the suite's time budget); every run draws new ones, and the hostile values
# above are tried first and most often.
FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def pages(council_a, council_b):
    event = make_event(council_a, "ilacs_focused_visit", date(2025, 3, 3))
    make_hours(event, 10)
    make_hours(make_event(council_b, "jtai", date(2025, 6, 2)), 20)
    return [
        reverse("dashboard-national"),
        reverse("region-dashboard", args=[council_a.region.slug]),
        reverse("council-detail", args=[council_a.slug]),
        reverse("cluster-list"),
        reverse("export-events"),
        reverse("export-staff-time"),
        reverse("export-summary"),
        reverse("export-clusters"),
    ]


@settings(FUZZ, max_examples=8)
@given(params=st.dictionaries(st.sampled_from(FILTER_NAMES), VALUES, min_size=1, max_size=6))
def test_no_filter_of_any_page_or_export_gives_a_server_error(client_for, viewer_a, pages, params):
    client = client_for(viewer_a)
    for url in pages:
        response = client.get(url, params)
        assert response.status_code < 500, (url, params)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)  # the rows are read while streaming


EVENT_FIELDS = ["inspection_type", "outcome", "theme", "report_url", "notes"] + [
    f"{name}_{part}"
    for name in ("notified_on", "on_site_start", "on_site_end", "published_on")
    for part in ("day", "month", "year")
]


@FUZZ
@given(data=st.dictionaries(st.sampled_from(EVENT_FIELDS), VALUES, max_size=8))
def test_no_input_to_the_event_form_gives_a_server_error(client_for, editor_a, council_a, data):
    base = {
        "inspection_type": "1",
        "on_site_start_day": "3",
        "on_site_start_month": "3",
        "on_site_start_year": "2025",
        "on_site_end_day": "4",
        "on_site_end_month": "3",
        "on_site_end_year": "2025",
    }
    response = client_for(editor_a).post(
        reverse("event-create", args=[council_a.slug]), {**base, **data}
    )
    assert response.status_code in (200, 302)


STAFF_FIELDS = [
    "staff_time-TOTAL_FORMS",
    "staff_time-INITIAL_FORMS",
    "staff_time-0-team",
    "staff_time-0-phase",
    "staff_time-0-hours",
    "staff_time-0-people",
    "staff_time-0-note",
    "staff_time-0-id",
]


@FUZZ
@given(data=st.dictionaries(st.sampled_from(STAFF_FIELDS), VALUES, max_size=5))
def test_no_input_to_the_staff_time_form_gives_a_server_error(
    client_for, editor_a, council_a, data
):
    event = make_event(council_a, "ilacs_focused_visit", date(2024, 3, 4))
    base = {
        "staff_time-TOTAL_FORMS": "1",
        "staff_time-INITIAL_FORMS": "0",
        "staff_time-MIN_NUM_FORMS": "0",
        "staff_time-MAX_NUM_FORMS": "1000",
        "staff_time-0-team": "data",
        "staff_time-0-phase": "preparation",
        "staff_time-0-hours": "10",
        "staff_time-0-people": "1",
    }
    response = client_for(editor_a).post(
        reverse("staff-time-edit", args=[event.pk]), {**base, **data}
    )
    assert response.status_code in (200, 302)
    event.delete()


@FUZZ
@given(note=VALUES, username=VALUES, password=VALUES)
def test_no_input_to_acknowledging_or_signing_in_gives_a_server_error(
    client, client_for, editor_a, council_a, note, username, password
):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code in (200, 429)
    from inspections.models import Cluster, ClusterRule

    event = make_event(council_a, "ilacs_focused_visit", date(2023, 3, 6))
    cluster = Cluster.objects.create(
        council=council_a,
        rule=ClusterRule.objects.first(),
        member_key=f"fuzz-{event.pk}",
        first_date=event.on_site_start,
        last_date=event.on_site_start,
        span_days=0,
        event_count=1,
    )
    response = client_for(editor_a).post(
        reverse("cluster-acknowledge", args=[cluster.pk]), {"note": note}
    )
    assert response.status_code in (200, 302)
    event.delete()


def _import_csv(kind, council, column, value) -> bytes:
    row = {c.name: c.example for c in imports.COLUMNS[kind] if c.read}
    row.update(council_gss_code=council.gss_code, inspection_type="ilacs_focused_visit")
    row.pop("council_name", None)
    row.pop("outcome", None)
    row[column] = value
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(row))
    writer.writerow(list(row.values()))
    return buffer.getvalue().encode("utf-8")


IMPORT_CELLS = [
    (kind, column.name) for kind in ("events", "staff_time") for column in imports.COLUMNS[kind]
]


@FUZZ
@given(cell=st.sampled_from(IMPORT_CELLS), value=VALUES)
def test_no_cell_of_any_import_column_gives_a_server_error(editor_a, council_a, cell, value):
    kind, column = cell
    if (
        kind == "staff_time"
        and not council_a.events.filter(on_site_start=date(2025, 3, 3)).exists()
    ):
        make_event(council_a, "ilacs_focused_visit", date(2025, 3, 3))
    content = _import_csv(kind, council_a, column, value)
    try:
        result = imports.import_run(kind=kind, content=content, file_name="fuzz.csv", user=editor_a)
    except imports.ImportFileError as error:
        assert error.messages
    else:
        assert result.saved or result.errors

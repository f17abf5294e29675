"""Plausible values at every boundary (burden.plausible): dates and strict numbers, in forms,
filters, imports and the admin. Each refusal names the field; none is a server error."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from burden import plausible
from inspections.models import InspectionEvent, StaffTime
from inspections.services import imports
from tests.factories import make_event

pytestmark = pytest.mark.django_db


# --- The rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("0063-07-12", "on or after 1 January 2000"),
        ("9999-12-31", "on or before"),
        ("2025-02-30", "a real date"),
        ("2025-3-3", "YYYY-MM-DD"),
        ("03/03/2025", "YYYY-MM-DD"),
        ("２０２５-03-03", "YYYY-MM-DD"),
        ("2025-03-03T00:00", "YYYY-MM-DD"),
    ],
)
def test_an_iso_date_is_real_ascii_and_plausible(text, words):
    assert plausible.parse_iso_date("2025-03-03", "date_to") == date(2025, 3, 3)
    with pytest.raises(ValueError, match=words) as refused:
        plausible.parse_iso_date(text, "date_to")
    assert str(refused.value).startswith("date_to must")


@pytest.mark.parametrize(
    "text", ["0", "-1", "1.5", "1e3", "²", "٣", "1000000000", "2147483648", "9" * 25]
)
def test_an_id_field_takes_ascii_digits_from_1_to_the_largest_id(text):
    from django import forms

    field = plausible.WholeNumberField(label="event")
    assert field.clean("999999999") == plausible.MAX_ID
    assert field.clean(" 12 ") == 12
    with pytest.raises(forms.ValidationError, match="event must"):
        field.clean(text)


def test_dates_run_from_2000_to_two_years_ahead():
    today = date(2026, 11, 30)
    assert plausible.latest_date(today) == date(2028, 11, 30)
    assert plausible.latest_date(date(2028, 2, 29)) == date(2030, 2, 28)
    assert plausible.date_problem(date(2000, 1, 1), "On-site start", today=today) is None
    assert plausible.date_problem(date(2028, 11, 30), "On-site start", today=today) is None
    assert (
        plausible.date_problem(date(1999, 12, 31), "On-site start", today=today)
        == "On-site start must be on or after 1 January 2000"
    )
    assert plausible.date_problem(date(9999, 12, 31), "On-site end", today=today).startswith(
        "On-site end must be on or before 30 November 2028"
    )


@pytest.mark.parametrize(
    "text", ["²", "٣", "１２", "1e3", "-1", "+1", "1,000", "1 000", "", " ", "9" * 20]
)
def test_a_whole_number_is_ascii_digits_only_and_bounded(text):
    with pytest.raises(ValueError, match="^people must"):
        plausible.parse_whole_number(text, "people", minimum=1, maximum=1000)


def test_a_whole_number_in_range_is_read():
    assert plausible.parse_whole_number(" 12 ", "people", minimum=1, maximum=1000) == 12
    with pytest.raises(ValueError, match="from 1 to 1,000, not 1,001"):
        plausible.parse_whole_number("1001", "people", minimum=1, maximum=1000)


@pytest.mark.parametrize("text", ["NaN", "Infinity", "1e3", "37.555", "٣٧.٥", "37,5", "0x10"])
def test_a_decimal_is_ascii_digits_with_two_places_at_most(text):
    with pytest.raises(ValueError, match="^hours must be a number"):
        plausible.parse_decimal(text, "hours", minimum=Decimal(0), maximum=Decimal(10_000))


def test_a_decimal_in_range_is_read():
    assert plausible.parse_decimal("37.5", "hours", minimum=Decimal(0), maximum=Decimal(100)) == (
        Decimal("37.5")
    )


# --- The event of the year 9999 ---------------------------------------------------------------


def test_an_event_dated_in_9999_is_refused_by_the_form_naming_the_field(
    client_for, editor_a, council_a
):
    response = client_for(editor_a).post(
        reverse("event-create", args=[council_a.slug]),
        {
            "inspection_type": make_event(council_a).inspection_type_id,
            "on_site_start_day": "31",
            "on_site_start_month": "12",
            "on_site_start_year": "9999",
            "on_site_end_day": "31",
            "on_site_end_month": "12",
            "on_site_end_year": "9999",
        },
    )
    assert response.status_code == 200
    assert "On-site start must be on or before" in response.text
    assert "On-site end must be on or before" in response.text
    assert not InspectionEvent.objects.filter(on_site_start__year=9999).exists()


def test_an_event_dated_in_9999_is_refused_by_the_model_for_the_admin_and_services(council_a):
    from django.core.exceptions import ValidationError

    event = InspectionEvent(
        council=council_a,
        inspection_type=make_event(council_a).inspection_type,
        on_site_start=date(9999, 12, 31),
        on_site_end=date(9999, 12, 31),
        notified_on=date(1999, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert set(error.value.message_dict) >= {"on_site_start", "on_site_end", "notified_on"}


def test_an_event_dated_in_9999_is_refused_by_the_import(editor_a, council_a):
    content = (
        "council_gss_code,inspection_type,on_site_start,on_site_end\r\n"
        f"{council_a.gss_code},ilacs_focused_visit,9999-12-31,9999-12-31\r\n"
    ).encode()
    result = imports.import_run(kind="events", content=content, file_name="x.csv", user=editor_a)
    assert not result.saved
    assert any(
        e.column == "on_site_start" and "must be on or before" in e.message for e in result.errors
    )
    assert not InspectionEvent.objects.exists()


@pytest.mark.parametrize(
    "people, message",
    [("²", "people must be a whole number"), ("1001", "people must be from 1 to 1,000")],
)
def test_the_staff_time_import_reads_people_strictly(editor_a, council_a, people, message):
    make_event(council_a, "ilacs_focused_visit", date(2025, 3, 3))
    content = (
        "council_gss_code,inspection_type,on_site_start,team,phase,staff_hours,people\r\n"
        f"{council_a.gss_code},ilacs_focused_visit,2025-03-03,data,preparation,10,{people}\r\n"
    ).encode()
    result = imports.import_run(kind="staff_time", content=content, file_name="x", user=editor_a)
    assert not result.saved
    assert [(e.row, e.column) for e in result.errors] == [(2, "people")]
    assert message in result.errors[0].message
    assert not StaffTime.objects.exists()


# --- Filters ----------------------------------------------------------------------------------

HOSTILE_DATES = [
    {"date_from": "0001-01-01"},
    {"date_to": "9999-12-31"},
    {"date_from_day": "1", "date_from_month": "10", "date_from_year": "9999"},
    {"date_from_day": "9" * 25, "date_from_month": "1", "date_from_year": "2025"},
    {"date_from_day": "1", "date_from_month": "1" * 22, "date_from_year": "2025"},
    {"date_from_day": "²", "date_from_month": "1", "date_from_year": "2025"},
    {"date_from_day": "٣", "date_from_month": "1", "date_from_year": "2025"},
    {"date_to": "99999-01-01"},
]


@pytest.mark.parametrize("params", HOSTILE_DATES)
def test_implausible_filter_dates_are_refused_with_a_message_never_a_500(
    client_for, viewer_a, council_a, params
):
    client = client_for(viewer_a)
    for url in (
        reverse("dashboard-national"),
        reverse("council-detail", args=[council_a.slug]),
        reverse("cluster-list"),
    ):
        response = client.get(url, params)
        # The filter-error pattern (issue #13): 400, the error summary, no figures.
        assert response.status_code == 400, url
        assert "must be" in response.text or "must include" in response.text, url
    response = client.get(reverse("export-summary"), params)
    assert response.status_code == 400
    assert "date_" in response.text


def test_a_type_given_as_a_superscript_digit_is_refused_by_the_export(client_for, viewer_a):
    response = client_for(viewer_a).get(reverse("export-events"), {"inspection_type": "²"})
    assert response.status_code == 400
    assert "inspection_type" in response.text


def test_the_quarters_chart_never_spans_more_than_the_plausible_dates(council_a):
    from councils.access import UserAccess
    from inspections.selectors import burden

    # stored outside the app's checks (a raw load): the chart stays bounded, no overflow
    InspectionEvent.objects.bulk_create(
        [
            InspectionEvent(
                council=council_a,
                inspection_type=make_event(council_a).inspection_type,
                on_site_start=date(9999, 12, 31),
                on_site_end=date(9999, 12, 31),
            )
        ]
    )
    quarters = burden.events_per_quarter(burden.BurdenFilters(), UserAccess(True, is_admin=True))
    assert len(quarters) <= 4 * (date.today().year + 3 - 2000)


# --- File headers ----------------------------------------------------------------------------


def test_a_header_of_32000_columns_is_refused_before_its_rows_are_read(editor_a):
    header = ",".join(f"column_{i % 16000}" for i in range(32_000))
    content = (header + "\r\n" + "x," * 31_999 + "x\r\n").encode()
    with pytest.raises(imports.ImportFileError) as error:
        imports.csv_file_read(kind="events", content=content)
    assert error.value.messages == [
        "The header row has 32,000 columns: this import reads at most "
        f"{len(imports.COLUMNS['events'])}. Keep only the columns listed on this page."
    ]


def test_repeated_and_unknown_columns_are_each_named_once(editor_a):
    content = b"council_gss_code,notes,notes,colour,colour,size\r\nE1,a,b,c,d,e\r\n"
    with pytest.raises(imports.ImportFileError) as error:
        imports.csv_file_read(kind="events", content=content)
    messages = error.value.messages
    assert "The column ‘notes’ appears more than once in the header row." in messages
    assert "The column ‘colour’ appears more than once in the header row." in messages
    assert any("‘colour’, ‘size’. Remove them" in message for message in messages)

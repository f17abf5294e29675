"""The staff-time form: one table row per entry, paged, so that an event of any size saves.

Each test posts what a browser would send back (benchmarks.html_forms reads the page's form),
through Django's request parsing with its real limit of 1,000 fields a request.
"""

import re
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse

from benchmarks.html_forms import form_fields
from inspections import services
from inspections.forms import ENTRIES_PER_PAGE, MAX_ROWS_PER_SAVE
from inspections.models import StaffTime
from tests.factories import make_event

pytestmark = pytest.mark.django_db

TEAMS = ["data", "practitioners", "managers", "senior_leaders", "partners", "other"]
PHASES = ["preparation", "on_site", "after"]


def _entries(event, count):
    StaffTime.objects.bulk_create(
        StaffTime(
            event=event,
            team=TEAMS[i % len(TEAMS)],
            phase=PHASES[i % len(PHASES)],
            hours=Decimal(i + 1),
            people=1 + i % 4,
        )
        for i in range(count)
    )


@pytest.fixture
def event(council_a):
    return make_event(council_a, "ilacs_standard", date(2025, 3, 3))


def _url(event, page=None):
    url = reverse("staff-time-edit", args=[event.pk])
    return f"{url}?page={page}" if page else url


def _post(client, url, fields):
    """Post fields as a browser does (a list: a name may repeat)."""
    return client.post(url, urlencode(fields), content_type="application/x-www-form-urlencoded")


def _set(fields, name, value):
    return [(k, value if k == name else v) for k, v in fields]


def _rows(html):
    return re.findall(
        r'<tr class="govuk-table__row app-staff-time__row[^"]*" data-row="(\d+)"', html
    )


def test_an_event_with_250_entries_is_drawn_and_saved_page_by_page(client_for, editor_a, event):
    _entries(event, 250)
    client = client_for(editor_a)
    pages = -(-250 // ENTRIES_PER_PAGE)
    for number in range(1, pages + 1):
        response = client.get(_url(event, number))
        html = response.content.decode()
        assert response.status_code == 200
        rows = _rows(html)
        first = (number - 1) * ENTRIES_PER_PAGE + 1
        # The page's entries, numbered as among all 250, then one spare row after the last.
        assert rows[:-1] == [str(n) for n in range(first, first + ENTRIES_PER_PAGE)]
        assert rows[-1] == "251"
        fields = form_fields(html)
        assert len(fields) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS // 2
        # Change the hours of the page's first entry and save.
        fields = _set(fields, "staff_time-0-hours", "1000.25")
        saved = _post(client, _url(event, number), fields)
        assert saved.status_code == 302, saved.content.decode()[:2000]
        assert saved["Location"] == f"{_url(event)}?page={number}"
    hours = list(event.staff_time.order_by("pk").values_list("hours", flat=True))
    assert len(hours) == 250
    changed = [i for i, h in enumerate(hours) if h == Decimal("1000.25")]
    assert changed == [i * ENTRIES_PER_PAGE for i in range(pages)]


def test_the_largest_post_stays_far_under_the_field_limit(client_for, editor_a, event):
    """A full page with every entry ticked for deletion and new rows up to the most a save
    takes: still far under Django's 1,000 fields; one more row is refused with a message."""
    _entries(event, ENTRIES_PER_PAGE)
    client = client_for(editor_a)
    fields = form_fields(client.get(_url(event)).content.decode())
    fields += [(f"staff_time-{i}-DELETE", "on") for i in range(ENTRIES_PER_PAGE)]
    for i in range(ENTRIES_PER_PAGE, MAX_ROWS_PER_SAVE):
        fields += [
            (f"staff_time-{i}-{name}", value)
            for name, value in [("id", ""), ("team", "data"), ("phase", "after"), ("people", "1")]
            + [("hours", "2"), ("note", "")]
        ]
    fields = _set(fields, "staff_time-TOTAL_FORMS", str(MAX_ROWS_PER_SAVE))
    assert len(fields) < 0.6 * settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    response = _post(client, _url(event), fields)
    assert response.status_code == 302
    assert event.staff_time.count() == MAX_ROWS_PER_SAVE - ENTRIES_PER_PAGE

    fields = form_fields(client.get(_url(event)).content.decode())
    fields = _set(fields, "staff_time-TOTAL_FORMS", str(MAX_ROWS_PER_SAVE + 1))
    response = _post(client, _url(event), fields)
    assert response.status_code == 200
    assert f"Save at most {MAX_ROWS_PER_SAVE} rows at a time" in response.content.decode()


def test_each_error_names_its_row_and_links_to_its_field(client_for, editor_a, event):
    _entries(event, 60)
    client = client_for(editor_a)
    fields = form_fields(client.get(_url(event, 2)).content.decode())
    # Page 2 holds entries 51 to 60: its third row is row 53.
    fields = _set(fields, "staff_time-2-hours", "lots")
    fields = _set(fields, "staff_time-4-team", "")
    fields = _set(fields, "staff_time-5-people", "0")
    response = _post(client, _url(event, 2), fields)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Staff time (page 2 of 2)" in html
    start = html.index('class="govuk-error-summary"')
    summary = html[start : html.index("</ul>", start)]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert links == [
        ("id_staff_time-2-hours", "Row 53: Enter the hours as a number, for example 37.5"),
        ("id_staff_time-4-team", "Row 55: Choose a team"),
        ("id_staff_time-5-people", "Row 56: The number of people must be 1 or more"),
    ]
    # Each field in error says so where it is, and is described by its message.
    assert 'id="id_staff_time-2-hours-error"' in html
    assert 'aria-describedby="id_staff_time-2-hours-error"' in html
    assert 'value="lots"' in html  # nothing typed is lost


def test_nothing_is_half_saved(client_for, editor_a, event):
    _entries(event, 5)
    before = list(event.staff_time.order_by("pk").values_list("pk", "team", "hours"))
    client = client_for(editor_a)
    fields = form_fields(client.get(_url(event)).content.decode())
    fields = _set(fields, "staff_time-0-hours", "99")  # a valid change
    fields.append(("staff_time-1-DELETE", "on"))  # a deletion
    fields += [("staff_time-5-team", "data"), ("staff_time-5-phase", "after")]  # a new row
    fields = [(k, "11" if k == "staff_time-5-hours" else v) for k, v in fields]
    fields = _set(fields, "staff_time-3-hours", "20000")  # over the bound: refused
    response = _post(client, _url(event), fields)
    assert response.status_code == 200
    assert "Row 4: Hours must be more than 0 and at most 10,000." in response.content.decode()
    assert list(event.staff_time.order_by("pk").values_list("pk", "team", "hours")) == before


def test_an_entry_deleted_meanwhile_is_named_and_nothing_is_saved(client_for, editor_a, event):
    _entries(event, 3)
    client = client_for(editor_a)
    fields = form_fields(client.get(_url(event)).content.decode())
    event.staff_time.order_by("pk")[1].delete()  # someone else deletes entry 2
    fields = _set(fields, "staff_time-0-hours", "99")
    response = _post(client, _url(event), fields)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Row 2: This entry was deleted after you opened this page" in html
    assert not event.staff_time.filter(hours=99).exists()


def test_another_row_without_javascript_keeps_what_was_typed(client_for, editor_a, event):
    _entries(event, 2)
    client = client_for(editor_a)
    html = client.get(_url(event)).content.decode()
    assert _rows(html) == ["1", "2", "3"]
    fields = _set(form_fields(html), "staff_time-2-hours", "7.5")
    response = _post(client, _url(event), [*fields, ("add_row", "1")])
    html = response.content.decode()
    assert response.status_code == 200
    assert _rows(html) == ["1", "2", "3", "4"]
    assert (
        'name="staff_time-2-hours" type="text" inputmode="decimal" spellcheck="false" value="7.5"'
        in html
    )
    assert "govuk-error-summary" not in html  # not saved, so not judged yet
    assert event.staff_time.count() == 2


def test_the_form_has_labels_for_each_column_and_each_cell(client_for, editor_a, event):
    _entries(event, 1)
    html = client_for(editor_a).get(_url(event)).content.decode()
    for heading in ["Row", "Team", "Phase", "Number of people", "Hours", "Note (optional)"]:
        assert f'<th scope="col" class="govuk-table__header">{heading}</th>' in html
    for name, label in [("team", "Team"), ("hours", "Hours"), ("people", "Number of people")]:
        assert (
            f'<label class="govuk-label app-staff-time__label" for="id_staff_time-0-{name}">'
            f'{label}<span class="govuk-visually-hidden">, row 1</span></label>'
        ) in html
    assert '<script src="/static/inspections/staff-time.js"' in html or "staff-time" in html
    assert "<script>" not in html  # no inline script (CSP)


@pytest.mark.parametrize("count", [3, 250])
def test_drawing_and_saving_take_a_bounded_number_of_queries(
    client_for, editor_a, event, count, django_assert_max_num_queries
):
    _entries(event, count)
    client = client_for(editor_a)
    with django_assert_max_num_queries(12):
        html = client.get(_url(event)).content.decode()
    fields = _set(form_fields(html), "staff_time-0-note", "checked")
    # One changed entry: its validation (2 constraint checks), update and history record,
    # the event's lock, the follow-up (outbox) records; the other rows cost nothing.
    with django_assert_max_num_queries(25):
        response = _post(client, _url(event), fields)
    assert response.status_code == 302


def test_the_service_names_the_entry_it_refuses_and_saves_nothing_of_the_batch(event):
    _entries(event, 2)
    first, second = event.staff_time.order_by("pk")
    before = list(event.staff_time.order_by("pk").values_list("pk", "hours"))
    new = StaffTime(event=event, team="data", phase="after", hours=Decimal("5"), people=1)
    first.hours = Decimal("8")
    bad = StaffTime(event=event, team="data", phase="after", hours=Decimal("5"), people=0)
    with pytest.raises(services.StaffTimeEntryInvalid) as refused:
        services.staff_time_save(event=event, entries=[new, first, bad], deleted=[second])
    assert refused.value.entry is bad
    assert list(event.staff_time.order_by("pk").values_list("pk", "hours")) == before


def test_demo_entries_say_so_in_their_row(client_for, editor_a, event):
    _entries(event, 2)
    event.staff_time.filter(pk=event.staff_time.order_by("pk")[1].pk).update(is_demo=True)
    html = client_for(editor_a).get(_url(event)).content.decode()
    rows = re.split(r"<tr ", html)
    first = next(r for r in rows if 'data-row="1"' in r)
    second = next(r for r in rows if 'data-row="2"' in r)
    assert ">Demo</strong>" not in first
    assert ">Demo</strong>" in second


@pytest.mark.parametrize("people", ["1001", "32768", "99999999999999999999"])
def test_too_many_people_is_refused_with_the_bound_the_api_and_imports_use(
    client_for, editor_a, event, people
):
    """One bound for the number of people (models.MAX_PEOPLE), said in the service's words: the
    form allowed up to 32,767 where the API and imports stop at 1,000, and a larger number got
    Django's "Ensure this value is less than or equal to 32767"."""
    _entries(event, 1)
    client = client_for(editor_a)
    fields = form_fields(client.get(_url(event)).content.decode())
    response = _post(client, _url(event), _set(fields, "staff_time-0-people", people))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Row 1: The number of people must be at most 1,000" in html
    assert "Ensure this value" not in html
    assert StaffTime.objects.get().people != int(people[:6])


def test_the_model_holds_the_people_bound_for_the_admin_and_every_other_form(event):
    from django.core.exceptions import ValidationError

    entry = StaffTime(event=event, team="data", phase="preparation", hours=1, people=1001)
    with pytest.raises(ValidationError) as refused:
        entry.full_clean()
    assert refused.value.message_dict["people"] == ["The number of people must be at most 1,000"]

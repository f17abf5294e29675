"""Each rule of an event and of a staff-time entry, with the message a user sees."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from inspections.forms import EventForm, StaffTimeFormSet
from inspections.models import InspectionEvent, InspectionOutcome, StaffTime
from tests.factories import inspection_type, make_event

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "inspection_type": inspection_type("ilacs_focused_visit").pk,
        "notified_on_day": "20",
        "notified_on_month": "2",
        "notified_on_year": "2025",
        "on_site_start_day": "3",
        "on_site_start_month": "3",
        "on_site_start_year": "2025",
        "on_site_end_day": "4",
        "on_site_end_month": "3",
        "on_site_end_year": "2025",
        "outcome": "",
        "theme": "",
        "report_url": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def bound_form(council, **overrides):
    return EventForm(form_data(**overrides), instance=InspectionEvent(council=council))


def test_a_valid_event_passes(council_a):
    form = bound_form(council_a)
    assert form.is_valid(), form.errors


def test_on_site_end_before_start_is_refused_on_the_end_field(council_a):
    form = bound_form(council_a, on_site_end_day="28", on_site_end_month="2")
    assert not form.is_valid()
    assert form.errors["on_site_end"] == [
        "The on-site end must be the same as or after the on-site start."
    ]


def test_notified_after_on_site_start_is_refused_on_the_notified_field(council_a):
    form = bound_form(council_a, notified_on_day="4", notified_on_month="3")
    assert not form.is_valid()
    assert form.errors["notified_on"] == [
        "The date notified must be the same as or before the on-site start."
    ]


def test_an_outcome_of_another_type_is_refused(council_a):
    inadequate = InspectionOutcome.objects.get(
        inspection_type__code="ilacs_standard", code="inadequate"
    )
    form = bound_form(council_a, outcome=str(inadequate.pk))
    assert not form.is_valid()
    assert "is not an outcome of ILACS focused visit" in form.errors["outcome"][0]


def test_an_outcome_of_the_type_is_accepted(council_a):
    letter = InspectionOutcome.objects.get(
        inspection_type__code="ilacs_focused_visit", code="letter"
    )
    form = bound_form(council_a, outcome=str(letter.pk))
    assert form.is_valid(), form.errors


def test_a_duplicate_event_of_the_same_council_type_and_start_is_refused(council_a, council_b):
    make_event(council_a, "ilacs_focused_visit", date(2025, 3, 3))

    form = bound_form(council_a)
    assert not form.is_valid()
    assert "already has an event of this type starting on that date" in str(form.non_field_errors())
    assert bound_form(council_b).is_valid()  # another council may have one that day


def test_an_impossible_date_names_the_field(council_a):
    form = bound_form(council_a, on_site_start_day="31", on_site_start_month="2")
    assert not form.is_valid()
    assert "on_site_start" in form.errors


def test_the_database_refuses_an_end_before_start_even_without_the_form(council_a):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionEvent.objects.create(
            council=council_a,
            inspection_type=inspection_type("jtai"),
            on_site_start=date(2025, 3, 3),
            on_site_end=date(2025, 3, 1),
        )


def test_the_service_computes_on_site_working_days(council_a):
    event = make_event(council_a, "ilacs_standard", date(2025, 4, 14), end=date(2025, 4, 25))
    assert event.on_site_days == 8  # two weeks less Good Friday and Easter Monday


def staff_formset(event, **rows):
    data = {
        "staff_time-TOTAL_FORMS": "1",
        "staff_time-INITIAL_FORMS": "0",
        "staff_time-MIN_NUM_FORMS": "0",
        "staff_time-MAX_NUM_FORMS": "1000",
        "staff_time-0-team": "data",
        "staff_time-0-phase": "preparation",
        "staff_time-0-hours": "37.5",
        "staff_time-0-people": "2",
        "staff_time-0-note": "",
    }
    data.update({f"staff_time-0-{k}": v for k, v in rows.items()})
    return StaffTimeFormSet(data, instance=event)


@pytest.mark.parametrize("hours", ["0", "-3", "10000.01"])
def test_hours_must_be_positive_and_bounded(council_a, hours):
    event = make_event(council_a)
    formset = staff_formset(event, hours=hours)
    assert not formset.is_valid()
    assert formset.errors[0]["hours"] == ["Hours must be more than 0 and at most 10,000."]


def test_valid_hours_pass(council_a):
    formset = staff_formset(make_event(council_a))
    assert formset.is_valid(), formset.errors


def test_the_database_refuses_negative_hours(council_a):
    from django.db import IntegrityError, transaction

    event = make_event(council_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffTime.objects.create(event=event, team="data", phase="after", hours=-1)


def test_a_failed_save_saves_nothing(council_a):
    from inspections import services

    event = InspectionEvent(
        council=council_a,
        inspection_type=inspection_type("jtai"),
        on_site_start=date(2025, 3, 3),
        on_site_end=date(2025, 3, 1),
    )
    with pytest.raises(ValidationError):
        services.event_save(event=event)
    assert InspectionEvent.objects.count() == 0

"""No lost update, no server error from a race: the rules, sequenced by hand.

The same races run for real (parallel requests on PostgreSQL) in tests/faults/.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from councils.models import CouncilMembership
from inspections import services
from inspections.models import InspectionEvent
from tests.factories import inspection_type, make_event
from tests.inspections.test_audit import event_form

pytestmark = pytest.mark.django_db

DAY0 = date(2025, 3, 3)


def test_the_second_editor_is_told_what_changed_and_keeps_their_input(
    client_for, editor_a, council_a, django_user_model
):
    event = make_event(council_a, "jtai", DAY0)
    other = django_user_model.objects.create_user("second.editor", first_name="Sam")
    CouncilMembership.objects.create(user=other, council=council_a, role="editor")
    # Both open the edit page at version 1.
    first = event_form(event, on_site_end=date(2025, 3, 7))
    second = event_form(event, notes="Seen by the second editor")

    assert client_for(editor_a).post(reverse("event-edit", args=[event.pk]), first).status_code
    response = client_for(other).post(reverse("event-edit", args=[event.pk]), second)

    page = response.content.decode()
    assert response.status_code == 200
    assert "This event was changed by editor.a" in page
    assert "They changed: On-site end." in page
    assert "Seen by the second editor" in page  # their input is kept
    assert 'name="base_version" value="2"' in page
    event.refresh_from_db()
    assert event.on_site_end == date(2025, 3, 7) and event.notes == "" and event.version == 2

    # Having seen it, they take the new end date and save again, from version 2: it stands.
    again = client_for(other).post(
        reverse("event-edit", args=[event.pk]), event_form(event, notes="Seen by the second editor")
    )
    assert again.status_code == 302
    event.refresh_from_db()
    assert event.notes == "Seen by the second editor" and event.on_site_end == date(2025, 3, 7)
    assert event.version == 3


def test_the_service_refuses_a_stale_version_for_an_api_to_answer_412(council_a):
    event = make_event(council_a, "jtai", DAY0)
    stale = InspectionEvent.objects.get(pk=event.pk)
    event.notes = "First"
    services.event_save(event=event, expected_version=1)

    stale.theme = "Second"
    with pytest.raises(services.EventChangedMeanwhile) as conflict:
        services.event_save(event=stale, expected_version=1)

    assert conflict.value.current.version == 2
    assert conflict.value.changed_fields == ["Notes"]
    assert InspectionEvent.objects.get(pk=event.pk).theme == ""


def test_a_delete_from_a_stale_page_is_refused(client_for, editor_a, council_a):
    event = make_event(council_a, "jtai", DAY0)
    event.notes = "Changed since the delete page was opened"
    services.event_save(event=event)

    response = client_for(editor_a).post(
        reverse("event-delete", args=[event.pk]), {"version": 1}, follow=True
    )

    assert "The event was not deleted" in response.content.decode()
    assert InspectionEvent.objects.filter(pk=event.pk).exists()


def test_a_duplicate_saved_by_a_concurrent_request_gets_the_same_error_as_a_sequential_one(
    council_a, monkeypatch
):
    make_event(council_a, "jtai", DAY0)
    with pytest.raises(ValidationError) as sequential:
        make_event(council_a, "jtai", DAY0)

    # The race: the other request commits between this one's check and its INSERT.
    real_prepare = services.event_prepare

    def check_then_the_other_request_commits(event):
        real_prepare(event)
        InspectionEvent.objects.bulk_create(
            [InspectionEvent(council=council_a, inspection_type=event.inspection_type,
                             on_site_start=event.on_site_start, on_site_end=event.on_site_end)]
        )  # fmt: skip

    monkeypatch.setattr(services, "event_prepare", check_then_the_other_request_commits)
    racing = InspectionEvent(
        council=council_a,
        inspection_type=inspection_type("jtai"),
        on_site_start=date(2025, 6, 2),
        on_site_end=date(2025, 6, 2),
    )
    with pytest.raises(ValidationError) as raced:
        services.event_save(event=racing)

    assert raced.value.messages == sequential.value.messages
    assert "already has an event" in raced.value.messages[0]

"""Audit history (django-simple-history): every change recorded, shown, and a deleted event
restorable with its staff time; a council with events is deactivated, never deleted."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from councils.models import Council, CouncilMembership
from inspections.models import ClusterRule, ImportJob, InspectionEvent, OutboxEntry, StaffTime
from inspections.services import audit, imports
from tests.factories import inspection_type, make_event, make_hours

pytestmark = pytest.mark.django_db

DAY0 = date(2025, 3, 3)


def event_form(event, **changes):
    values = {
        "inspection_type": event.inspection_type_id,
        "on_site_start": event.on_site_start,
        "on_site_end": event.on_site_end,
        "notes": event.notes,
        "base_version": event.version or "",
        **changes,
    }
    data = {}
    for name, value in values.items():
        if isinstance(value, date):
            data |= {f"{name}_day": value.day, f"{name}_month": value.month}
            data[f"{name}_year"] = value.year
        else:
            data[name] = value
    return data


def history_of(model, **filters):
    return list(
        model.history.filter(**filters)
        .order_by("history_date", "history_id")
        .values_list("history_type", "history_user__username")
    )


def test_creating_changing_and_deleting_an_event_is_recorded_with_who(
    client_for, editor_a, council_a
):
    client = client_for(editor_a)
    client.post(
        reverse("event-create", args=[council_a.slug]),
        event_form(InspectionEvent(inspection_type=inspection_type("jtai"), on_site_start=DAY0,
                                   on_site_end=DAY0, version=None)),
    )  # fmt: skip
    event = InspectionEvent.objects.get()
    client.post(
        reverse("event-edit", args=[event.pk]), event_form(event, on_site_end=date(2025, 3, 5))
    )
    page = client.get(event.get_absolute_url()).content.decode()
    client.post(reverse("event-delete", args=[event.pk]), {"version": 2})

    assert history_of(InspectionEvent, id=event.pk) == [
        ("+", "editor.a"),
        ("~", "editor.a"),
        ("-", "editor.a"),
    ]
    assert 'id="history"' in page and "On-site end: 3 March 2025 → 5 March 2025" in page


def test_staff_time_changes_are_recorded_and_shown_to_those_who_see_the_hours(
    client_for, editor_a, editor_b, council_a
):
    event = make_event(council_a, "jtai", DAY0)
    entry = make_hours(event, 37.5, team="data", phase="preparation", people=2)
    entry.hours = Decimal("40")
    entry.save()

    own = client_for(editor_a).get(event.get_absolute_url()).content.decode()
    other = client_for(editor_b).get(event.get_absolute_url()).content.decode()

    assert [t for t, _ in history_of(StaffTime, event_id=event.pk)] == ["+", "~"]
    assert "Staff time changed" in own and "37.50 hours, 2 people → " in own
    assert "Staff time added" not in other  # another council's hours stay hidden


def test_an_import_records_what_it_created_and_replaced_with_the_importing_user(
    council_a, editor_a
):
    event = make_event(council_a, "jtai", DAY0)
    make_hours(event, 10)
    content = (
        "council_gss_code,inspection_type,on_site_start,team,phase,staff_hours\r\n"
        f"{council_a.gss_code},jtai,2025-03-03,managers,after,7\r\n"
    ).encode()

    imports.import_run(kind=ImportJob.Kind.STAFF_TIME, content=content, file_name="h.csv",
                       user=editor_a)  # fmt: skip

    rows = StaffTime.history.filter(event_id=event.pk).order_by("history_id")
    assert [(r.history_type, r.hours) for r in rows] == [
        ("+", Decimal("10.00")),
        ("-", Decimal("10.00")),
        ("+", Decimal("7.00")),
    ]
    assert {r.history_change_reason for r in rows[1:]} == {"CSV import"}
    assert {r.history_user for r in rows[1:]} == {editor_a}


def test_rules_councils_and_memberships_changed_in_the_admin_are_recorded(
    client_for, administrator, council_a, editor_a
):
    client = client_for(administrator)
    rule = ClusterRule.objects.get(name="Back-to-back")
    response = client.post(
        reverse("admin:inspections_clusterrule_change", args=[rule.pk]),
        {
            "name": rule.name,
            "description": rule.description,
            "window_days": 100,
            "min_events": rule.min_events,
            "formal_only": "on",
            # families and types are checkboxes: none ticked is none sent (every event counts)
            "anchor": rule.anchor,
            "severity": rule.severity,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = CouncilMembership.objects.get(user=editor_a)
    client.post(
        reverse("admin:councils_councilmembership_change", args=[membership.pk]),
        {"user": editor_a.pk, "council": council_a.pk, "role": "viewer"},
    )
    client.post(
        reverse("admin:councils_council_changelist"),
        {"action": "deactivate", "_selected_action": [council_a.pk]},
    )

    changed = ClusterRule.history.filter(id=rule.pk, history_type="~").get()
    assert changed.window_days == 100 and changed.history_user == administrator
    assert history_of(CouncilMembership, id=membership.pk)[-1] == ("~", "administrator")
    assert history_of(Council, id=council_a.pk)[-1] == ("~", "administrator")
    assert OutboxEntry.objects.filter(task="inspections.tasks.sweep_all_councils").exists()


def test_a_council_with_events_cannot_be_deleted_but_is_deactivated(
    client_for, administrator, council_a, council_b
):
    make_event(council_a, "jtai", DAY0)
    client = client_for(administrator)

    page = client.get(reverse("admin:councils_council_delete", args=[council_a.pk]))
    client.post(reverse("admin:councils_council_delete", args=[council_a.pk]), {"post": "yes"})
    client.post(reverse("admin:councils_council_delete", args=[council_b.pk]), {"post": "yes"})

    assert page.status_code == 403
    assert Council.objects.filter(pk=council_a.pk).exists()
    assert not Council.objects.filter(pk=council_b.pk).exists()  # no events: may go


def test_a_deleted_event_is_restored_with_its_staff_time_by_an_administrator(
    client_for, administrator, editor_a, council_a, django_capture_on_commit_callbacks
):
    event = make_event(council_a, "jtai", DAY0, notes="Front door")
    make_hours(event, 37.5, team="data")
    make_hours(event, 12, team="managers", phase="after", people=2)
    before = list(StaffTime.objects.order_by("pk").values())
    client_for(editor_a).post(reverse("event-delete", args=[event.pk]), {})
    assert not InspectionEvent.objects.exists() and not StaffTime.objects.exists()

    client = client_for(administrator)
    listing = client.get(reverse("admin:inspections_inspectionevent_deleted")).content.decode()
    record = audit.events_deleted().get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:inspections_inspectionevent_restore", args=[record.history_id])
        )

    assert "2 entries" in listing and "editor.a" in listing
    restored = InspectionEvent.objects.get()
    assert response.url == restored.get_absolute_url() == event.get_absolute_url()
    assert restored.notes == "Front door"
    assert list(StaffTime.objects.order_by("pk").values()) == before
    assert not audit.events_deleted().exists()
    page = client.get(restored.get_absolute_url()).content.decode()
    assert "Restored" in page
    again = client.post(
        reverse("admin:inspections_inspectionevent_restore", args=[record.history_id])
    )
    assert again.status_code == 302 and InspectionEvent.objects.count() == 1


def test_a_restore_is_refused_when_another_event_has_taken_its_place(council_a, administrator):
    event = make_event(council_a, "jtai", DAY0)
    event.delete()
    make_event(council_a, "jtai", DAY0)
    record = audit.events_deleted().get()

    with pytest.raises(Exception, match="already has an event"):
        audit.event_restore(history_id=record.history_id, user=administrator)


def test_the_history_user_is_the_signed_in_user_not_a_stale_one(client_for, council_a):
    someone = get_user_model().objects.create_user("someone")
    CouncilMembership.objects.create(user=someone, council=council_a, role="editor")
    event = make_event(council_a, "jtai", DAY0)
    client_for(someone).post(
        reverse("event-edit", args=[event.pk]), event_form(event, notes="Checked")
    )
    assert history_of(InspectionEvent, id=event.pk) == [("+", None), ("~", "someone")]

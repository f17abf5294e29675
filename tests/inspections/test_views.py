from datetime import date

import pytest
from django.urls import reverse

from inspections.models import InspectionEvent, StaffTime
from tests.factories import inspection_type, make_event, make_hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def event_b(council_b):
    event = make_event(council_b, "jtai", date(2025, 5, 5), theme="Domestic abuse")
    make_hours(event, 123.5, team="partners", phase="on_site")
    return event


@pytest.fixture
def event_a(council_a):
    event = make_event(council_a, "ilacs_focused_visit", date(2025, 3, 3))
    make_hours(event, 40, team="data", phase="preparation")
    make_hours(event, 12.5, team="managers", phase="on_site")
    return event


def test_pages_need_a_signed_in_user(client, council_a):
    response = client.get(reverse("council-detail", args=[council_a.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_editor_logs_an_event_and_is_sent_to_its_staff_time(client_for, editor_a, council_a):
    client = client_for(editor_a)
    response = client.post(
        reverse("event-create", args=[council_a.slug]),
        {
            "inspection_type": inspection_type("jtai").pk,
            "notified_on_day": "17",
            "notified_on_month": "2",
            "notified_on_year": "2025",
            "on_site_start_day": "3",
            "on_site_start_month": "3",
            "on_site_start_year": "2025",
            "on_site_end_day": "21",
            "on_site_end_month": "3",
            "on_site_end_year": "2025",
            "theme": "Child exploitation",
        },
    )
    event = InspectionEvent.objects.get(council=council_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("staff-time-edit", args=[event.pk])
    assert event.created_by == editor_a and event.on_site_days == 15


def test_a_form_with_errors_is_shown_again_with_what_was_typed(client_for, editor_a, council_a):
    response = client_for(editor_a).post(
        reverse("event-create", args=[council_a.slug]),
        {
            "inspection_type": inspection_type("jtai").pk,
            "on_site_start_day": "3",
            "on_site_start_month": "3",
            "on_site_start_year": "2025",
            "on_site_end_day": "1",
            "on_site_end_month": "3",
            "on_site_end_year": "2025",
            "theme": "Kept text",
        },
    )
    assert response.status_code == 200
    assert InspectionEvent.objects.count() == 0
    assert "The on-site end must be the same as or after the on-site start." in response.text
    assert 'value="Kept text"' in response.text


def test_an_editor_logs_staff_time(client_for, editor_a, event_a):
    response = client_for(editor_a).post(
        reverse("staff-time-edit", args=[event_a.pk]),
        {
            "staff_time-TOTAL_FORMS": "3",
            "staff_time-INITIAL_FORMS": "2",
            "staff_time-MIN_NUM_FORMS": "0",
            "staff_time-MAX_NUM_FORMS": "1000",
            **{
                f"staff_time-{i}-{k}": v
                for i, entry in enumerate(event_a.staff_time.order_by("pk"))
                for k, v in {
                    "id": entry.pk,
                    "team": entry.team,
                    "phase": entry.phase,
                    "hours": entry.hours,
                    "people": entry.people,
                    "DELETE": "on" if entry.team == "managers" else "",
                }.items()
            },
            "staff_time-2-team": "senior_leaders",
            "staff_time-2-phase": "after",
            "staff_time-2-hours": "7.5",
            "staff_time-2-people": "1",
        },
    )
    assert response.status_code == 302
    rows = sorted(event_a.staff_time.values_list("team", "hours"))
    assert [(team, float(hours)) for team, hours in rows] == [("data", 40), ("senior_leaders", 7.5)]


def test_the_event_page_shows_hours_by_team_and_phase(client_for, viewer_a, event_a):
    response = client_for(viewer_a).get(reverse("event-detail", args=[event_a.pk]))
    assert response.status_code == 200
    table = response.context["hours"]
    assert table.total == 52.5
    assert [label for label, _, _ in table.rows] == ["Data and performance", "Managers"]
    assert 'data-total="event-hours"><strong>52.5' in response.text


def test_the_council_page_filters_and_totals_events(client_for, editor_a, council_a, event_a):
    make_event(council_a, "jtai", date(2024, 1, 8))
    client = client_for(editor_a)
    url = reverse("council-detail", args=[council_a.slug])

    everything = client.get(url).context["totals"]
    assert (everything.events, everything.staff_hours) == (2, 52.5)
    jtai_only = client.get(url, {"family": "jtai"}).context["totals"]
    assert (jtai_only.events, jtai_only.on_site_days, jtai_only.staff_hours) == (1, 11, 0)
    period = client.get(url, {"date_from": "2025-01-01", "date_to": "2025-12-31"}).context
    assert period["totals"].events == 1


@pytest.mark.parametrize("name", ["event-edit", "event-delete", "staff-time-edit"])
def test_an_editor_of_another_council_gets_404_on_its_edit_pages(
    client_for, editor_a, event_b, name
):
    client = client_for(editor_a)
    assert client.get(reverse(name, args=[event_b.pk])).status_code == 404
    assert client.post(reverse(name, args=[event_b.pk]), {}).status_code == 404
    assert InspectionEvent.objects.filter(pk=event_b.pk).exists()


def test_an_editor_of_another_council_gets_404_on_its_create_page(client_for, editor_a, council_b):
    client = client_for(editor_a)
    assert client.get(reverse("event-create", args=[council_b.slug])).status_code == 404


def test_a_council_user_sees_another_councils_event_but_not_its_hours(
    client_for, editor_a, event_b
):
    response = client_for(editor_a).get(reverse("event-detail", args=[event_b.pk]))
    assert response.status_code == 200
    assert "Domestic abuse" in response.text
    assert response.context["hours"] is None and response.context["entries"] is None
    assert "123.5" not in response.text


def test_a_council_user_does_not_see_another_councils_hours_on_its_council_page(
    client_for, editor_a, council_b, event_b
):
    response = client_for(editor_a).get(reverse("council-detail", args=[council_b.slug]))
    assert response.context["totals"].staff_hours is None
    assert "123.5" not in response.text
    assert not hasattr(response.context["page_obj"][0], "staff_hours")


def test_a_viewer_cannot_edit_their_own_council(client_for, viewer_a, event_a, council_a):
    client = client_for(viewer_a)
    for name in ["event-edit", "event-delete", "staff-time-edit"]:
        assert client.get(reverse(name, args=[event_a.pk])).status_code == 404
    assert client.get(reverse("event-create", args=[council_a.slug])).status_code == 404
    assert "Log an inspection event" not in client.get(council_a.get_absolute_url()).text


def test_an_lga_officer_reads_every_councils_hours_but_edits_none(client_for, lga_officer, event_b):
    client = client_for(lga_officer)
    response = client.get(reverse("event-detail", args=[event_b.pk]))
    assert response.context["hours"].total == 123.5
    assert client.get(reverse("event-edit", args=[event_b.pk])).status_code == 404


def test_an_administrator_edits_any_council(client_for, administrator, event_b):
    client = client_for(administrator)
    assert client.get(reverse("event-edit", args=[event_b.pk])).status_code == 200
    response = client.post(reverse("event-delete", args=[event_b.pk]))
    assert response.status_code == 302
    assert not InspectionEvent.objects.filter(pk=event_b.pk).exists()
    assert not StaffTime.objects.filter(event_id=event_b.pk).exists()


@pytest.mark.parametrize("role", ["editor_a", "viewer_a", "lga_officer", "administrator"])
def test_every_page_renders_for_every_role(request, client_for, role, event_a, event_b):
    user = request.getfixturevalue(role)
    client = client_for(user)
    pages = [
        reverse("home"),
        reverse("council-list"),
        reverse("region-dashboard", args=[event_a.council.region.slug]),
        reverse("council-detail", args=[event_a.council.slug]),
        reverse("council-detail", args=[event_b.council.slug]),
        reverse("event-detail", args=[event_a.pk]),
        reverse("event-detail", args=[event_b.pk]),
        reverse("about"),
        reverse("password_change"),
    ]
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url


def test_the_admin_lists_every_model_for_an_administrator(client_for, administrator, event_a):
    client = client_for(administrator)
    for model in [
        "councils/council",
        "councils/region",
        "councils/councilmembership",
        "councils/lgaofficer",
        "inspections/inspectiontype",
        "inspections/inspectionevent",
        "inspections/stafftime",
        "inspections/clusterrule",
        "inspections/cluster",
    ]:
        response = client.get(f"/admin/{model}/", {"q": "a"})
        assert response.status_code == 200, model


def test_demo_hours_say_demo_next_to_the_hours_wherever_they_appear(
    client_for, viewer_a, council_a
):
    from inspections.models import Source

    event = make_event(council_a, "ilacs_standard", date(2022, 3, 7), source=Source.PUBLISHED)
    make_hours(event, 10)
    client = client_for(viewer_a)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Demo" not in page
    StaffTime.objects.create(event=event, team="data", phase="after", hours=7, is_demo=True)
    page = client.get(event.get_absolute_url()).content.decode()
    # Next to the hours, outside the collapsed list of entries.
    table = page.split('id="hours-by-team-and-phase"')[1].split("</table>")[0]
    assert 'id="event-hours-demo"' in table
    total = table.split('data-total="event-hours">')[1].split("</td>")[0]
    assert "Demo" in total
    before_details = page.split('class="govuk-details"')[0]
    assert 'id="event-hours-demo-note"' in before_details
    council_page = client.get(council_a.get_absolute_url()).content.decode()
    totals = council_page.split('data-total="staff-hours">')[1].split("</dd>")[0]
    assert "Demo" in totals

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest

from councils.access import access_for
from councils.services import council_register_load
from inspections.demo import DEMO_PASSWORD, demo_seed
from inspections.models import InspectionEvent, Source, StaffTime

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 24)


@pytest.fixture
def register():
    council_register_load()


def fingerprint():
    return list(
        InspectionEvent.objects.order_by(
            "council__gss_code", "inspection_type__code", "on_site_start"
        ).values_list(
            "council__gss_code", "inspection_type__code", "on_site_start", "outcome__code"
        )
    ), sorted(StaffTime.objects.values_list("team", "phase", "hours"))


def test_the_small_seed_makes_plausible_demo_events_and_hours(register):
    summary = demo_seed(size="small", today=TODAY)

    events = InspectionEvent.objects.all()
    assert summary.councils == 6
    assert summary.events == events.count() > 50
    assert set(events.values_list("source", flat=True)) == {Source.DEMO}
    assert not events.filter(on_site_start__gt=TODAY).exists()
    assert not events.filter(published_on__gt=TODAY).exists()
    # Notice and duration follow each regime: a JTAI gives 10 working days' notice, 15 on site.
    jtai = events.filter(inspection_type__code="jtai").first()
    if jtai:
        assert jtai.on_site_days == 15 and jtai.notified_on < jtai.on_site_start
    for event in events.filter(inspection_type__code="ilacs_focused_visit"):
        assert event.on_site_days == 2
    assert StaffTime.objects.count() == summary.staff_time > summary.events
    assert not StaffTime.objects.filter(is_demo=False).exists()
    assert not StaffTime.objects.filter(hours__lte=0).exists()
    assert events.filter(council__slug="manchester").exists()


def test_the_seed_is_deterministic_and_replaces_only_demo_rows(register, council_a):
    from tests.factories import make_event, make_hours

    real = make_event(council_a, "jtai", date(2024, 6, 3))
    make_hours(real, 10)
    demo_seed(size="small", today=TODAY)
    first = fingerprint()

    demo_seed(size="small", today=TODAY)

    assert fingerprint() == first
    assert InspectionEvent.objects.filter(pk=real.pk, source=Source.COUNCIL).exists()
    assert StaffTime.objects.filter(event=real, is_demo=False).count() == 1


def test_the_command_prints_one_demo_user_per_role_who_can_sign_in(register, client):
    out = StringIO()
    call_command(
        "seed_demo", size="small", allow_production=True, stdout=out
    )  # tests run DEBUG off

    text = out.getvalue()
    for role in ["Administrator", "LGA officer", "Editor of Manchester", "Viewer of Manchester"]:
        assert role in text
    assert DEMO_PASSWORD in text
    users = get_user_model().objects
    assert access_for(users.get(username="admin")).is_admin
    assert access_for(users.get(username="lga.officer")).is_lga_officer
    assert access_for(users.get(username="manchester.editor")).role == "editor"
    assert access_for(users.get(username="manchester.viewer")).role == "viewer"
    # django-axes needs the request that signs in
    assert client.login(request=HttpRequest(), username="manchester.editor", password=DEMO_PASSWORD)


def test_the_command_refuses_to_run_in_production(register, settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", size="small", stdout=StringIO())

"""The issue's "done when": a focused visit 40 days after a JTAI, logged through the form."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from inspections.models import Cluster, InspectionEvent
from tests.factories import inspection_type, make_event

pytestmark = pytest.mark.django_db


def test_an_editor_logging_a_focused_visit_40_days_after_a_jtai_is_told_of_the_cluster(
    client_for, editor_a, council_a, lga_officer, django_capture_on_commit_callbacks
):
    jtai = make_event(council_a, "jtai", date(2025, 3, 3), theme="Domestic abuse")
    editor = client_for(editor_a)

    # Commits run their follow-up work (the re-check task, eagerly) as in the running app.
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("event-create", args=[council_a.slug]),
            {
                "inspection_type": inspection_type("ilacs_focused_visit").pk,
                "on_site_start_day": "12",
                "on_site_start_month": "4",
                "on_site_start_year": "2025",
                "on_site_end_day": "13",
                "on_site_end_month": "4",
                "on_site_end_year": "2025",
            },
        )
    next_page = editor.get(response["Location"]).content.decode()

    visit = InspectionEvent.objects.get(inspection_type__code="ilacs_focused_visit")
    cluster = Cluster.objects.get(council=council_a, rule__name="Back-to-back")
    assert set(cluster.events.all()) == {jtai, visit} and cluster.span_days == 40
    # The next page says so, once.
    assert 'id="cluster-notices"' in next_page
    assert "Back-to-back: 2 inspections of Lakeshire within 40 days" in next_page
    assert 'id="cluster-notices"' not in editor.get(visit.get_absolute_url()).content.decode()
    # The event page shows the cluster, with the gap.
    event_page = editor.get(visit.get_absolute_url())
    assert [c.pk for c in event_page.context["event_clusters"]] == [cluster.pk]
    assert [m.gap_days for m in event_page.context["event_clusters"][0].members] == [None, 40]

    # The LGA officer sees it in the regional list and got exactly one e-mail about it.
    officer = client_for(lga_officer)
    regional = officer.get(reverse("cluster-list"), {"region": council_a.region.slug})
    assert [c.pk for c in regional.context["clusters"]] == [cluster.pk]
    to_officer = [m for m in mail.outbox if m.to == [lga_officer.email]]
    assert len(to_officer) == 1
    assert "Lakeshire" in to_officer[0].subject
    assert [m.to for m in mail.outbox if m.to != [lga_officer.email]] == [[editor_a.email]]

from datetime import date

import pytest

from inspections.models import Cluster, InspectionEvent, Source
from inspections.selectors import demo_data_present
from inspections.services.clusters import council_clusters_recheck
from tests.factories import make_event

pytestmark = pytest.mark.django_db


def test_demo_data_present_is_cached_until_the_next_write(
    council_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_event(council_a, "jtai", date(2025, 3, 3))
    assert demo_data_present() is False

    # A write behind the services' back is not seen: the answer is cached...
    InspectionEvent.objects.update(source=Source.DEMO)
    assert demo_data_present() is False

    # ...until the next write through them, which starts a new generation.
    with django_capture_on_commit_callbacks(execute=True):
        make_event(council_a, "ilacs_focused_visit", date(2025, 6, 2), source=Source.DEMO)
    assert demo_data_present() is True


def test_the_admins_bulk_delete_re_checks_the_councils_clusters(
    client_for, administrator, council_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        jtai = make_event(council_a, "jtai", date(2025, 3, 3))
        visit = make_event(council_a, "ilacs_focused_visit", date(2025, 4, 14))
    council_clusters_recheck(council_id=council_a.pk, alert=False)
    assert Cluster.objects.filter(council=council_a).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(
            "/admin/inspections/inspectionevent/",
            {"action": "delete_selected", "_selected_action": [visit.pk], "post": "yes"},
        )

    assert response.status_code == 302
    assert list(InspectionEvent.objects.values_list("pk", flat=True)) == [jtai.pk]
    assert not Cluster.objects.filter(council=council_a).exists()

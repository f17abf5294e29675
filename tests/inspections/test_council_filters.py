"""Every filter that takes a council reads it through the council resolver (issue 10): the
dashboards, the clusters list and the API take a slug or any name or code the resolver knows
(GSS codes current and retired, DfE LA numbers, Ofsted URNs, usual names, aliases), and a value
it refuses gets the resolver's own message as the error of the ``council`` field."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from councils.models import CouncilAlias, JointService, RetiredCouncilCode
from inspections.models import Cluster, ClusterRule, StaffTime
from tests.factories import make_event, make_hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def names(council_a, council_b):
    """Lakeshire's names and codes, as files and people write them."""
    CouncilAlias.objects.create(council=council_a, name="The Lakes")
    retired = RetiredCouncilCode.objects.create(gss_code="E10000099", name="Old Lakeshire County")
    retired.successors.set([council_a])
    council_a.ofsted_urn = "80123"
    council_a.save()
    joint = JointService.objects.create(name="Lakes and Rivers Partnership")
    joint.members.set([council_a, council_b])
    return [
        council_a.slug,
        council_a.gss_code,
        council_a.gss_code.lower(),
        council_a.dfe_number,
        "80123",
        "Lakeshire Council",
        "LAKESHIRE",
        "The Lakes",
        "E10000099",
    ]


REFUSED = [
    ("Lakeshir", "Did you mean Lakeshire?"),
    ("Cardiff", "is not an English council with children's services responsibilities"),
    ("W06000015", "is not an English council"),
    ("Lakes and Rivers Partnership", "choose one"),
]


def _clusters(council_a, council_b):
    rule = ClusterRule.objects.first()
    for council in (council_a, council_b):
        event = make_event(council, "ilacs_focused_visit", date(2025, 3, 3))
        cluster = Cluster.objects.create(
            council=council,
            rule=rule,
            member_key=str(event.pk),
            first_date=event.on_site_start,
            last_date=event.on_site_start,
            span_days=0,
            event_count=1,
        )
        cluster.events.set([event])


def test_the_clusters_list_takes_any_name_or_code_of_a_council(
    client_for, lga_officer, council_a, council_b, names
):
    _clusters(council_a, council_b)
    client = client_for(lga_officer)
    for value in names:
        response = client.get(reverse("cluster-list"), {"council": value})
        assert response.status_code == 200
        assert [c.council for c in response.context["clusters"]] == [council_a], value
    for value, message in REFUSED:
        response = client.get(reverse("cluster-list"), {"council": value})
        errors = response.context["filter"].form.errors
        assert message in " ".join(errors["council"]), value


def test_the_dashboards_send_a_council_named_any_way_to_its_page(
    client_for, lga_officer, council_a, names
):
    client = client_for(lga_officer)
    for value in names:
        for url in (
            reverse("dashboard-national"),
            reverse("region-dashboard", args=[council_a.region.slug]),
        ):
            response = client.get(url, {"council": value, "date_from": "2024-01-01"})
            assert response.status_code == 302, (url, value)
            location = response["Location"]
            assert location.startswith(reverse("council-detail", args=[council_a.slug]))
            assert "date_from=2024-01-01" in location
    for value, message in REFUSED:
        response = client.get(reverse("dashboard-national"), {"council": value})
        assert response.status_code in (200, 400)
        errors = response.context["filter"].form.errors
        assert message in " ".join(errors["council"]), value


def _api(user):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


@pytest.mark.parametrize("endpoint", ["api:event-list", "api:staff-time-list", "api:cluster-list"])
def test_the_api_filters_take_any_name_or_code_of_a_council(
    endpoint, lga_officer, council_a, council_b, names
):
    _clusters(council_a, council_b)
    for event in council_a.events.all() | council_b.events.all():
        make_hours(event, 3)
    expected = {
        "api:event-list": {e.pk for e in council_a.events.all()},
        "api:staff-time-list": {h.pk for h in StaffTime.objects.filter(event__council=council_a)},
        "api:cluster-list": {c.pk for c in Cluster.objects.filter(council=council_a)},
    }[endpoint]
    api = _api(lga_officer)
    assert len(api.get(reverse(endpoint)).json()["results"]) == 2 * len(expected)
    for value in names:
        response = api.get(reverse(endpoint), {"council": value})
        assert response.status_code == 200, (value, response.json())
        assert {row["id"] for row in response.json()["results"]} == expected, value
    for value, message in REFUSED:
        response = api.get(reverse(endpoint), {"council": value})
        assert response.status_code == 400
        assert message in " ".join(response.json()["council"]), value


def test_the_api_finds_a_council_and_its_forecast_clashes_by_any_name_or_code(
    lga_officer, council_a, names
):
    api = _api(lga_officer)
    for value in names:
        response = api.get(reverse("api:council-detail", args=[value]))
        assert response.status_code == 200, value
        assert response.json()["slug"] == council_a.slug
        assert api.get(reverse("api:forecast-clash-list"), {"council": value}).status_code == 200
    for value, message in REFUSED:
        response = api.get(reverse("api:council-detail", args=[value]))
        assert response.status_code == 404
        assert message in response.json()["detail"]
        response = api.get(reverse("api:forecast-clash-list"), {"council": value})
        assert response.status_code == 400
        assert message in " ".join(response.json()["council"])


@pytest.mark.parametrize("page", ["inadequate-journey", "evidence-pack"])
def test_the_journey_and_evidence_pack_scopes_take_any_name_or_code_of_a_council(
    client_for, lga_officer, council_a, names, page
):
    client = client_for(lga_officer)
    for value in names:
        response = client.get(reverse(page), {"council": value})
        assert response.status_code == 200, value
        assert response.context["form"].cleaned_data["council"] == council_a, value
    for value, message in REFUSED:
        response = client.get(reverse(page), {"council": value})
        assert response.status_code == 400, value
        assert message in " ".join(response.context["form"].errors["council"]), value

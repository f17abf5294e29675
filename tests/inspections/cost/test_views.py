"""The cost pages: a council's own rates (its editors set them, its users see them, nobody else
does), and the cost sections of the dashboards, council and event pages."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from inspections.cost.models import CostRate
from tests import factories


def rate_form(**changes):
    data = {
        "team": "data",
        "applies_from_day": "1",
        "applies_from_month": "4",
        "applies_from_year": "2025",
        "hourly_rate": "31.50",
        "basis": "Grade 7, top point, + 31% on-costs",
        "source": "Our pay scales 2025-26",
    }
    data.update(changes)
    return data


@pytest.fixture
def url(council_a):
    return reverse("council-cost-rates", args=[council_a.slug])


def test_an_editor_sets_their_councils_own_rate(client_for, editor_a, council_a, url):
    response = client_for(editor_a).post(url, rate_form())
    assert response.status_code == 302
    rate = CostRate.objects.get(council=council_a)
    assert (rate.team, rate.applies_from, rate.hourly_rate) == (
        "data",
        date(2025, 4, 1),
        Decimal("31.50"),
    )


def test_a_bad_rate_is_refused_with_a_message_naming_the_field(client_for, editor_a, url):
    response = client_for(editor_a).post(url, rate_form(hourly_rate="-3"))
    assert response.status_code == 200
    assert "cost per hour must be more than £0" in response.text
    response = client_for(editor_a).post(url, rate_form(hourly_rate="lots"))
    assert response.status_code == 200 and "govuk-error-summary" in response.text
    assert not CostRate.objects.filter(council__isnull=False).exists()


def test_a_second_rate_for_the_same_team_and_date_is_refused(client_for, editor_a, url):
    client = client_for(editor_a)
    client.post(url, rate_form())
    response = client.post(url, rate_form(hourly_rate="40"))
    assert response.status_code == 200
    assert "already has a rate for this team from that date" in response.text
    assert CostRate.objects.filter(council__isnull=False).count() == 1


def test_a_viewer_sees_the_rates_but_cannot_set_one(client_for, viewer_a, url):
    client = client_for(viewer_a)
    response = client.get(url)
    assert response.status_code == 200 and "Set a rate" not in response.text
    assert client.post(url, rate_form()).status_code == 404
    assert not CostRate.objects.filter(council__isnull=False).exists()


def test_another_councils_rates_do_not_exist(client_for, editor_b, editor_a, council_a, url):
    client_for(editor_a).post(url, rate_form())
    rate = CostRate.objects.get(council=council_a)
    client = client_for(editor_b)
    assert client.get(url).status_code == 404
    assert client.post(url, rate_form()).status_code == 404
    delete = reverse("council-cost-rate-delete", args=[council_a.slug, rate.pk])
    assert client.post(delete).status_code == 404
    assert CostRate.objects.filter(pk=rate.pk).exists()


def test_an_editor_deletes_an_own_rate(client_for, editor_a, council_a, url):
    client = client_for(editor_a)
    client.post(url, rate_form())
    rate = CostRate.objects.get(council=council_a)
    delete = reverse("council-cost-rate-delete", args=[council_a.slug, rate.pk])
    assert client.post(delete).status_code == 302
    assert not CostRate.objects.filter(pk=rate.pk).exists()


def test_the_dashboards_and_the_event_page_show_cost(client_for, lga_officer, council_a):
    factories.ensure_reference_data()
    event = factories.make_event(council_a, "ilacs_focused_visit", date(2025, 3, 3))
    factories.make_hours(event, "10", team="data")
    expected = CostRate.objects.get(council=None, team="data").hourly_rate * 10
    client = client_for(lga_officer)
    page = client.get(reverse("dashboard-national") + "?date_from=").text
    assert 'id="cost-section"' in page and 'id="regions-cost-table"' in page
    assert f"£{expected:,.0f}" in page
    assert "£26,730" in page  # the CQC's grant per council, as a reference figure
    page = client.get(reverse("event-detail", args=[event.pk])).text
    assert f"£{expected:,.0f}" in page


def test_another_councils_event_shows_no_cost(client_for, editor_b, council_a):
    event = factories.make_event(council_a, "ilacs_focused_visit", date(2025, 3, 3))
    factories.make_hours(event, "10", team="data")
    page = client_for(editor_b).get(reverse("event-detail", args=[event.pk])).text
    assert 'id="event-cost"' not in page
    page = client_for(editor_b).get(reverse("council-detail", args=[council_a.slug])).text
    assert 'data-cost="cost">not shown' in page

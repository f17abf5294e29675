"""One filter-error pattern on every filtered page and export (issue #13).

Filters that cannot be used (a value that cannot be read, or a parameter the page does not read,
such as the misspelt ``?councl=manchester``) give: status 400, the GOV.UK error summary naming
the problem, "Error: " at the start of the title, and no figures (never the unfiltered ones).
The rule: ``inspections.filters.refuse_unknown_parameters`` and ``filter_status``.
"""

import re
from datetime import date

import pytest
from django import forms
from django.urls import reverse

from burden.govuk_forms import GovukDateField
from inspections.filters import refuse_unknown_parameters, unknown_parameters
from tests.factories import make_event, make_hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(council_a, council_b):
    event = make_event(council_a, "ilacs_standard", date(2024, 3, 4))
    make_hours(event, 120)
    make_event(council_b, "jtai", date(2024, 9, 16))
    return event


def pages(council_a):
    region = council_a.region.slug
    return {
        "England's dashboard": reverse("dashboard-national"),
        "a region's dashboard": reverse("region-dashboard", args=[region]),
        "a council's page": reverse("council-detail", args=[council_a.slug]),
        "the clusters list": reverse("cluster-list"),
        "England's forecast": reverse("forecast-national"),
        "a region's forecast": reverse("forecast-region", args=[region]),
        "the inadequate journey": reverse("inadequate-journey"),
        "the evidence pack": reverse("evidence-pack"),
        "the evidence pack's ZIP": reverse("evidence-pack-zip"),
    }


EXPORTS = [
    "export-events",
    "export-staff-time",
    "export-summary",
    "export-clusters",
    "export-forecast-windows",
    "export-forecast-clashes",
    "export-cost-rates",
    "export-cost-by-year",
    "export-inadequate-journeys",
    "export-inadequate-journey-figures",
]
# A value each page's filters refuse (the forecasts have only a horizon).
BAD_VALUE = {"England's forecast": {"months": "7"}, "a region's forecast": {"months": "7"}}
DEFAULT_BAD_VALUE = {"date_from_day": "40", "date_from_month": "1", "date_from_year": "2024"}


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S)[1].strip()


def summary_of(html: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match[0])) if match else ""


def assert_the_pattern(response, words: str, where: str):
    html = response.content.decode()
    assert response.status_code == 400, where
    assert title_of(html).startswith("Error: "), where
    assert words in summary_of(html), (where, summary_of(html))


@pytest.mark.parametrize("misspelt", ["councl", "date_form", "regoin"])
def test_every_filtered_page_refuses_a_parameter_it_does_not_read(
    client_for, lga_officer, council_a, history, misspelt
):
    client = client_for(lga_officer)
    for where, url in pages(council_a).items():
        response = client.get(url, {misspelt: "manchester"})
        assert_the_pattern(response, f"‘{misspelt}’ is not a filter of this page", where)


def test_every_filtered_page_answers_400_with_the_summary_for_a_value_it_cannot_read(
    client_for, lga_officer, council_a, history
):
    client = client_for(lga_officer)
    for where, url in pages(council_a).items():
        response = client.get(url, BAD_VALUE.get(where, DEFAULT_BAD_VALUE))
        html = response.content.decode()
        assert response.status_code == 400, where
        assert title_of(html).startswith("Error: "), where
        assert "There is a problem" in summary_of(html), where


def test_the_same_pages_with_their_own_parameters_are_not_refused(
    client_for, lga_officer, council_a, history
):
    client = client_for(lga_officer)
    own = {
        "England's dashboard": {"sort": "-events", "timeline": "all", "date_from": "2020-01-01"},
        "a region's dashboard": {"sort": "council", "date_from_day": "1", "date_from_month": "1",
                                 "date_from_year": "2020"},
        "a council's page": {"page": "1", "timeline": "all", "family": "ilacs"},
        "the clusters list": {"page": "1", "acknowledged": "no"},
        "England's forecast": {"months": "24", "page": "1"},
        "a region's forecast": {"months": "6"},
        "the inadequate journey": {"region": council_a.region.slug},
        "the evidence pack": {"council": council_a.slug, "date_from": "2020-01-01"},
        "the evidence pack's ZIP": {"council": council_a.slug},
    }  # fmt: skip
    for where, url in pages(council_a).items():
        response = client.get(url, own[where])
        assert response.status_code == 200, (where, summary_of(response.content.decode()))


def test_a_council_page_with_filters_it_cannot_use_shows_no_unfiltered_figures(
    client_for, editor_a, council_a, history
):
    client = client_for(editor_a)
    url = reverse("council-detail", args=[council_a.slug])
    good = client.get(url).content.decode()
    assert 'data-total="events"' in good and 'id="events"' in good

    for params in ({"councl": "manchester"}, DEFAULT_BAD_VALUE):
        response = client.get(url, params)
        html = response.content.decode()
        assert response.status_code == 400
        assert 'data-total="events"' not in html  # the totals of every event, before the fix
        assert 'data-total="staff-hours"' not in html
        assert 'id="events"' not in html and 'id="downloads"' not in html
        assert 'id="no-figures"' in html


def test_the_clusters_list_with_filters_it_cannot_use_lists_no_cluster(
    client_for, lga_officer, council_a, history
):
    response = client_for(lga_officer).get(reverse("cluster-list"), {"councl": "lakeshire"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="cluster-count"' not in html and 'id="no-figures"' in html


@pytest.mark.parametrize("name", EXPORTS)
def test_every_export_refuses_a_parameter_it_does_not_read_and_downloads_nothing(
    client_for, lga_officer, council_a, history, name
):
    client = client_for(lga_officer)
    response = client.get(reverse(name), {"councl": council_a.slug})
    assert_the_pattern(response, "‘councl’ is not a filter of this page", name)
    assert "Content-Disposition" not in response  # not England's rows under "england"
    assert response["Content-Type"].startswith("text/html")


def test_an_export_names_the_filter_whose_value_it_cannot_read(client_for, lga_officer, history):
    response = client_for(lga_officer).get(reverse("export-events"), {"council": "atlantis"})
    assert_the_pattern(response, "council: No council is called ‘atlantis’.", "export")


def test_the_council_page_download_links_carry_no_parameter_the_exports_refuse(
    client_for, editor_a, council_a, history
):
    client = client_for(editor_a)
    html = client.get(
        reverse("council-detail", args=[council_a.slug]), {"timeline": "all", "page": "1"}
    ).content.decode()
    links = re.findall(r'href="(/exports/[^"]+)"', html)
    assert links
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, (link, summary_of(response.content.decode()))


class _DateForm(forms.Form):
    date_from = GovukDateField(required=False)
    region = forms.CharField(required=False)


def test_the_date_boxes_and_the_views_own_parameters_are_known():
    query = {"date_from_day": "1", "date_from_month": "2", "date_from_year": "2024", "page": "2"}
    assert unknown_parameters(_DateForm(query), query, also={"page"}) == []
    assert unknown_parameters(_DateForm(query), query) == ["page"]


def test_many_or_long_unknown_names_are_cut_short_in_the_message():
    query = {f"{'x' * 100}{n}": "1" for n in range(8)}
    form = _DateForm(query)
    refuse_unknown_parameters(form, query)
    (message,) = form.non_field_errors()
    assert "…’" in message and "and 3 more are not filters of this page" in message
    assert len(message) < 400


def test_an_unbound_form_is_left_alone():
    form = _DateForm()
    refuse_unknown_parameters(form, {})
    assert not form.is_bound and not form.errors


@pytest.mark.parametrize("name", ["export-events", "export-staff-time", "export-summary"])
def test_a_filter_given_twice_is_refused_by_name_not_read_as_either(
    client_for, lga_officer, council_a, council_b, history, name
):
    """``council=a&council=b`` filtered (and named the file) by the last one, quietly."""
    client = client_for(lga_officer)
    response = client.get(f"{reverse(name)}?council={council_a.slug}&council={council_b.slug}")
    assert_the_pattern(response, "‘council’ is given more than once", name)
    assert "Content-Disposition" not in response


def test_a_page_filter_given_twice_is_refused_by_name(client_for, lga_officer, council_a, history):
    client = client_for(lga_officer)
    for where, query in {
        "the clusters list": "council=a&council=b",
        "England's dashboard": "family=ilacs&family=area_send",
        "England's forecast": "months=6&months=12",
    }.items():
        response = client.get(f"{pages(council_a)[where]}?{query}")
        name = query.split("=")[0]
        assert_the_pattern(response, f"‘{name}’ is given more than once", where)

import pytest
from django.urls import reverse

from inspections.forecast import selectors

pytestmark = pytest.mark.django_db


def test_forecast_clashes_are_the_pages_clashes(api_for, viewer_a, council_a, forecast):
    for months in (6, 12, 24):
        rows = api_for(viewer_a).get("/api/v1/forecast-clashes/", {"months": months}).json()
        expected = list(selectors.clashes_within(months))
        assert [row["id"] for row in rows["results"]] == [clash.pk for clash in expected]
        for row, clash in zip(rows["results"], expected, strict=True):
            assert row["likelihood"] == clash.likelihood(months)
            assert row["council"] == council_a.slug
    assert api_for(viewer_a).get("/api/v1/forecast-clashes/", {"months": 24}).json()["count"]


def test_forecast_clash_filters_are_checked(api_for, viewer_a, forecast, council_a, london):
    api = api_for(viewer_a)
    assert list(api.get("/api/v1/forecast-clashes/", {"months": 7}).json()) == ["months"]
    assert list(api.get("/api/v1/forecast-clashes/", {"council": "Nowhere"}).json()) == ["council"]
    in_london = api.get("/api/v1/forecast-clashes/", {"months": 24, "region": london.slug})
    assert in_london.json()["count"] == 0
    page = api_for(viewer_a).get(reverse("api:forecast-clash-list"), {"council": council_a.slug})
    assert page.status_code == 200

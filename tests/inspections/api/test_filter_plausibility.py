"""Every filter of every API endpoint goes through ``burden.plausible``: ids, numbers, dates,
``page`` and ``page_size`` in ASCII digits and bounded, dates in the plausible range. No value a
caller can send gives a server error; a refused one is a 400 whose JSON names the parameter.

The parameters are read from the API's own OpenAPI description, so a filter added later is
fuzzed too.
"""

from datetime import date

import pytest
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspections.models import Cluster, ClusterRule
from tests.factories import make_event, make_hours
from tests.test_fuzz import HOSTILE

pytestmark = pytest.mark.django_db

# The case schemathesis found (a 500: OverflowError), and its neighbours.
FOUND = {
    "event": "-2.4638099174465225e+241",
    "page": "19786",
    "page_size": "3173",
    "format": "csv",
    "date_to": "0063-07-12",
}
API_HOSTILE = [
    *HOSTILE,
    *FOUND.values(),
    "1.5",
    "1e3",
    "2147483648",
    "99999999999999999999",
    "0063-07-12",
    "2025-03-03",
    "2025-3-3",
    "1999-12-31",
    "2025-03-03T00:00:00",
    "E06000001",
    "Lakeshir",
    "last",
]
VALUES = st.one_of(
    st.sampled_from(API_HOSTILE),
    st.text(max_size=30).filter(lambda text: "\x00" not in text),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _list_endpoints() -> dict[str, list[str]]:
    """Each GET path of the API without path parameters, with its query parameters."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    endpoints = {}
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        names = [p["name"] for p in get.get("parameters", []) if p["in"] == "query"]
        endpoints[path] = sorted({*names, "page", "page_size", "format"})
    return endpoints


ENDPOINTS = _list_endpoints()


@pytest.fixture
def data(council_a, council_b):
    event = make_event(council_a, "ilacs_focused_visit", date(2025, 3, 3))
    make_hours(event, 10)
    make_hours(make_event(council_b, "jtai", date(2025, 6, 2)), 20)
    cluster = Cluster.objects.create(
        council=council_a,
        rule=ClusterRule.objects.first(),
        member_key=str(event.pk),
        first_date=event.on_site_start,
        last_date=event.on_site_start,
        span_days=0,
        event_count=1,
    )
    cluster.events.set([event])


def test_the_fuzzed_endpoints_are_every_list_of_the_api():
    assert {
        "/api/v1/events/",
        "/api/v1/staff-time/",
        "/api/v1/clusters/",
        "/api/v1/forecast-clashes/",
        "/api/v1/councils/",
        "/api/v1/regions/",
        "/api/v1/inspection-types/",
        "/api/v1/import-jobs/",
        "/api/v1/summaries/councils/",
        "/api/v1/summaries/regions/",
    } <= set(ENDPOINTS)
    assert {"event", "date_from", "date_to", "council"} <= set(ENDPOINTS["/api/v1/staff-time/"])


def test_the_case_schemathesis_found_is_a_400_naming_each_parameter(api_for, administrator, data):
    response = api_for(administrator).get("/api/v1/staff-time/", FOUND)
    assert response.status_code == 400
    assert "event" in response.text and "date_to" in response.text
    response = api_for(administrator).get("/api/v1/staff-time/", {**FOUND, "format": "json"})
    errors = response.json()
    assert "whole number" in " ".join(errors["event"])
    assert "on or after 1 January 2000" in " ".join(errors["date_to"])


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("page_size", "3173", "from 1 to 1,000"),
        ("page_size", "0", "from 1 to 1,000"),
        ("page_size", "١٢", "digits 0 to 9"),
        ("page", "-1", "digits 0 to 9"),
        ("page", "²", "digits 0 to 9"),
        ("page", "99999999999999999999", "digits 0 to 9"),
    ],
)
def test_page_and_page_size_are_bounded_whole_numbers(api_for, administrator, name, value, words):
    response = api_for(administrator).get("/api/v1/events/", {name: value})
    assert response.status_code == 400
    assert words in " ".join(response.json()[name])


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/staff-time/", {"event": "1.5"}),
        ("/api/v1/staff-time/", {"event": "2147483648"}),
        ("/api/v1/events/", {"date_from": "9999-12-31"}),
        ("/api/v1/events/", {"date_to": "2025-02-30"}),
        ("/api/v1/events/", {"date_to": "03/03/2025"}),
        ("/api/v1/clusters/", {"rule": "99999999999999999999"}),
        ("/api/v1/clusters/", {"date_from": "1999-12-31"}),
        ("/api/v1/forecast-clashes/", {"months": "²"}),
        ("/api/v1/summaries/councils/", {"date_to": "10000-01-01"}),
    ],
)
def test_an_implausible_filter_is_a_400_naming_it(api_for, administrator, data, path, params):
    response = api_for(administrator).get(path, params)
    assert response.status_code == 400, response.content
    assert set(response.json()) == set(params)


@FUZZ
@given(
    endpoint=st.sampled_from(sorted(ENDPOINTS)),
    values=st.lists(VALUES, min_size=1, max_size=5),
    picks=st.lists(st.integers(min_value=0), min_size=1, max_size=5),
)
def test_no_filter_of_any_api_list_gives_a_server_error(
    api_for, administrator, editor_a, data, endpoint, values, picks
):
    names = ENDPOINTS[endpoint]
    params = {names[pick % len(names)]: value for pick, value in zip(picks, values, strict=False)}
    for user in (administrator, editor_a):
        response = api_for(user).get(endpoint, {**params, "format": "json"})
        assert response.status_code in (200, 400, 404), (endpoint, params, response.status_code)
        if response.status_code == 400:
            assert set(response.json()) & set(params), (endpoint, params, response.json())


DETAILS = [
    "/api/v1/events/{}/",
    "/api/v1/staff-time/{}/",
    "/api/v1/clusters/{}/",
    "/api/v1/clusters/{}/acknowledge/",
    "/api/v1/forecast-clashes/{}/",
    "/api/v1/import-jobs/{}/",
    "/api/v1/councils/{}/",
    "/api/v1/regions/{}/",
    "/api/v1/inspection-types/{}/",
]


@pytest.mark.parametrize("template", DETAILS)
def test_no_id_in_a_path_gives_a_server_error(api_for, administrator, data, template):
    from urllib.parse import quote

    api = api_for(administrator)
    hostile = ["²", "٣", "9" * 25, "2147483648", "-1", "0", "1e309", "NaN", "1.5"]
    for value in [*hostile, FOUND["event"], "\u202e", "' OR 1=1 --", "1" * 400]:
        url = template.format(quote(value, safe=""))
        for method in ("get", "put", "patch", "delete", "post"):
            response = getattr(api, method)(url, {}, format="json", HTTP_IF_MATCH='"1"')
            assert response.status_code < 500, (method, url)


def test_a_nul_in_any_parameter_or_path_is_refused_not_a_database_error(api_for, administrator):
    """PostgreSQL stores no NUL (a DataError, a 500, if one reached it): run by .ci/run's
    PostgreSQL pass too."""
    api = api_for(administrator)
    got = {}
    for path, names in ENDPOINTS.items():
        for name in names:
            got[f"{path}?{name}"] = api.get(path, {name: "a\x00b", "format": "json"}).status_code
    for path in ("councils", "regions", "inspection-types", "events"):
        got[path] = api.get(f"/api/v1/{path}/a%00b/").status_code
    assert {key: code for key, code in got.items() if code not in (200, 400, 404)} == {}

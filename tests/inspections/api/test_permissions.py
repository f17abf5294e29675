"""Who may call what: every API endpoint and method, for every role.

The same rules as the pages (councils.access and the selectors' querysets): records a user may
not see are 404; records they may see but not change are 403; signed-out callers get 401.
``test_every_api_route_and_method_is_in_the_matrix`` fails when an endpoint is added without
its row here.
"""

import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from inspections.forecast.models import ForecastClash
from inspections.models import Cluster, ImportJob
from inspections.services.clusters import council_clusters_recheck
from tests.factories import make_event, make_hours
from tests.test_permission_matrix import _user

pytestmark = pytest.mark.django_db

# The nine roles of the generated permission matrix (tests/test_permission_matrix.py).
ROLES = [
    "anonymous",
    "no_council",
    "staff_no_permissions",
    "viewer_a",
    "editor_a",
    "viewer_b",
    "editor_b",
    "lga_officer",
    "administrator",
]
OUTSIDERS = ["no_council", "staff_no_permissions", "viewer_b"]
READ_ALL = dict.fromkeys(ROLES[1:], 200) | {"anonymous": 401}
NOT_ALLOWED = dict.fromkeys(ROLES[1:], 405) | {"anonymous": 401}


def expect(outsiders=None, **codes):
    """Codes per role; signed-in users of no council or of another council (``OUTSIDERS``) get
    what viewer A gets unless ``outsiders`` says otherwise."""
    codes = {"anonymous": 401, **codes}
    return codes | dict.fromkeys(OUTSIDERS, codes["viewer_a"] if outsiders is None else outsiders)


def _events_csv(council):
    header = "council_gss_code,inspection_type,on_site_start,on_site_end"
    body = f"\ufeff{header}\r\n{council.gss_code},jtai,2025-10-06,2025-10-10\r\n"
    return SimpleUploadedFile("events.csv", body.encode(), content_type="text/csv")


# (method, path with {placeholders}, body maker, expected status per role)
MATRIX = [
    ("get", "/api/v1/regions/", None, READ_ALL),
    ("post", "/api/v1/regions/", None, NOT_ALLOWED),
    ("get", "/api/v1/regions/{region}/", None, READ_ALL),
    ("put", "/api/v1/regions/{region}/", None, NOT_ALLOWED),
    ("patch", "/api/v1/regions/{region}/", None, NOT_ALLOWED),
    ("delete", "/api/v1/regions/{region}/", None, NOT_ALLOWED),
    ("get", "/api/v1/councils/", None, READ_ALL),
    ("post", "/api/v1/councils/", None, NOT_ALLOWED),
    ("get", "/api/v1/councils/{council_a_gss}/", None, READ_ALL),
    ("put", "/api/v1/councils/{council_a_gss}/", None, NOT_ALLOWED),
    ("patch", "/api/v1/councils/{council_a_gss}/", None, NOT_ALLOWED),
    ("delete", "/api/v1/councils/{council_a_gss}/", None, NOT_ALLOWED),
    ("get", "/api/v1/inspection-types/", None, READ_ALL),
    ("post", "/api/v1/inspection-types/", None, NOT_ALLOWED),
    ("get", "/api/v1/inspection-types/jtai/", None, READ_ALL),
    ("put", "/api/v1/inspection-types/jtai/", None, NOT_ALLOWED),
    ("patch", "/api/v1/inspection-types/jtai/", None, NOT_ALLOWED),
    ("delete", "/api/v1/inspection-types/jtai/", None, NOT_ALLOWED),
    ("get", "/api/v1/events/", None, READ_ALL),
    (
        "post",
        "/api/v1/events/",
        lambda o: {
            "council": o["council_a_gss"],
            "inspection_type": "jtai",
            "on_site_start": "2025-11-03",
            "on_site_end": "2025-11-07",
        },
        expect(viewer_a=403, editor_a=201, editor_b=403, lga_officer=403, administrator=201),
    ),
    ("get", "/api/v1/events/{event_a}/", None, READ_ALL),
    (
        "put",
        "/api/v1/events/{event_a}/",
        lambda o: {
            "council": o["council_a_gss"],
            "inspection_type": "ilacs_focused_visit",
            "on_site_start": "2025-03-03",
            "on_site_end": "2025-03-04",
            "notes": "changed",
            "version": o["event_a_version"],
        },
        expect(viewer_a=403, editor_a=200, editor_b=403, lga_officer=403, administrator=200),
    ),
    (
        "patch",
        "/api/v1/events/{event_a}/",
        lambda o: {"notes": "changed", "version": o["event_a_version"]},
        expect(viewer_a=403, editor_a=200, editor_b=403, lga_officer=403, administrator=200),
    ),
    (
        "delete",
        "/api/v1/events/{event_a}/",
        None,
        expect(viewer_a=403, editor_a=204, editor_b=403, lga_officer=403, administrator=204),
    ),
    ("get", "/api/v1/staff-time/", None, READ_ALL),
    (
        "post",
        "/api/v1/staff-time/",
        lambda o: {"event": o["event_a"], "team": "data", "phase": "after", "hours": "3"},
        expect(viewer_a=403, editor_a=201, editor_b=403, lga_officer=403, administrator=201),
    ),
    (
        "get",
        "/api/v1/staff-time/{entry_a}/",
        None,
        expect(
            viewer_a=200,
            editor_a=200,
            editor_b=404,
            lga_officer=200,
            administrator=200,
            outsiders=404,
        ),
    ),
    (
        "put",
        "/api/v1/staff-time/{entry_a}/",
        lambda o: {"event": o["event_a"], "team": "data", "phase": "after", "hours": "4"},
        expect(viewer_a=403, editor_a=200, editor_b=404, lga_officer=403, administrator=200),
    ),
    (
        "patch",
        "/api/v1/staff-time/{entry_a}/",
        lambda o: {"hours": "4"},
        expect(viewer_a=403, editor_a=200, editor_b=404, lga_officer=403, administrator=200),
    ),
    (
        "delete",
        "/api/v1/staff-time/{entry_a}/",
        None,
        expect(viewer_a=403, editor_a=204, editor_b=404, lga_officer=403, administrator=204),
    ),
    ("get", "/api/v1/clusters/", None, READ_ALL),
    ("post", "/api/v1/clusters/", None, NOT_ALLOWED),
    ("get", "/api/v1/clusters/{cluster_a}/", None, READ_ALL),
    ("put", "/api/v1/clusters/{cluster_a}/", None, NOT_ALLOWED),
    ("patch", "/api/v1/clusters/{cluster_a}/", None, NOT_ALLOWED),
    ("delete", "/api/v1/clusters/{cluster_a}/", None, NOT_ALLOWED),
    (
        "post",
        "/api/v1/clusters/{cluster_a}/acknowledge/",
        lambda o: {"note": "Told Ofsted"},
        # the council's editors and administrators (viewers and LGA officers change nothing)
        expect(viewer_a=403, editor_a=200, editor_b=403, lga_officer=403, administrator=200),
    ),
    ("get", "/api/v1/clusters/{cluster_a}/acknowledge/", None, NOT_ALLOWED),
    ("get", "/api/v1/forecast-clashes/", None, READ_ALL),
    ("post", "/api/v1/forecast-clashes/", None, NOT_ALLOWED),
    ("get", "/api/v1/forecast-clashes/{forecast_clash}/", None, READ_ALL),
    ("delete", "/api/v1/forecast-clashes/{forecast_clash}/", None, NOT_ALLOWED),
    ("get", "/api/v1/summaries/councils/", None, READ_ALL),
    ("post", "/api/v1/summaries/councils/", None, NOT_ALLOWED),
    ("get", "/api/v1/summaries/regions/", None, READ_ALL),
    ("post", "/api/v1/summaries/regions/", None, NOT_ALLOWED),
    ("get", "/api/v1/import-jobs/", None, READ_ALL),
    (
        "post",
        "/api/v1/import-jobs/",
        lambda o: {"kind": "events", "file": _events_csv(o["council_a"])},
        expect(viewer_a=403, editor_a=201, editor_b=201, lga_officer=403, administrator=201),
    ),
    (
        "get",
        "/api/v1/import-jobs/{job_a}/",
        None,
        expect(viewer_a=404, editor_a=200, editor_b=404, lga_officer=404, administrator=200),
    ),
    ("delete", "/api/v1/import-jobs/{job_a}/", None, NOT_ALLOWED),
]


@pytest.fixture
def world(request, council_a, council_b, north_west, forecast):
    users = {role: _user(role, request) for role in ROLES[1:]}
    event_a = make_event(council_a, "ilacs_focused_visit", date(2025, 3, 3))
    make_event(council_a, "jtai", date(2025, 3, 3) + timedelta(days=40))
    entry_a = make_hours(event_a, 40)
    make_hours(make_event(council_b, "jtai", date(2025, 5, 5)), 12)
    council_clusters_recheck(council_id=council_a.pk, alert=False)
    job_a = ImportJob.objects.create(
        kind="events", file_name="a.csv", content=b"", created_by=users["editor_a"]
    )
    objects = {
        "region": north_west.slug,
        "council_a": council_a,
        "council_a_gss": council_a.gss_code,
        "event_a": event_a.pk,
        "event_a_version": str(event_a.version),
        "entry_a": entry_a.pk,
        "cluster_a": Cluster.objects.get(council=council_a).pk,
        "job_a": job_a.pk,
        "forecast_clash": ForecastClash.objects.filter(likelihood_24__gte=0.2).first().pk,
    }
    return users, objects


class _Rollback(Exception):
    pass


def test_each_role_gets_what_the_pages_allow_on_every_endpoint(api_for, world):
    users, objects = world
    clients = {role: api_for(users.get(role)) for role in ROLES}
    wrong = {}
    for method, path, body, expected in MATRIX:
        url = path.format(**objects)
        got = {}
        for role in ROLES:
            # Each call starts from the same data: a delete by one role must not 404 the next.
            try:
                with transaction.atomic():
                    data = body(objects) if body else None
                    fmt = "multipart" if data and "file" in data else "json"
                    got[role] = getattr(clients[role], method)(url, data, format=fmt).status_code
                    raise _Rollback
            except _Rollback:
                pass
        if got != expected:
            wrong[f"{method.upper()} {path}"] = {
                role: f"{got[role]} (expected {expected[role]})"
                for role in ROLES
                if got[role] != expected[role]
            }
    assert wrong == {}


def _api_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _api_routes(entry, pattern)
        elif isinstance(entry, URLPattern) and pattern.startswith("api/v1/"):
            yield pattern, entry.callback


def test_every_api_route_and_method_is_in_the_matrix():
    covered = {(method, path) for method, path, _, _ in MATRIX}
    missing = []
    for pattern, callback in _api_routes():
        actions = getattr(callback, "actions", None)
        if actions:
            methods = set(actions) - {"head", "options"}
        else:
            methods = {
                m
                for m in ("get", "post", "put", "patch", "delete")
                if hasattr(callback.view_class, m)
            }
        shape = pattern.replace("^", "").replace("$", "")
        for method in methods:
            if not any(m == method and _same_shape(p, shape) for m, p in covered):
                missing.append(f"{method.upper()} {shape}")
    assert missing == []


def _same_shape(path: str, pattern: str) -> bool:
    """Whether a matrix path (with {placeholders} or literals) is an instance of a URL pattern."""
    regex = re.sub(r"\(\?P<[^>]+>[^)]*\)", "[^/]+", pattern)
    regex = re.sub(r"<[^>]+>", "[^/]+", regex)
    sample = re.sub(r"\{[^}]+\}", "x", path).lstrip("/")
    return re.fullmatch(regex, sample) is not None

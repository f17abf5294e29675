"""The permission matrix: every URL pattern of the URL configuration, for nine roles.

The patterns are read from the URL configuration itself, so a new URL without an entry in MATRIX
fails this suite (`test_every_url_pattern_has_an_entry`): whoever adds a page says who may use
it. Each entry gives, per role, what a GET (and for pages that change something, an empty POST)
must answer:

- ``ok``: 200 (for a POST: 200 with the form's errors, or 302 after doing it);
- ``login``: 302 to the sign-in page; ``admin-login``: 302 to the admin's sign-in page;
- ``redirect``: 302 somewhere else (a start page that sends each user on);
- ``404``: the page does not exist for this user (another council's pages); ``403``; ``405``.

The objects in the URLs belong to council A (Lakeshire): viewer and editor of council B are
"another council". Admin URLs follow one rule (Django's admin_view guards each), checked for every
admin pattern.
"""

from datetime import date

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from inspections.models import ImportJob
from tests import factories

pytestmark = pytest.mark.django_db

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
SIGNED_IN = ROLES[1:]


def everyone(outcome):
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome, **exceptions):
    return {"anonymous": "login", **dict.fromkeys(SIGNED_IN, outcome), **exceptions}


# Who may change council A: its editor and administrators. Everyone else signed in: 404.
A_EDITORS = signed_in("404", editor_a="ok", administrator="ok")
# Imports: editors (of any council) and administrators; other signed-in users: 403.
IMPORTERS = signed_in("403", editor_a="ok", editor_b="ok", administrator="ok")
# Administrators only; every other signed-in user: 403.
ADMINISTRATORS = signed_in("403", administrator="ok")
HOME = signed_in(
    "redirect",
    no_council="redirect",
    staff_no_permissions="redirect",
)

MATRIX: dict[str, dict[str, dict[str, str]]] = {
    # 503 while the worker or Redis is down (as in these tests): never a page of data
    "healthz": {"get": everyone(("ok", "503"))},
    "login": {"get": everyone("ok")},
    "logout": {"get": everyone("405"), "post": everyone("login")},
    "password_change": {"get": signed_in("ok"), "post": signed_in("ok")},
    "password_change_done": {"get": signed_in("ok")},
    "password_reset": {"get": everyone("ok"), "post": everyone("ok")},
    "password_reset_done": {"get": everyone("ok")},
    "password_reset_confirm": {"get": everyone("ok")},
    "password_reset_complete": {"get": everyone("ok")},
    "home": {"get": HOME},
    "council-list": {"get": signed_in("ok")},
    "region-dashboard": {"get": signed_in("ok")},
    "about": {"get": everyone("ok")},
    # The footer's pages: open to visitors (a public service publishes them)
    "cookies": {"get": everyone("ok")},
    "accessibility": {"get": everyone("ok")},
    "privacy": {"get": everyone("ok")},
    "contact": {"get": everyone("ok")},
    "council-detail": {"get": signed_in("ok")},
    "event-create": {"get": A_EDITORS, "post": A_EDITORS},
    "event-detail": {"get": signed_in("ok")},
    "event-edit": {"get": A_EDITORS, "post": A_EDITORS},
    "staff-time-edit": {"get": A_EDITORS, "post": A_EDITORS},
    "event-delete": {"get": A_EDITORS, "post": A_EDITORS},
    "dashboard-national": {"get": signed_in("ok")},
    "cluster-list": {"get": signed_in("ok")},
    "cluster-detail": {"get": signed_in("ok")},
    "cluster-acknowledge": {"get": A_EDITORS, "post": A_EDITORS},
    # Cluster rules in plain words: administrators only
    "cluster-rules": {"get": ADMINISTRATORS},
    "cluster-rule-create": {"get": ADMINISTRATORS, "post": ADMINISTRATORS},
    "cluster-rule-edit": {"get": ADMINISTRATORS, "post": ADMINISTRATORS},
    "export-events": {"get": signed_in("ok")},
    # another council's staff time does not exist for its users (the URL names council A)
    "export-staff-time": {
        "get": signed_in("ok", no_council="404", staff_no_permissions="404", viewer_b="404")
        | {"editor_b": "404"}
    },
    # a chart of council A's hours does not exist for users who may not see them (as its page)
    "chart-svg": {
        "get": signed_in("404", viewer_a="ok", editor_a="ok", lga_officer="ok", administrator="ok")
    },
    "chart-png": {
        "get": signed_in("404", viewer_a="ok", editor_a="ok", lga_officer="ok", administrator="ok")
    },
    "export-summary": {"get": signed_in("ok")},
    "export-clusters": {"get": signed_in("ok")},
    # forecasts are made from public inspection dates: every signed-in user
    "forecast-national": {"get": signed_in("ok")},
    "forecast-region": {"get": signed_in("ok")},
    "export-forecast-windows": {"get": signed_in("ok")},
    "export-forecast-clashes": {"get": signed_in("ok")},
    # Cost (#16): council A's rates are read by its users, LGA officers and administrators and
    # changed by its editors and administrators; the delete takes a POST (a real rate of A's)
    "council-cost-rates": {
        "get": signed_in("404", viewer_a="ok", editor_a="ok", lga_officer="ok", administrator="ok"),
        "post": A_EDITORS,
    },
    "council-cost-rate-delete": {"get": signed_in("405"), "post": A_EDITORS},
    "export-cost-rates": {"get": signed_in("ok")},
    "export-cost-by-year": {"get": signed_in("ok")},
    "export-inadequate-journeys": {"get": signed_in("ok")},
    "export-inadequate-journey-figures": {"get": signed_in("ok")},
    "inadequate-journey": {"get": signed_in("ok")},
    "evidence-pack": {"get": signed_in("ok")},
    "evidence-pack-zip": {"get": signed_in("ok")},
    "import-start": {"get": IMPORTERS},
    # The API (/api/v1/): 401 without a token or session; hours and jobs as on the pages. Here
    # each route's GET (and the acknowledgement's POST) through a session; every method of
    # every API route, with a token, for these same nine roles, is in API_MATRIX
    # (tests/inspections/api/test_permissions.py; checked below to cover them all)
    "api-token": {"get": signed_in("ok"), "post": signed_in("ok")},
    **{
        f"api:{name}": {"get": signed_in("ok", anonymous="401")}
        for name in (
            "region-list",
            "region-detail",
            "council-list",
            "council-detail",
            "inspection-type-list",
            "inspection-type-detail",
            "event-list",
            "event-detail",
            "staff-time-list",
            "cluster-list",
            "cluster-detail",
            "forecast-clash-list",
            "import-job-list",
            "summary-councils",
            "summary-regions",
        )
    },
    "api:staff-time-detail": {
        "get": signed_in(
            "404",
            anonymous="401",
            viewer_a="ok",
            editor_a="ok",
            lga_officer="ok",
            administrator="ok",
        )
    },
    "api:cluster-acknowledge": {
        "get": signed_in("405", anonymous="401"),
        "post": signed_in("403", anonymous="401", editor_a="ok", administrator="ok"),
    },
    "api:forecast-clash-detail": {"get": signed_in("404", anonymous="401")},  # none exists
    "api:import-job-detail": {
        "get": signed_in("404", anonymous="401", editor_a="ok", administrator="ok")
    },
    "api-schema": {"get": everyone("ok")},
    "api-docs": {"get": everyone("ok")},
    "api-not-found": {"get": everyone("404")},
    # a job is seen by whoever uploaded it (editor A here) and administrators
    "import-job": {"get": signed_in("404", editor_a="ok", administrator="ok")},
    "import-job-progress": {"get": signed_in("404", editor_a="ok", administrator="ok")},
    "import-upload": {"get": IMPORTERS, "post": IMPORTERS},
    # the template is only the header row of the import: no data
    "import-template": {"get": signed_in("ok")},
}

# Every admin page (Django's admin_view guards each): the admin's sign-in for anyone who is not
# staff; staff without permissions are refused (403), or told an object does not exist, except on
# the index and their own password pages; administrators are let in everywhere.
ADMIN_RULE = {
    **dict.fromkeys(
        ["anonymous", "no_council", "viewer_a", "editor_a", "viewer_b", "editor_b", "lga_officer"],
        {"admin-login"},
    ),
    "staff_no_permissions": {"403", "404", "redirect"},
    "administrator": {"ok", "redirect", "404", "403", "405"},
}
ADMIN_OPEN_TO_STAFF = {
    "admin:index",
    "admin:jsi18n",  # the admin's translations
    "admin:password_change",
    "admin:password_change_done",
}
ADMIN_SIGN_IN_AND_OUT = {"admin:login", "admin:logout"}


def _patterns(patterns=None, prefix="", namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(
                pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = pattern.name or f"route:{route}"
            yield (f"{namespace}:{name}" if namespace else name), route


def test_every_url_pattern_has_an_entry():
    missing = [
        f"{name} ({route})"
        for name, route in _patterns()
        if not name.startswith("admin:") and name not in MATRIX
    ]
    assert missing == [], "add these URLs to MATRIX in tests/test_permission_matrix.py"
    stale = set(MATRIX) - {name for name, _ in _patterns()}
    assert stale == set()


@pytest.fixture
def world(council_a, council_b, editor_a):
    event = factories.make_event(council_a, "ilacs_focused_visit")
    factories.make_hours(event, 10)
    from inspections.models import Cluster, ClusterRule

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
    job = ImportJob.objects.create(
        kind="events", file_name="x.csv", content=b"", created_by=editor_a
    )
    entry = event.staff_time.get()
    from inspections.cost.models import CostRate

    rate = CostRate.objects.create(
        team="data", council=council_a, applies_from=date(2024, 4, 1), hourly_rate=40
    )
    return {
        "council": council_a,
        "event": event,
        "cluster": cluster,
        "job": job,
        "entry": entry,
        "rate": rate,
    }


def _user(role, request):
    if role == "anonymous":
        return None
    if role == "no_council":
        return factories.make_user("signed.in.only")
    if role == "staff_no_permissions":
        user = factories.make_user("staff.only")
        user.is_staff = True
        user.save()
        return user
    if role == "viewer_b":
        return factories.make_user(
            "viewer.b", council=request.getfixturevalue("council_b"), role="viewer"
        )
    return request.getfixturevalue(role)


def _url(name, world) -> str:
    args = {
        "password_reset_confirm": ["MQ", "bad-token"],
        "region-dashboard": [world["council"].region.slug],
        "forecast-region": [world["council"].region.slug],
        "council-detail": [world["council"].slug],
        "event-create": [world["council"].slug],
        "council-cost-rates": [world["council"].slug],
        "council-cost-rate-delete": [world["council"].slug, world["rate"].pk],
        "event-detail": [world["event"].pk],
        "event-edit": [world["event"].pk],
        "event-delete": [world["event"].pk],
        "staff-time-edit": [world["event"].pk],
        "cluster-detail": [world["cluster"].pk],
        "cluster-acknowledge": [world["cluster"].pk],
        "cluster-rule-edit": [world["cluster"].rule_id],
        "import-job": [world["job"].pk],
        "import-job-progress": [world["job"].pk],
        "import-upload": ["events"],
        "import-template": ["events"],
        "chart-svg": ["hours-by-type"],
        "chart-png": ["hours-by-type"],
    }.get(name, [])
    api_args = {
        "api:region-detail": [world["council"].region.slug],
        "api:council-detail": [world["council"].slug],
        "api:inspection-type-detail": [world["event"].inspection_type.code],
        "api:event-detail": [world["event"].pk],
        "api:staff-time-detail": [world["entry"].pk],
        "api:cluster-detail": [world["cluster"].pk],
        "api:cluster-acknowledge": [world["cluster"].pk],
        "api:forecast-clash-detail": [1],
        "api:import-job-detail": [world["job"].pk],
    }
    args = api_args.get(name, args)
    if name == "api-not-found":
        return "/api/no-such-thing/"
    if name.startswith("route:"):
        return "/" + name.removeprefix("route:").replace("^", "") + "no-such-thing/"
    url = reverse(name, args=args)
    if name in ("export-staff-time", "chart-svg", "chart-png"):
        url += f"?council={world['council'].slug}"
    return url


def _check(found, key, want, got):
    wanted = want if isinstance(want, tuple) else (want,)
    if key[1] == "post" and "ok" in wanted and got == "redirect":
        return  # done, and sent on
    if got not in wanted:
        found[key] = (want, got)


def _outcome(response) -> str:
    code = response.status_code
    if code in (301, 302):
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return "admin-login"
        if location.startswith(reverse("login")):
            return "login"
        return "redirect"
    if code == 200:
        return "ok"
    return str(code)


def _admin_url(name, route):
    from django.urls import NoReverseMatch

    kwargs = {}
    for part in route.split("<")[1:]:
        key = part.split(">")[0].split(":")[-1]
        kwargs[key] = "1" if key in {"object_id", "pk", "id"} else "x"
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_matrix_says_for_every_url(role, request, world):
    client = Client()
    user = _user(role, request)
    if user is not None:
        client.force_login(user)
    found = {}
    deletes = []
    for name, route in _patterns():
        if name.startswith("admin:"):
            url = _admin_url(name, route)
            if url is None:
                continue
            got = _outcome(client.get(url))
            allowed = ADMIN_RULE[role]
            if name in ADMIN_SIGN_IN_AND_OUT:
                allowed = {"ok", "redirect", "405", "admin-login"}
            elif role == "staff_no_permissions" and name in ADMIN_OPEN_TO_STAFF:
                allowed = {"ok"}
            if got not in allowed:
                found[(name, "get")] = (allowed, got)
            continue
        entry = MATRIX[name]
        url = _url(name, world)
        _check(found, (name, "get"), entry["get"][role], _outcome(client.get(url)))
        if "post" in entry:
            if name in {"event-delete", "logout"}:
                deletes.append((name, url, entry))
                continue
            _check(found, (name, "post"), entry["post"][role], _outcome(client.post(url, {})))
    # Last, the event's deletion, then signing out: they end the event and the session.
    for name, url, entry in sorted(deletes, key=lambda item: item[0] == "logout"):
        _check(found, (name, "post"), entry["post"][role], _outcome(client.post(url, {})))
    assert found == {}, "(url, method): (expected, got)"


def test_the_api_matrix_covers_every_role_and_every_method_of_every_api_route():
    """The API's own matrix (every endpoint and method, with bodies that would succeed) is part
    of this one: the same nine roles for every row, and every API route and method has a row
    (``test_every_api_route_and_method_is_in_the_matrix`` there)."""
    from tests.inspections.api import test_permissions as api

    assert api.ROLES == ROLES
    incomplete = [
        f"{method.upper()} {path}"
        for method, path, _, expected in api.MATRIX
        if set(expected) != set(ROLES)
    ]
    assert incomplete == []
    methods = {(method, path) for method, path, _, _ in api.MATRIX}
    assert {m for m, _ in methods} == {"get", "post", "put", "patch", "delete"}

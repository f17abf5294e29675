"""axe-core finds no WCAG 2.2 A or AA violation on any main page, for any role.

Pages added by other features (dashboards, clusters, imports...) are found in the URL conf, so
they are checked as soon as they exist. Each page's screenshot for the README is taken here, as
the role that uses it most.
"""

import re
from datetime import date

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from playwright.sync_api import expect

from inspections.models import Cluster, InspectionOutcome
from tests.factories import make_event, make_hours

from .support import axe_violations, describe_violations, screenshot, sign_in

pytestmark = pytest.mark.browser

USERNAMES = {
    "editor": "editor.a",
    "viewer": "viewer.a",
    "lga_officer": "lga.officer",
    "administrator": "administrator",
}
# Whose view of a page goes into docs/screenshots/: council pages as their editor sees them,
# regional and national pages as an LGA officer does.
SCREENSHOT_ROLE = {
    "council-page": "editor",
    "event-page": "editor",
    "event-form": "editor",
    "staff-time-form": "editor",
    "not-found": "editor",
    "council-list": "lga_officer",
    "region-page": "lga_officer",
}
# Routes that are not pages to audit: actions, files, progress polls, and Django's password
# reset (the service does not offer it).
NOT_PAGES = re.compile(
    r"export|download|csv|delete|log_?out|login|password_reset|reset|api|status|"
    r"progress|template|json|svg|zip|health|poll"
)


def outcome(type_code, outcome_code):
    return InspectionOutcome.objects.get(inspection_type__code=type_code, code=outcome_code)


@pytest.fixture
def events(world):
    """A plausible history for the two North West councils, with staff hours."""
    a, b = world.council_a, world.council_b
    standard = make_event(
        a,
        "ilacs_standard",
        date(2023, 1, 16),
        notified_on=date(2023, 1, 9),
        published_on=date(2023, 3, 10),
        outcome=outcome("ilacs_standard", "good"),
    )
    for team, phase, hours in [
        ("data", "preparation", 210),
        ("practitioners", "on_site", 260),
        ("managers", "on_site", 175.5),
        ("senior_leaders", "after", 60),
    ]:
        make_hours(standard, hours, team=team, phase=phase, people=4)
    jtai = make_event(a, "jtai", date(2024, 9, 16), theme="Domestic abuse")
    make_hours(jtai, 120, team="partners", phase="preparation")
    focused = make_event(a, "ilacs_focused_visit", date(2024, 11, 4))
    make_hours(focused, 48, team="data", phase="preparation")
    make_event(b, "ilacs_short", date(2024, 2, 5), outcome=outcome("ilacs_short", "outstanding"))
    make_event(b, "area_send_full", date(2025, 1, 13))
    return {"event": standard, "other_event": jtai}


def core_pages(world, events):
    a, b = world.council_a, world.council_b
    event = events["event"]
    return [
        ("home", "/"),
        ("council-list", reverse("council-list")),
        ("region-page", a.region.get_absolute_url()),
        ("council-page", a.get_absolute_url()),
        ("other-council-page", b.get_absolute_url()),
        ("event-page", event.get_absolute_url()),
        ("event-form", reverse("event-create", args=[a.slug])),
        ("change-event-form", reverse("event-edit", args=[event.pk])),
        ("staff-time-form", reverse("staff-time-edit", args=[events["other_event"].pk])),
        ("about", reverse("about")),
        ("password-change", reverse("password_change")),
        ("not-found", "/no-such-page/"),
    ]


def _url_name(path):
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


def discovered_pages(world, events, known_names):
    """Every other named page of the URL conf that a GET can open with the test data."""
    region, council, event = world.council_a.region, world.council_a, events["event"]
    cluster = Cluster.objects.filter(council=council).first()
    # (words in the route, the values its parameters may take)
    values = [
        ("regions/", {"slug": region.slug, "region_slug": region.slug}),
        ("councils/", {"slug": council.slug, "council_slug": council.slug}),
        ("events/", {"pk": event.pk, "event_pk": event.pk}),
        ("clusters/", {"pk": cluster.pk, "cluster_pk": cluster.pk} if cluster else {}),
        ("imports/", {"kind_slug": "events", "kind": "events"}),
    ]
    pages = []
    for name, route in _named_routes(get_resolver()):
        if NOT_PAGES.search(name) or NOT_PAGES.search(route):
            continue
        params = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
        kwargs = {}
        for words, choices in values:
            if words in route and params <= set(choices):
                kwargs = {p: choices[p] for p in params}
                break
        if params and not kwargs:
            continue
        if name not in known_names:
            pages.append((name, reverse(name, kwargs=kwargs)))
    return sorted(set(pages))


def _named_routes(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace:  # the admin: Django's own pages
                continue
            yield from _named_routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name, prefix + str(entry.pattern)


def audit(page, role, label, path, audited, failures):
    response = page.goto(path)
    if page.locator("html.govuk-template").count() == 0:
        return  # not a page of the service (a file, a fragment)
    if SCREENSHOT_ROLE.get(label, _default_screenshot_role(label)) == role:
        screenshot(page, label)
    # Home redirects, and every refused page is the same 404: audit each page once.
    key = "404" if response.status == 404 else page.url
    if key in audited:
        return
    audited.add(key)
    violations = axe_violations(page)
    if violations:
        failures.append(describe_violations(f"{label} ({path}) as {role}", violations))


def _default_screenshot_role(label):
    """Pages found in the URL conf: imports as an editor, dashboards and lists as the LGA."""
    if label in {"home", "other-council-page", "change-event-form", "about"}:
        return None
    if "password" in label:
        return None
    return "editor" if "import" in label else "lga_officer"


@pytest.mark.parametrize("role", list(USERNAMES))
def test_every_main_page_has_no_wcag_violations(page, world, events, role):
    sign_in(page, USERNAMES[role])
    pages = core_pages(world, events)
    pages += discovered_pages(world, events, {_url_name(path) for _, path in pages})
    audited, failures = set(), []
    for label, path in pages:
        audit(page, role, label, path, audited, failures)

    # A form shown again with its errors, where this role may use the form.
    if page.goto(reverse("event-create", args=[world.council_a.slug])).status == 200:
        page.get_by_role("button", name="Save event").click()
        expect(page.locator(".govuk-error-summary")).to_be_focused()
        audit_current(page, role, "event-form-with-errors", failures)

    assert len(audited) >= 8, f"only {len(audited)} pages were audited: {sorted(audited)}"
    assert not failures, "\n\n".join(failures)


def audit_current(page, role, label, failures):
    violations = axe_violations(page)
    if violations:
        failures.append(describe_violations(f"{label} as {role}", violations))


def test_the_sign_in_pages_have_no_wcag_violations(page, world):
    failures = []
    page.goto(reverse("login"))
    audit_current(page, "a visitor", "sign-in", failures)
    screenshot(page, "sign-in")

    page.get_by_label("Username").fill("editor.a")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    audit_current(page, "a visitor", "sign-in-with-errors", failures)

    # A form sent without its CSRF cookie (an expired session, say) gets the styled 403 page.
    page.goto(reverse("login"))
    page.context.clear_cookies()
    page.get_by_label("Username").fill("editor.a")
    page.get_by_label("Password", exact=True).fill("a-password")
    with page.expect_response(re.compile(r"/accounts/login/")) as sent:
        page.get_by_role("button", name="Sign in").click()
    assert sent.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Your form could not be sent")
    audit_current(page, "a visitor", "csrf-failure", failures)

    assert not failures, "\n\n".join(failures)


def test_the_audit_reports_a_violation_when_a_page_has_one(browser):
    # Guards the harness itself: an unlabelled input and an image without text must be caught.
    context = browser.new_context()
    try:
        blank = context.new_page()
        blank.set_content(
            '<html lang="en"><head><title>Broken</title></head><body><main>'
            '<input type="text"><img src="data:,"></main></body></html>'
        )
        violations = axe_violations(blank)
    finally:
        context.close()
    assert {"label", "image-alt"} <= {v["id"] for v in violations}
    assert "image-alt" in describe_violations("broken page", violations)

"""The Django admin under the content security policy: no inline script or style refused.

django-csp sends ``style-src 'self'`` and ``script-src 'self'`` with no 'unsafe-inline'. The
admin is where administrators restore deleted events, edit cluster rules and inspection types,
so a refused inline script there (a widget that silently does nothing) would be a fault no page
test sees. Every registered model's list and add page, and one change page and history page,
are opened in Chromium with the policy in force; Chromium reports each refusal on the console.
"""

from datetime import date

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.factories import make_event, make_hours

from .support import sign_in

pytestmark = pytest.mark.browser


def _admin_paths(event) -> list[str]:
    paths = ["/admin/"]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        for name in ("changelist", "add"):
            try:
                paths.append(reverse(f"admin:{info[0]}_{info[1]}_{name}"))
            except NoReverseMatch:
                continue
    paths += [
        reverse("admin:inspections_inspectionevent_change", args=[event.pk]),
        reverse("admin:inspections_inspectionevent_history", args=[event.pk]),
    ]
    return paths


def test_no_admin_page_has_content_refused_by_the_security_policy(page, world):
    event = make_event(world.council_a, "jtai", date(2025, 5, 5))
    make_hours(event, 12)
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    sign_in(page, "administrator")
    statuses = {}
    for path in _admin_paths(event):
        response = page.goto(path)
        statuses[path] = response.status
        page.wait_for_load_state("load")
    # Some models cannot be added by hand (history, outbox entries): their add page refuses.
    assert all(
        status == 200 or (status == 403 and path.endswith("/add/"))
        for path, status in statuses.items()
    ), statuses
    assert refused == []

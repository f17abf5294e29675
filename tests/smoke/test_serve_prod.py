"""Smoke test of the production stack as `make serve-prod` starts it (run by `make smoke-prod`).

It talks HTTP only, to a running stack at SMOKE_BASE_URL (gunicorn with DEBUG off and static files
from the manifest, a Celery worker and beat on PostgreSQL and Redis), signed in as SMOKE_USERNAME,
an administrator that scripts/smoke-prod creates. Skipped when SMOKE_BASE_URL is not set, as in
the ordinary test runs.
"""

import os
import random
import re
import time
from datetime import date, timedelta
from html import unescape
from urllib.parse import urljoin

import pytest

BASE_URL = os.environ.get("SMOKE_BASE_URL", "")
WAIT = 90  # seconds: the most the worker may take to re-check a council

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not BASE_URL, reason="needs SMOKE_BASE_URL (see scripts/smoke-prod)"),
]

MAIN_PAGES = [
    "/",
    "/dashboards/",
    "/dashboards/?date_from=&date_to=",  # all time
    "/regions/north-west/",
    "/councils/",
    "/councils/manchester/",
    "/councils/manchester/events/new/",
    "/clusters/",
    "/imports/",
    "/about/",
]
EXPORTS = ["/exports/summary.csv", "/exports/clusters.csv", "/exports/events.csv?region=london"]
STATIC_REFERENCE = re.compile(r'(?:href|src)="(/static/[^"]+)"')
# collectstatic with the manifest names each file by its content: name.0123456789ab.ext
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")


@pytest.fixture(scope="module")
def http():
    import requests

    session = requests.Session()
    login = session.get(urljoin(BASE_URL, "/accounts/login/"), timeout=30)
    assert login.status_code == 200
    response = session.post(
        urljoin(BASE_URL, "/accounts/login/"),
        data={
            "username": os.environ["SMOKE_USERNAME"],
            "password": os.environ["SMOKE_PASSWORD"],
            "csrfmiddlewaretoken": _csrf_token(login.text),
        },
        headers={"Referer": login.url},
        timeout=30,
    )
    assert response.status_code == 200, response.text[:500]
    assert "Sign out" in response.text, "signing in did not work"
    return session


def _csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_health_reports_the_database_redis_the_worker_and_a_recent_sweep():
    import requests

    response = requests.get(urljoin(BASE_URL, "/healthz"), timeout=30)
    assert response.status_code == 200, response.text
    report = response.json()
    assert set(report["checks"]) == {"database", "redis", "worker", "last_sweep"}
    assert all(check["ok"] for check in report["checks"].values()), report
    assert report["checks"]["database"]["detail"] == "postgresql"
    assert "celery@" in report["checks"]["worker"]["detail"]


def test_every_main_page_answers_with_its_static_files_from_the_manifest(http):
    static_files: set[str] = set()
    for path in MAIN_PAGES:
        response = http.get(urljoin(BASE_URL, path), timeout=60)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        references = set(STATIC_REFERENCE.findall(response.text))
        assert any(ref.endswith(".css") for ref in references), f"{path} links no stylesheet"
        static_files |= {unescape(ref) for ref in references}
    # An event page, reached the way a user does: from its council's list.
    council_page = http.get(urljoin(BASE_URL, "/councils/manchester/"), timeout=60).text
    event_path = re.search(r'href="(/events/\d+/)"', council_page).group(1)
    assert http.get(urljoin(BASE_URL, event_path), timeout=60).status_code == 200
    for path in sorted(static_files):
        assert HASHED.search(path), f"{path} is not a manifest name (collectstatic with DEBUG off)"
        response = http.get(urljoin(BASE_URL, path), timeout=30)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        assert "max-age=315360000" in response.headers.get("Cache-Control", ""), path


def test_the_csv_exports_download(http):
    for path in EXPORTS:
        response = http.get(urljoin(BASE_URL, path), timeout=120)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        assert response.headers["Content-Type"].startswith("text/csv")
        assert response.content.startswith("\ufeff".encode())


def test_an_unknown_address_is_a_styled_404_not_a_server_error(http):
    response = http.get(urljoin(BASE_URL, "/no-such-page/"), timeout=30)
    assert response.status_code == 404
    assert STATIC_REFERENCE.search(response.text)


def _save_event(http, council: str, type_id: str, start: date) -> int:
    form_url = urljoin(BASE_URL, f"/councils/{council}/events/new/")
    form = http.get(form_url, timeout=30)
    end = start + timedelta(days=2)
    data = {"csrfmiddlewaretoken": _csrf_token(form.text), "inspection_type": type_id}
    for name, day in (("on_site_start", start), ("on_site_end", end)):
        data.update({f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year})
    response = http.post(
        form_url, data=data, headers={"Referer": form_url}, allow_redirects=False, timeout=30
    )
    assert response.status_code == 302, f"the event was not saved: {response.text[:2000]}"
    return int(re.search(r"/events/(\d+)/", response.headers["Location"]).group(1))


def test_a_saved_event_is_rechecked_by_the_real_worker(http):
    form = http.get(urljoin(BASE_URL, "/councils/cornwall/events/new/"), timeout=30).text
    type_id = re.search(r'<option value="(\d+)"[^>]*>ILACS focused visit</option>', form).group(1)
    # Years before any published inspection; a random week so the test can run again.
    first = date(2001, 1, 1) + timedelta(weeks=random.randrange(0, 52 * 15))
    _save_event(http, "cornwall", type_id, first)
    second = _save_event(http, "cornwall", type_id, first + timedelta(days=28))
    # Two formal inspections 28 days apart: the worker's re-check finds them back to back.
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        page = http.get(urljoin(BASE_URL, f"/events/{second}/"), timeout=30)
        assert page.status_code == 200
        if "Too close to other inspections" in page.text:
            assert "Back-to-back" in page.text
            return
        time.sleep(0.5)
    pytest.fail(f"The worker did not re-check Cornwall within {WAIT} s of the save")

"""Headless Chromium against the live app, driven by Playwright for Python.

The browser is Debian's ``chromium`` package (``scripts/ensure-chromium`` installs it), never a
browser downloaded by ``playwright install``: CHROMIUM_PATH names it, else ``chromium`` on PATH.
Without it every browser test is skipped loudly; with REQUIRE_BROWSER=1 (set by ``.ci/run``) the
missing browser is a failure instead, so CI cannot pass without running them.

The app is served on 127.0.0.1 by pytest-django's ``live_server``; each test starts from the
migrated reference data (``serialized_rollback``: the live server needs real commits, and the
flush after a transactional test would otherwise take the seeded inspection types with it).
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from councils.models import Council
from councils.services import council_register_load
from tests import factories

# Quiet, offline Chromium: no sandbox (containers run as root), no GPU, no update or sync traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 800}
# Generous for a 2-core machine shared with other work; Playwright waits only as long as needed.
TIMEOUT_MS = 15_000

BROWSER_SKIPPED = "BROWSER TESTS SKIPPED: Chromium is not installed"
_skip_reasons: set[str] = set()


def pytest_configure(config):
    # The issue asks for the app on 127.0.0.1 (not "localhost", which may resolve to ::1).
    if not config.getvalue("liveserver") and not os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS"):
        config.option.liveserver = "127.0.0.1"


def pytest_terminal_summary(terminalreporter):
    for reason in sorted(_skip_reasons):
        terminalreporter.write_sep("!", "WARNING", red=True, bold=True)
        terminalreporter.write_line(reason, red=True, bold=True)
        terminalreporter.write_line(
            "Install it with `make chromium` (Debian's chromium package) or set CHROMIUM_PATH.",
            red=True,
        )


def chromium_executable() -> str | None:
    named = os.environ.get("CHROMIUM_PATH")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    executable = chromium_executable()
    if executable is None:
        reason = (
            f"{BROWSER_SKIPPED} (looked for CHROMIUM_PATH, then `chromium` on PATH). "
            "The accessibility and end-to-end tests did NOT run."
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but Chromium is not installed: {reason}")
        _skip_reasons.add(reason)
        pytest.skip(reason)

    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses ORM
    # calls from a thread with a running loop. The tests' ORM calls are plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (no cookies) whose relative addresses go to the live app."""
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


@dataclass
class World:
    """The real council register, two North West councils and one user per role."""

    council_a: Council
    council_b: Council
    other_region_council: Council
    users: dict


@pytest.fixture
def world(transactional_db, django_db_serialized_rollback, settings):
    # A deliberately slow password hash costs half a second a user; these tests sign in a lot.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    factories.ensure_reference_data()
    council_register_load()
    council_a = Council.objects.get(slug="manchester")
    council_b = Council.objects.get(slug="salford")
    other = Council.objects.get(slug="cornwall")
    users = {
        "editor": factories.make_user("editor.a", council=council_a, role="editor"),
        "viewer": factories.make_user("viewer.a", council=council_a, role="viewer"),
        "editor_b": factories.make_user("editor.b", council=council_b, role="editor"),
        "lga_officer": factories.make_user("lga.officer", lga=True),
        "administrator": factories.make_user("administrator", admin=True),
    }
    return World(council_a, council_b, other, users)

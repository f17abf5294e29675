"""Who the client is behind proxies (burden/client_address.py, from PROXY_COUNT): the address
django-axes records and locks sign-ins by, seen through real sign-ins with the test client."""

import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessLog
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PROXY = "10.0.0.2"  # the connection's address (REMOTE_ADDR) when a proxy is in front


def _sign_in(client, username, password, forwarded=None):
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _recorded_address(client, forwarded):
    """The address django-axes records a wrong password under, for a request from PROXY."""
    AccessAttempt.objects.all().delete()
    assert _sign_in(client, "someone", "wrong", forwarded).status_code == 200
    return AccessAttempt.objects.get().ip_address


def test_behind_one_proxy_the_client_is_the_entry_the_proxy_appended(client, settings):
    settings.PROXY_COUNT = 1
    cases = {
        "203.0.113.7": "203.0.113.7",
        # Entries left of the proxy's came from the client and can say anything.
        "198.51.100.66, 203.0.113.7": "203.0.113.7",
        "not an address, 203.0.113.7": "203.0.113.7",
        " 2001:DB8::7 ": "2001:db8::7",
        "[2001:db8::7]:443": "2001:db8::7",
        "203.0.113.7:5555": "203.0.113.7",
        "::ffff:203.0.113.7": "203.0.113.7",
        # Nothing usable where the proxy writes: the connection's address, never a left entry.
        None: PROXY,
        "": PROXY,
        "not-an-ip": PROXY,
        "198.51.100.66, not-an-ip": PROXY,
        "203.0.113.7:http": PROXY,
        "[203.0.113.7]:443": PROXY,
    }
    answers = {forwarded: _recorded_address(client, forwarded) for forwarded in cases}
    assert answers == cases


def test_behind_two_proxies_the_client_is_the_second_entry_from_the_right(client, settings):
    settings.PROXY_COUNT = 2
    cases = {
        "x, 203.0.113.7, 10.0.0.9": "203.0.113.7",
        "203.0.113.7, 10.0.0.9": "203.0.113.7",
        # Fewer entries than proxies: the request did not come through both.
        "203.0.113.7": PROXY,
    }
    answers = {forwarded: _recorded_address(client, forwarded) for forwarded in cases}
    assert answers == cases


def test_without_proxies_x_forwarded_for_is_ignored(client, settings):
    """PROXY_COUNT 0 (the default, no proxy in front): whatever the client writes in the header
    is ignored; the same request behind one proxy names the client."""
    settings.PROXY_COUNT = 0
    assert _recorded_address(client, "203.0.113.7") == PROXY
    assert _recorded_address(client, "198.51.100.66, 203.0.113.7") == PROXY
    settings.PROXY_COUNT = 1
    assert _recorded_address(client, "203.0.113.7") == "203.0.113.7"


def test_behind_one_proxy_a_locked_out_client_does_not_lock_out_another(client, settings, editor_a):
    """Five wrong passwords from client A through the proxy lock A out, even when A forges
    another address on the left; client B through the same proxy still signs in, and its sign-in
    is logged under its own address."""
    settings.PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "editor.a", "guess", "203.0.113.7")

    assert _sign_in(client, "editor.a", factories.PASSWORD, "203.0.113.7").status_code == 429
    forged = _sign_in(client, "editor.a", factories.PASSWORD, "198.51.100.66, 203.0.113.7")
    assert forged.status_code == 429

    other_client = _sign_in(client, "editor.a", factories.PASSWORD, "198.51.100.20")
    assert other_client.status_code == 302
    assert client.session["_auth_user_id"] == str(editor_a.pk)
    assert AccessLog.objects.get().ip_address == "198.51.100.20"


def test_a_negative_proxy_count_is_refused_at_start():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "burden.settings", "PROXY_COUNT": "-1", "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "PROXY_COUNT must be 0 or more, not -1" in result.stderr

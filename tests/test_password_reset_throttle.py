"""How often the password-reset form sends a link (burden/password_reset.py, django-ratelimit).

Against the configured cache (local memory on SQLite, Redis with a Redis broker), emptied before
each test by tests/conftest.py, through the test client; e-mails land in django.core.mail.outbox.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
THROTTLED = "Too many requests to reset a password"


@pytest.fixture(autouse=True)
def hour_does_not_turn():
    """django-ratelimit counts in fixed windows of an hour: its clock stands still in a test, so
    that a window ending mid-test cannot start the count again (the cache's own clock runs)."""
    now = time.time()
    original = django_ratelimit.core.time
    django_ratelimit.core.time = SimpleNamespace(time=lambda: now)
    yield
    django_ratelimit.core.time = original


def _ask(client, email, ip="192.0.2.1", **extra):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip, **extra)


def test_past_the_limit_per_client_address_the_answer_is_429_and_no_email(client):
    """Many addresses from one client: the way to send e-mails to many people."""
    limit = settings.PASSWORD_RESET_LIMIT_PER_IP
    users = [factories.make_user(f"officer.{n}") for n in range(limit + 1)]
    for user in users[:limit]:
        assert _ask(client, user.email).status_code == 302
    assert len(mail.outbox) == limit

    response = _ask(client, users[limit].email)

    assert response.status_code == 429
    assert THROTTLED in response.text and "govuk-heading-l" in response.text
    assert 0 < int(response["Retry-After"]) <= 3600
    assert len(mail.outbox) == limit
    # Another client is not held back by this one.
    assert _ask(client, users[limit].email, ip="198.51.100.7").status_code == 302


def test_the_limit_per_email_address_holds_across_client_addresses(client, editor_a):
    """One mailbox flooded from many addresses; the address counts however it is typed."""
    limit = settings.PASSWORD_RESET_LIMIT_PER_EMAIL
    typed = [editor_a.email, f"  {editor_a.email.upper()} ", editor_a.email.title()]
    for n in range(limit):
        response = _ask(client, typed[n % len(typed)], ip=f"198.51.100.{n + 1}")
        assert response.status_code == 302
    assert len(mail.outbox) == limit

    response = _ask(client, editor_a.email, ip="203.0.113.99")

    assert response.status_code == 429
    assert THROTTLED in response.text
    assert len(mail.outbox) == limit


def test_an_address_without_an_account_is_limited_the_same_way(client, editor_a):
    """The answers for an unknown address are those for a known one, limit and page alike: the
    limit tells nobody which addresses have accounts."""
    limit = settings.PASSWORD_RESET_LIMIT_PER_EMAIL

    def answers(email, first_ip):
        return [_ask(client, email, ip=f"{first_ip}.{n}") for n in range(1, limit + 2)]

    known = answers(editor_a.email, "198.51.100")
    unknown = answers("nobody@example.org", "203.0.113")

    assert [r.status_code for r in unknown] == [r.status_code for r in known]
    assert [r.status_code for r in unknown] == [302] * limit + [429]
    # The wait differs by address (each address's hour starts at its own moment), not by account.
    assert _without_wait(unknown[-1].text) == _without_wait(known[-1].text)
    assert [m.to for m in mail.outbox] == [[editor_a.email]] * limit


@pytest.mark.parametrize(
    ("typed", "variant"),
    [("x.s", "x.\u017f"), ("x.i", "x.\u0131")],
    ids=["long s", "dotless i"],
)
def test_spellings_the_database_matches_alike_share_one_allowance(client, typed, variant):
    """PostgreSQL's UPPER, which Django's email__iexact compares, makes 'ſ' 'S' and 'ı' 'I': on
    PostgreSQL 'x.ſ@example.org' mails the account of 'x.s@example.org', so it must not be an
    allowance of its own. An address without an account is counted the same way (no oracle)."""
    factories.make_user(typed)
    limit = settings.PASSWORD_RESET_LIMIT_PER_EMAIL

    def answers(local_part, first_ip):
        asked = [f"{local_part}@example.org"] * limit
        asked.append(f"{local_part.replace(typed, variant)}@example.org")
        return [_ask(client, email, ip=f"{first_ip}.{n}") for n, email in enumerate(asked, 1)]

    known = answers(typed, "198.51.100")
    unknown = answers(f"no.{typed}", "203.0.113")

    assert [r.status_code for r in known] == [302] * limit + [429]
    assert [r.status_code for r in unknown] == [r.status_code for r in known]
    assert _without_wait(unknown[-1].text) == _without_wait(known[-1].text)
    assert [m.to for m in mail.outbox] == [[f"{typed}@example.org"]] * limit


def _without_wait(page):
    return re.sub(r"Try again in \d+ minutes?", "Try again in … minutes", page)


def test_showing_the_form_is_never_limited(client, editor_a):
    for _ in range(settings.PASSWORD_RESET_LIMIT_PER_IP + 5):
        assert client.get(reverse("password_reset"), REMOTE_ADDR="192.0.2.1").status_code == 200
    # The GETs counted for nothing: the whole allowance is left.
    answers = [
        _ask(client, f"person.{n}@example.org").status_code
        for n in range(settings.PASSWORD_RESET_LIMIT_PER_IP + 1)
    ]
    assert answers == [302] * settings.PASSWORD_RESET_LIMIT_PER_IP + [429]

    page = client.get(reverse("password_reset"), REMOTE_ADDR="192.0.2.1")
    assert page.status_code == 200 and "Reset your password" in page.text


def test_the_client_address_is_the_one_django_axes_counts_sign_ins_by(client, settings):
    """One home for "which client": behind a proxy django-axes' setting names the client, and the
    reset limit follows it rather than the proxy's address in REMOTE_ADDR."""
    settings.AXES_CLIENT_IP_CALLABLE = lambda request: request.META["HTTP_X_CLIENT"]
    limit = settings.PASSWORD_RESET_LIMIT_PER_IP
    for n in range(limit):
        behind_proxy = _ask(client, f"p{n}@x.org", ip=f"10.0.0.{n + 1}", HTTP_X_CLIENT="192.0.2.5")
        assert behind_proxy.status_code == 302

    same_client = _ask(client, "q@example.org", ip="10.0.0.99", HTTP_X_CLIENT="192.0.2.5")
    same_proxy = _ask(client, "r@example.org", ip="10.0.0.1", HTTP_X_CLIENT="192.0.2.6")

    assert same_client.status_code == 429
    assert same_proxy.status_code == 302


def test_behind_one_proxy_two_clients_are_counted_apart(client, settings):
    """PROXY_COUNT=1: the client is the entry the proxy appended to X-Forwarded-For, so two
    clients behind one proxy (one REMOTE_ADDR) have an allowance each, and a client cannot start
    a new one by forging an entry on the left."""
    settings.PROXY_COUNT = 1
    limit = settings.PASSWORD_RESET_LIMIT_PER_IP
    proxy = "10.0.0.2"
    for n in range(limit):
        sent = _ask(client, f"p{n}@example.org", ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert sent.status_code == 302

    forged = _ask(
        client, "q@example.org", ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.7"
    )
    other_client = _ask(client, "r@example.org", ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.8")

    assert forged.status_code == 429
    assert other_client.status_code == 302


def test_a_client_without_an_address_is_limited_by_the_email_address_alone(client, editor_a):
    """No REMOTE_ADDR (a server on a Unix socket): no server error, the mailbox still protected."""
    limit = settings.PASSWORD_RESET_LIMIT_PER_EMAIL
    answers = [_ask(client, editor_a.email, ip="").status_code for _ in range(limit + 1)]
    assert answers == [302] * limit + [429]
    assert len(mail.outbox) == limit


def test_the_form_still_sends_links_with_the_cache_unreachable(client, settings, editor_a):
    """Redis down (django-redis ignoring the error, as configured): nothing is counted and every
    request goes through, unthrottled (RATELIMIT_FAIL_OPEN), rather than each answering 429."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5},
        }
    }
    tries = settings.PASSWORD_RESET_LIMIT_PER_EMAIL + 2
    answers = [_ask(client, editor_a.email).status_code for _ in range(tries)]
    assert answers == [302] * tries
    assert len(mail.outbox) == tries


@pytest.mark.parametrize(
    ("cache_url", "silenced"),
    [("", ["django_ratelimit.E003", "django_ratelimit.W001"]), ("redis://127.0.0.1:6379/0", [])],
)
def test_ratelimit_cache_checks_are_silenced_only_for_the_local_memory_cache(cache_url, silenced):
    """django-ratelimit refuses a cache that is not shared between processes: accepted on the
    embedded default (one process), never where Redis is configured."""
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.SILENCED_SYSTEM_CHECKS)",
        ],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "CACHE_URL": cache_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(silenced)

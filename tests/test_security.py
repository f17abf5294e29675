"""Sign-in hardening and browser protections: lockout (django-axes), the content security policy
(django-csp), password reset, production settings (`check --deploy`, HTTPS, e-mail)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests import factories
from tests.runserver import runserver

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def _sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


# --- Lockout ----------------------------------------------------------------------------------


def test_repeated_wrong_passwords_lock_the_account_even_against_the_right_one(client, editor_a):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _sign_in(client, "editor.a", "not-the-password")
        assert response.status_code in (200, 429)
    response = _sign_in(client, "editor.a", factories.PASSWORD)

    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.text
    assert "_auth_user_id" not in client.session


def test_sixty_wrong_passwords_then_the_right_one_does_not_sign_in(client, editor_a):
    """The issue's attack, as it was measured."""
    for _ in range(60):
        _sign_in(client, "editor.a", "guess")
    _sign_in(client, "editor.a", factories.PASSWORD)
    assert "_auth_user_id" not in client.session


def test_a_few_wrong_passwords_then_the_right_one_signs_in(client, editor_a):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "editor.a", "typo")
    response = _sign_in(client, "editor.a", factories.PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor_a.pk)


# --- Password reset ---------------------------------------------------------------------------


def test_the_sign_in_page_links_to_a_styled_password_reset(client):
    login = client.get(reverse("login")).text
    assert f'href="{reverse("password_reset")}"' in login
    page = client.get(reverse("password_reset")).text
    assert "govuk-heading-l" in page and "Reset your password" in page


def test_a_password_reset_sends_a_link_that_lets_the_user_choose_a_password(client, editor_a):
    response = client.post(reverse("password_reset"), {"email": editor_a.email}, follow=True)
    assert "Check your email" in response.text
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body)[1]

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.text
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-password-42", "new_password2": "a-new-long-password-42"},
        follow=True,
    )
    assert "Your password has been reset" in done.text
    client.logout()
    assert _sign_in(client, "editor.a", "a-new-long-password-42").status_code == 302


def test_a_link_made_invalid_by_a_sign_in_says_so_in_its_title_and_why(client, editor_a):
    """Django's reset token ends when the user signs in after it was sent: the page said "Choose
    a new password" in its title over "This link does not work", and gave only two reasons."""
    client.post(reverse("password_reset"), {"email": editor_a.email})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body)[1]
    assert _sign_in(client, "editor.a", factories.PASSWORD).status_code == 302
    client.logout()
    page = client.get(link, follow=True).text
    assert "<title>This link does not work" in page
    assert "Choose a new password" not in page
    assert "stopped working when you signed in" in page


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, editor_a):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in response.text
    assert mail.outbox == []


def test_the_reset_link_is_built_from_site_url_not_from_the_host_header(client, settings, editor_a):
    """ALLOWED_HOSTS does not check the port: 'Host: localhost:9' is allowed, and a link built
    from it would carry the account's reset token to whatever listens on port 9."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    settings.SITE_URL = "https://burden.example.org:8443/"
    response = client.post(
        reverse("password_reset"), {"email": editor_a.email}, HTTP_HOST="localhost:9"
    )
    assert response.status_code == 302
    body = mail.outbox[0].body
    assert "localhost" not in body and "http://" not in body
    link = re.search(r"https://burden\.example\.org:8443(/accounts/reset/\S+/)", body)[1]
    assert "Choose a new password" in client.get(link, follow=True).text


# --- Content security policy -----------------------------------------------------------------


def test_every_page_has_a_content_security_policy_without_inline_script(client_for, viewer_a):
    response = client_for(viewer_a).get(reverse("dashboard-national"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


TEMPLATE_FILES = sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_an_inline_script_style_or_event_handler(path):
    text = path.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert "<style" not in text, "inline <style>"
    assert not re.search(r"\sstyle=", text), "style attribute"
    assert not re.search(r"\son[a-z]+=", text), "event handler attribute"


# --- Production settings ----------------------------------------------------------------------

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-key-" + "x" * 50,
    "ALLOWED_HOSTS": "burden.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def _manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_the_console_email_backend_that_would_log_reset_links():
    result = _manage("check", EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    assert result.returncode != 0
    assert "EMAIL_BACKEND must not be the console backend" in result.stderr


def test_production_defaults_to_https_only_with_hsts():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.EMAIL_BACKEND)"
    )
    result = _manage("shell", "-c", code)
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "31536000",
        "django.core.mail.backends.filebased.EmailBackend",
    ], result.stderr


def test_compose_sets_secure_cookies_and_no_console_email_by_default():
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "SECURE_COOKIES: ${SECURE_COOKIES:-true}" in compose
    assert "console.EmailBackend" not in compose


# --- What `make run` serves -------------------------------------------------------------------


def _make_run_environment() -> dict[str, str]:
    """The environment `make run` serves with: the Makefile's LOCAL_PROD, read from the file."""
    makefile = (ROOT / "Makefile").read_text()
    match = re.search(r"^LOCAL_PROD = ((?:.*\\\n)*.*)$", makefile, re.M)
    assignments = match[1].replace("\\\n", " ").split()
    env = dict(item.split("=", 1) for item in assignments if re.match(r"[A-Z_]+=", item))
    env["SECRET_KEY"] = "make-run-test-key-" + "y" * 50  # the Makefile's comes from .secret-key
    env["ALLOWED_HOSTS"] = env["ALLOWED_HOSTS"].replace("$(HOST)", "127.0.0.1")
    return env


def test_make_run_serves_with_debug_off():
    env = _make_run_environment()
    assert env["DEBUG"] == "false"
    assert "console" not in env["EMAIL_BACKEND"]


@pytest.mark.integration
def test_make_run_shows_the_styled_404_and_serves_static_files(tmp_path):
    import urllib.error
    import urllib.request

    env = {
        "PATH": os.environ.get("PATH", ""),
        **_make_run_environment(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
    }
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput", "--verbosity", "0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=300
        )
    with runserver(env) as base:
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "/no-such-page/", timeout=10)
        page = missing.value.read().decode()
        assert missing.value.code == 404
        assert "Page not found" in page and "govuk-template" in page
        assert "URLconf" not in page and "accounts/login/" not in page.split("<main")[-1]
        script = urllib.request.urlopen(base + "/static/app/js-enabled.js", timeout=10)
        assert script.status == 200 and b"js-enabled" in script.read()


def test_a_password_reset_by_e_mail_ends_the_lockout(client, editor_a):
    """The lockout page says to reset the password; the new password then signs in (it was
    refused for the rest of the 30-minute cool-off)."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "editor.a", "not-the-password")
    assert _sign_in(client, "editor.a", factories.PASSWORD).status_code == 429

    client.post(reverse("password_reset"), {"email": editor_a.email})
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[-1].body)[1]
    form_page = client.get(link, follow=True)
    new_password = "a-new-and-long-password-7Qx"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302

    response = _sign_in(client, "editor.a", new_password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor_a.pk)

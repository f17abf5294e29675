"""The pages a UK public service must have, linked from every page's footer (issue #13)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

FOOTER = {
    "accessibility": "Accessibility statement",
    "cookies": "Cookies",
    "privacy": "Privacy",
    "contact": "Contact",
}


@pytest.mark.parametrize("name", list(FOOTER))
def test_each_page_opens_without_signing_in_and_is_in_the_footer(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    page = response.content.decode()
    footer = page.split('<footer class="govuk-template__footer">')[1]
    for other, label in FOOTER.items():
        assert f'href="{reverse(other)}">{label}</a>' in footer


def test_the_operator_and_contact_address_come_from_the_settings(client, settings):
    settings.SERVICE_OPERATOR = "Lakeshire Council"
    settings.CONTACT_EMAIL = "burden@lakeshire.example"
    for name in ("contact", "accessibility", "privacy"):
        page = client.get(reverse(name)).content.decode()
        assert "Lakeshire Council" in page
        assert 'href="mailto:burden@lakeshire.example"' in page


def test_without_a_contact_address_the_pages_say_whom_to_ask(client, settings):
    settings.SERVICE_OPERATOR = ""
    settings.CONTACT_EMAIL = ""
    page = client.get(reverse("contact")).content.decode()
    assert "mailto:" not in page
    assert "not published a contact e-mail address yet" in page


def test_the_accessibility_statement_says_the_standard_how_it_was_tested_and_how_to_report(
    client,
):
    page = client.get(reverse("accessibility")).content.decode()
    for words in (
        "Web Content Accessibility Guidelines version 2.2</a> AA standard",
        "<strong>axe-core</strong>",
        "keyboard",
        "320 pixels",
        "Known issues",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "This statement was prepared on",
    ):
        assert words in page


def test_the_cookies_page_lists_the_cookies_the_service_sets(client, settings):
    page = client.get(reverse("cookies")).content.decode()
    assert settings.SESSION_COOKIE_NAME in page and settings.CSRF_COOKIE_NAME in page
    assert "no analytics" in page


def test_sign_in_offers_a_password_reset_by_email(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}">Forgotten your password?</a>' in page

"""A request Django refuses as malformed gets the styled 400 page, not Django's bare one.

Django's bad_request view renders templates/400.html with no request and no context, so the page
must not need either: for a disallowed Host, anything that asked the request for its host would
raise again and turn the 400 into a 500.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]
HEADING = "Sorry, there is a problem with your request"


def _assert_styled_bad_request(response):
    assert response.status_code == 400
    page = response.content.decode()
    assert "Bad Request (400)" not in page
    assert "Traceback" not in page and "DisallowedHost" not in page
    assert 'class="govuk-template"' in page
    assert 'class="govuk-generic-header__homepage-link">Inspection Burden Tracker</a>' in page
    assert f"<title>{HEADING} – Inspection Burden Tracker</title>" in page
    assert f">{HEADING}</h1>" in page
    assert 'href="/"' in page
    assert f'href="{reverse("contact")}"' in page


@pytest.mark.django_db
def test_a_request_for_another_host_gets_the_styled_400_page(client):
    response = client.get("/", headers={"host": "evil.example"})
    _assert_styled_bad_request(response)


@pytest.mark.django_db
def test_a_form_sent_with_too_many_fields_gets_the_styled_400_page(client_for, editor_a, council_a):
    client = client_for(editor_a)
    fields = {f"field_{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 100)}
    response = client.post(reverse("event-create", args=[council_a.slug]), fields)
    _assert_styled_bad_request(response)


def test_the_400_page_needs_no_request_or_context():
    page = Template((ROOT / "templates" / "400.html").read_text()).render(Context())
    assert f">{HEADING}</h1>" in page

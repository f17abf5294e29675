from datetime import date

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from inspections.forecast.services import forecast_recompute
from inspections.models import InspectionOutcome
from tests.factories import make_event, make_hours


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """Users are made by the handful here; the real hasher's cost is not what is tested."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_for(db):
    """An API client carrying the user's token: `api_for(editor_a)`; `api_for(None)` has none."""

    def client(user):
        api = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return api

    return client


@pytest.fixture
def event_a(council_a):
    event = make_event(council_a, "ilacs_focused_visit", date(2025, 3, 3))
    make_hours(event, 40, team="data", phase="preparation")
    make_hours(event, 12.5, team="managers", phase="on_site")
    return event


@pytest.fixture
def event_b(council_b):
    event = make_event(council_b, "jtai", date(2025, 5, 5), theme="Domestic abuse")
    make_hours(event, 123.5, team="partners", phase="on_site")
    return event


@pytest.fixture
def forecast(council_a):
    """Lakeshire: an area SEND inspection due and an ILACS logged ahead, close together."""
    make_event(
        council_a,
        "area_send_full",
        date(2024, 3, 11),
        outcome=InspectionOutcome.objects.get(code="inconsistent"),
    )
    make_event(council_a, "ilacs_standard", date(2027, 2, 1), days=10)
    forecast_recompute(as_of=date(2026, 11, 30), alert=False)

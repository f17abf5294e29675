import pytest
from django.urls import reverse

from inspections.api.throttling import PerTokenThrottle

pytestmark = pytest.mark.django_db


def test_each_token_has_its_own_allowance(api_for, editor_a, viewer_a, monkeypatch):
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"api": "3/minute"})
    busy = api_for(editor_a)
    assert [busy.get("/api/v1/regions/").status_code for _ in range(3)] == [200, 200, 200]
    refused = busy.get("/api/v1/regions/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # Another user's token is not held up by the first one's script.
    assert api_for(viewer_a).get("/api/v1/regions/").status_code == 200


def test_the_api_docs_are_counted_per_client_behind_a_proxy(client, settings, monkeypatch):
    """Open to all, so counted per client address, the one sign-in and password reset use
    (PROXY_COUNT=1: the entry the proxy appended), not the X-Forwarded-For header as sent."""
    settings.PROXY_COUNT = 1
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"api": "3/minute"})

    def docs(forwarded):
        page = client.get(
            reverse("api-docs"), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded
        )
        return page.status_code

    # One client forging a different entry on the left each time still has one allowance.
    assert [docs(f"198.51.100.{n}, 203.0.113.7") for n in range(4)] == [200, 200, 200, 429]
    # Another client behind the same proxy has its own.
    assert docs("203.0.113.8") == 200

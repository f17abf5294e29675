import pytest

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

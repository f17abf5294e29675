from axes.helpers import get_client_ip_address
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle


class PerTokenThrottle(SimpleRateThrottle):
    """API_RATE requests per token; a browser session counts as its user's own allowance.

    A user's token and their session are counted apart, so a runaway script cannot lock its
    owner out of the API docs page. Anonymous requests are refused before they are counted, but
    for the API's description (``/api/schema/``, ``/api/docs/``), open to all and counted per
    client address.
    """

    scope = "api"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, Token):
            # The key itself never goes into the cache: its owner's id and a prefix will do.
            ident = f"token-{request.auth.user_id}-{request.auth.key[:8]}"
        elif request.user and request.user.is_authenticated:
            ident = f"session-{request.user.pk}"
        else:
            ident = f"anonymous-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def get_ident(self, request):
        """The client's address as sign-in and password reset count it (burden/client_address.py,
        from ``PROXY_COUNT``), not DRF's own reading of X-Forwarded-For: without ``NUM_PROXIES``
        that is the whole header as the client sent it, so a client could choose its count."""
        return get_client_ip_address(request)

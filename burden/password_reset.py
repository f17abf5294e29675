"""How often a reset link may be asked for: the one home of that rule (django-ratelimit).

Every e-mail the reset form sends goes to a person's mailbox from the service's own sender, so a
form that sends one for every request could be used to flood a mailbox, or many, and to spoil the
sender's reputation. Requests are counted in the cache (Redis in production; local memory, per
process, on the embedded default) in fixed windows of an hour.
"""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django_ratelimit.core import get_usage

HOUR = 60 * 60


def password_reset_wait_seconds(request) -> int | None:
    """Seconds before this client may ask for another reset link, or None if it may now.

    Counts this request (a POST of the reset form, valid or not) against two allowances:

    - ``PASSWORD_RESET_LIMIT_PER_IP`` an hour from one client address: the address django-axes
      counts sign-ins by (burden/client_address.py, from ``PROXY_COUNT``, asked through
      ``axes.helpers.get_client_ip_address`` and ``RATELIMIT_IP_META_KEY``), so one function
      decides who "one client" is for both; IPv6 addresses are counted by their /64 network
      (django-ratelimit's default);
    - ``PASSWORD_RESET_LIMIT_PER_EMAIL`` an hour for one e-mail address, as typed but stripped and
      lower-cased (Django finds accounts by the address whatever its case), whether or not an
      account has it, so the answer says nothing about which addresses have accounts. A request
      already refused for its client address is not counted against the e-mail address.

    Keys are hashed by django-ratelimit: no address is written to the cache as it was typed. A
    client whose address cannot be told (no ``REMOTE_ADDR``) is counted by the e-mail address
    alone. With the cache unreachable nothing is counted and every request may go on
    (``RATELIMIT_FAIL_OPEN``): the form keeps working without Redis, unthrottled.
    """
    if get_client_ip_address(request):
        by_ip = get_usage(
            request,
            group="password-reset:ip",
            key="ip",
            rate=(settings.PASSWORD_RESET_LIMIT_PER_IP, HOUR),
            method="POST",
            increment=True,
        )
        if by_ip is not None and by_ip["should_limit"]:
            return max(by_ip["time_left"], 1)
    email = request.POST.get("email", "").strip().lower()
    if email:
        by_email = get_usage(
            request,
            group="password-reset:email",
            key=lambda group, request: email,
            rate=(settings.PASSWORD_RESET_LIMIT_PER_EMAIL, HOUR),
            method="POST",
            increment=True,
        )
        if by_email is not None and by_email["should_limit"]:
            return max(by_email["time_left"], 1)
    return None

"""How often a reset link may be asked for: the one home of that rule (django-ratelimit).

Every e-mail the reset form sends goes to a person's mailbox from the service's own sender, so a
form that sends one for every request could be used to flood a mailbox, or many, and to spoil the
sender's reputation. Requests are counted in the cache (Redis in production; local memory, per
process, on the embedded default) in fixed windows of an hour.
"""

import unicodedata

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
    - ``PASSWORD_RESET_LIMIT_PER_EMAIL`` an hour for one e-mail address, counted under
      :func:`email_as_counted`, whether or not an account has it, so the answer says nothing
      about which addresses have accounts. A request already refused for its client address is
      not counted against the e-mail address.

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
    email = email_as_counted(request.POST.get("email", ""))
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


def email_as_counted(email: str) -> str:
    """The form of a typed e-mail address that the per-address allowance is counted under.

    It must merge every spelling that reaches the same account, or each spelling would be an
    allowance of its own for one mailbox. Django finds the account with ``email__iexact``, which
    on PostgreSQL compares ``UPPER(...)`` of both sides, and ``UPPER`` maps more than ASCII:
    ``ſ`` (long s) to ``S`` and ``ı`` (dotless i) to ``I``, so ``x.ſ@example.org`` mails the
    account of ``x.s@example.org`` (lower-casing leaves both apart: every ``s`` in an address
    doubled its allowance). So the address is stripped, folded to NFKC (compatibility forms such
    as full-width letters and the Kelvin sign become plain letters) and upper-cased with Python's
    full case mapping, which maps ``ſ`` and ``ı`` as ``UPPER`` does, and more (``ß`` to ``SS``).
    Merging more spellings than the database does only makes a few look-alike addresses share
    an allowance; merging fewer is the fault. The same form is used for every
    address, with an account or without, so which spellings share an allowance says nothing
    about which addresses have accounts.
    """
    return unicodedata.normalize("NFKC", email.strip()).upper()

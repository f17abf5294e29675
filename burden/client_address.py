"""Who the client is: the one home of the address a request is counted by.

Everything that counts requests per client asks this function: django-axes (sign-in lockouts and
its records of attempts, through ``AXES_CLIENT_IP_CALLABLE``), the password-reset limit
(burden/password_reset.py, through ``axes.helpers.get_client_ip_address``) and the API's
throttle for requests without a token (inspections/api/throttling.py, the same helper).
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """The address of the client that sent ``request``, as text; None if it cannot be told.

    ``PROXY_COUNT`` (read on every call) is the number of trusted proxies in front of the app,
    each of which appends to ``X-Forwarded-For`` the address it received the request from (nginx's
    ``$proxy_add_x_forwarded_for``). With n of them the client is the n-th entry from the right:
    the proxy nearest the app wrote the right-most entry, the n-th (outermost) proxy wrote the
    client's. Entries further left came in the client's own request and can say anything, so
    they are ignored.

    With ``PROXY_COUNT`` 0 the header is ignored entirely and the connection's address
    (``REMOTE_ADDR``) is the client's. ``REMOTE_ADDR`` is also the answer when the header has
    fewer than n entries (the request did not come through every proxy, or they do not append)
    or the chosen entry is not an IP address: then the proxy's address is counted, which may hold
    back others behind the same proxy but never lets a client choose the address it is counted
    by. None only when ``REMOTE_ADDR`` is missing or empty (a server on a Unix socket).

    An entry is stripped of spaces and read with the standard library's ``ipaddress``; IPv6 is
    accepted, and so are ``v4:port`` and ``[v6]:port`` (the port dropped), which nginx does not
    write but other proxies may. The address is returned in its normal form (IPv6 in lower case
    and shortest, an IPv4-mapped IPv6 address as IPv4), so one client is counted under one key
    however a proxy writes it.

    Why not django-ipware, which django-axes uses when it is installed: version 7 (python-ipware
    underneath, right-most order) gives other answers. Its ``proxy_count`` leaves out the proxy
    nearest the app and, in the strict mode django-ipware asks for, wants exactly that many
    entries besides the client's: with ``proxy_count=1`` the single entry nginx writes gives no
    address; one lower, two proxies' ``"203.0.113.7, 10.0.0.9"`` gives the proxy's 10.0.0.9. And
    any entry that is not an address makes it drop the whole header, so a client that adds
    ``"x, "`` on the left is counted as the proxy (with two proxies, ``"x, 203.0.113.7,
    10.0.0.9"`` gave no address at all).
    """
    remote_addr = request.META.get("REMOTE_ADDR") or None
    proxy_count = settings.PROXY_COUNT
    if proxy_count <= 0:
        return remote_addr
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = forwarded.split(",") if forwarded.strip() else []
    if len(entries) < proxy_count:
        return remote_addr
    return _ip_address(entries[-proxy_count]) or remote_addr


def _ip_address(entry: str) -> str | None:
    """The IP address in one ``X-Forwarded-For`` entry, in its normal form, or None."""
    text = entry.strip()
    version = None
    if text.startswith("["):  # [v6] or [v6]:port
        text, bracket, port = text[1:].partition("]")
        if not bracket or (port and not (port.startswith(":") and _is_port(port[1:]))):
            return None
        version = 6
    elif text.count(":") == 1:  # v4:port (an IPv6 address has at least two colons)
        text, _, port = text.partition(":")
        if not _is_port(port):
            return None
        version = 4
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if version is not None and address.version != version:
        return None
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def _is_port(text: str) -> bool:
    return text.isascii() and text.isdigit() and 0 < int(text) < 65536

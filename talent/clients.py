"""Who is asking: the client's address, for rate limits and logs.

Behind a reverse proxy REMOTE_ADDR is the proxy's, and the client's address
is in X-Forwarded-For, which every proxy on the way appends to. Only the
entries written by our own proxies can be trusted (a client can send the
header with anything in it), so the address is taken from it only through the
configured number of trusted proxies (settings.TRUSTED_PROXY_COUNT, env
DJANGO_TRUSTED_PROXY_COUNT): with n proxies, the n-th entry from the right.
With 0, the default, the header is ignored.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if not forwarded:
        return remote
    # Fewer entries than proxies: a proxy on the way did not append (a direct
    # request to an inner one); the leftmost is the closest to the client.
    address = forwarded[0] if len(forwarded) < proxies else forwarded[-proxies]
    # Whatever is not an address (a forged header) is no key to count by.
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return remote

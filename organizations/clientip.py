"""The client's address, as rate limits and network restrictions see it.

Behind a reverse proxy every request comes from the proxy's address, and the client's
own is in X-Forwarded-For. That header is only believed when the request comes from a
proxy listed in `TRUSTED_PROXIES` (addresses or networks, e.g. `127.0.0.1,10.0.0.0/8`);
the header is then read from the right, skipping our own proxies, and the first address
that is not one of them is the client. Anyone else's X-Forwarded-For is ignored, so a
client cannot pick the address its rate limit is counted under.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def in_networks(address: str, spec: list[str] | tuple[str, ...]) -> bool:
    ip = _address(address)
    return ip is not None and any(ip in net for net in networks(tuple(spec)))


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = tuple(getattr(settings, "TRUSTED_PROXIES", ()))
    if not trusted or not in_networks(remote, trusted):
        return remote
    hops = [h for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
    for hop in reversed(hops):
        ip = _address(hop)
        if ip is None:
            break  # garbage: trust nothing further left
        if not in_networks(str(ip), trusted):
            return str(ip)
    return remote

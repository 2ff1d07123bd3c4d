"""The address a phone on the same network uses to reach `make run HOST=0.0.0.0`."""

import ipaddress
import socket
from collections.abc import Callable
from contextlib import suppress
from urllib.parse import urlsplit, urlunsplit

#: Listening on these means "every interface": no phone can open a link to them.
WILDCARDS = {"0.0.0.0", "::", ""}  # noqa: S104 -- recognised, never bound
#: A documentation address (RFC 5737): "connecting" a UDP socket to it sends nothing, but
#: makes the system pick the interface of its default route, i.e. the LAN one.
PROBE = "203.0.113.1"
FALLBACK = "127.0.0.1"


def _usable(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not (ip.is_loopback or ip.is_unspecified or ip.is_link_local)


def lan_address(probe: str = PROBE) -> str | None:
    """This machine's IPv4 address on its network, or None when it has no route anywhere."""
    candidates = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock, suppress(OSError):
        sock.connect((probe, 9))
        candidates.append(sock.getsockname()[0])
    with suppress(OSError):  # no default route (an isolated Wi-Fi): the host name may still
        candidates += [info[4][0] for info in socket.getaddrinfo(  # resolve to the LAN
            socket.gethostname(), None, socket.AF_INET, socket.SOCK_DGRAM)]
    return next((a for a in candidates if _usable(a)), None)


def host_for_url(host: str) -> str:
    """`host` as it goes into a URL (an IPv6 literal in brackets)."""
    return f"[{host}]" if ":" in host else host


def reachable_url(url: str, lookup: Callable[[], str | None] = lan_address
                  ) -> tuple[str, bool]:
    """`url` with a wildcard host replaced by the LAN address (`lookup` finds it), and
    whether one was found; with no network it falls back to 127.0.0.1 (this computer only)."""
    parts = urlsplit(url)
    if (parts.hostname or "") not in WILDCARDS:
        return url, True
    found = lookup()
    netloc = host_for_url(found or FALLBACK) + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc)), found is not None

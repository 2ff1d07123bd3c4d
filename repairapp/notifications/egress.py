"""Requests the server makes on an admin's behalf (group-robot webhooks) reach the public
internet only.

A webhook URL is typed by an admin, but a server that posts wherever it is told can be
turned on its own network: the cloud metadata service (169.254.169.254), a database
console on 127.0.0.1, a router on 192.168.x. So every address a URL's host resolves to
must be public, the connection goes to the address that was checked (no second DNS
lookup a rebinding DNS server could answer differently), redirects are not followed, and
what a refused or failing server answered is never shown back.

REPAIRAPP_WEBHOOK_ALLOW_NETWORKS names networks that are allowed anyway (an on-premises
robot gateway, the tests' local server).

REPAIRAPP_WEBHOOK_PROXY (http://host:port) sends every robot request through that proxy,
tunnelled (CONNECT) to the checked address, never to the name. HTTPS_PROXY, http_proxy and
the like are ignored on purpose: a proxy given a name would resolve it again, past the check.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: IPv6 prefixes that carry an IPv4 address in their last 32 bits: NAT64 (RFC 6052, and the
#: local-use prefix of RFC 8215). 6to4, Teredo, mapped and compatible forms are unwrapped below.
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
#: Shared address space (carrier-grade NAT), which `is_global` counts as private on some
#: Pythons only.
CGNAT = ipaddress.ip_network("100.64.0.0/10")
#: The answer is read up to here: enough for any robot's JSON, too little to be a download.
MAX_ANSWER = 65536
#: Longest wait for one address to take the connection (TCP, and TLS on top) before the next
#: is tried: robot hosts publish IPv6 addresses that many servers cannot reach.
CONNECT_TIMEOUT = 5.0


class Refused(Exception):
    """The URL's host is (or resolves to) an address that is neither public nor allowed."""


class Failed(Exception):
    """The request did not get a 2xx answer, or could not be made; the text is safe to show
    (it never quotes the server)."""


def networks(text: str) -> list[Network]:
    """Parse REPAIRAPP_WEBHOOK_ALLOW_NETWORKS: CIDRs separated by commas; ValueError names
    the bad one."""
    parsed = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            parsed.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"REPAIRAPP_WEBHOOK_ALLOW_NETWORKS: not a network: {item!r}"
                             ) from None
    return parsed


def proxy(text: str) -> tuple[str, int] | None:
    """Parse REPAIRAPP_WEBHOOK_PROXY ("http://host:port"; empty: connect directly); ValueError
    says what is wrong."""
    if not text.strip():
        return None
    parts = urlsplit(text.strip())
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme != "http" or not parts.hostname or port is None or parts.username \
            or parts.path not in ("", "/"):
        raise ValueError(f"REPAIRAPP_WEBHOOK_PROXY: expected http://host:port, got {text!r}")
    return parts.hostname, port


def _embedded_ipv4(ip: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form stands for: mapped (::ffff:a.b.c.d), compatible
    (::a.b.c.d), 6to4 (2002:aabb:ccdd::), Teredo's client, NAT64 (64:ff9b::a.b.c.d)."""
    if ip.version == 4:
        return None
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    packed = int(ip)
    if packed >> 32 == 0 and packed > 1:  # IPv4-compatible; ::, ::1 are their own thing
        return ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    if any(ip in prefix for prefix in NAT64):
        return ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    return None


def _public(ip: Address) -> bool:
    """A unicast address on the public internet (not loopback, private, CGNAT, link-local,
    multicast, unspecified, reserved or documentation)."""
    return (ip.is_global and not ip.is_multicast and not ip.is_reserved
            and not ip.is_unspecified and not ip.is_link_local and not ip.is_loopback
            and not ip.is_private and not (ip.version == 4 and ip in CGNAT)
            and not (ip.version == 6 and ip.is_site_local))


def allowed(ip: Address, allow: list[Network] = ()) -> bool:
    """May the server connect to `ip`? Public, or in a network the operator allowed. An
    IPv6 form that carries an IPv4 address (mapped, NAT64, 6to4 ...) is judged as the IPv4
    address it leads to: ::ffff:127.0.0.1 is loopback, 64:ff9b::808:808 is public."""
    inner = _embedded_ipv4(ip)
    if any(c in network for c in (ip, inner) if c is not None
           for network in allow if c.version == network.version):
        return True
    return _public(inner if inner is not None else ip)


def _is_localhost_name(host: str) -> bool:
    # RFC 6761: "localhost" and names under it are loopback whatever a resolver says.
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (the addresses that were checked) and what to ask."""

    scheme: str
    host: str  # as in the URL; goes into the Host header and the TLS server name
    port: int
    path: str
    addresses: tuple[str, ...]


def _parts(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Failed("URL must start with http:// or https://")
    try:
        host, port = parts.hostname, parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise Failed("bad port in URL") from None
    if not host:
        raise Failed("no host in URL")
    try:
        host = host.encode("idna").decode("ascii")  # a Chinese name: its xn-- form
    except UnicodeError:
        raise Failed("bad host name in URL") from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port, path


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (a literal, decimal or octal IP resolves to itself);
    OSError when it does not resolve."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def check(url: str, allow: list[Network] = ()) -> Target:
    """Resolve the URL's host and make sure every address is allowed; Refused if one is
    not, OSError if the name does not resolve."""
    scheme, host, port, path = _parts(url)
    if _is_localhost_name(host) and not any(
            ipaddress.ip_address("127.0.0.1") in n for n in allow if n.version == 4):
        raise Refused("address not allowed")
    addresses = resolve(host, port)
    for address in addresses:
        if not allowed(ipaddress.ip_address(address.split("%")[0]), allow):
            raise Refused("address not allowed")
    return Target(scheme, host, port, path, tuple(addresses))


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked address (directly or through a CONNECT tunnel) while the
    Host header names the URL's host."""

    def __init__(self, target: Target, address: str, timeout: float, connect_timeout: float,
                 via: tuple[str, int] | None = None):
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = address
        self.connect_timeout = connect_timeout
        self.via = via

    def connect(self):
        self.sock = socket.create_connection(self.via or (self.address, self.port),
                                             self.connect_timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.via:
            _tunnel(self.sock, self.address, self.port)
        self._ready()

    def _ready(self):
        self.sock.settimeout(self.timeout)


class _PinnedHTTPS(_PinnedHTTP):
    """The same over TLS: the server name (SNI) and the certificate check use the URL's
    host, not the address connected to."""

    default_port = 443

    def _ready(self):
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(self.sock, server_hostname=self.host)
        super()._ready()


def _tunnel(sock: socket.socket, address: str, port: int) -> None:
    """Ask the proxy on `sock` for a tunnel to the checked address; OSError unless it
    answers 2xx (a proxy that cannot reach that address lets the next one be tried)."""
    where = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    sock.sendall(f"CONNECT {where} HTTP/1.1\r\nHost: {where}\r\n\r\n".encode("ascii"))
    reply = sock.makefile("rb", buffering=0)  # unbuffered: nothing past the header is taken
    status = reply.readline(1024).split()
    if len(status) < 2 or not status[1].startswith(b"2"):
        raise ConnectionError("the proxy did not open a tunnel")
    for _ in range(100):
        if reply.readline(8192).strip() == b"":
            return
    raise ConnectionError("the proxy's answer has no end")


def interleaved(addresses: tuple[str, ...]) -> list[str]:
    """The addresses in the resolver's order, families alternating from the first one
    (RFC 8305): a name with four broken IPv6 addresses still reaches its IPv4 one second."""
    first = ":" in addresses[0] if addresses else False
    same = [a for a in addresses if (":" in a) == first]
    other = [a for a in addresses if (":" in a) != first]
    mixed = [a for pair in zip(same, other, strict=False) for a in pair]
    return mixed + same[len(other):] + other[len(same):]


def post(target: Target, body: bytes, headers: dict[str, str], timeout: float,
         via: tuple[str, int] | None = None) -> bytes:
    """POST to the first checked address that takes the connection; the answer's body if
    the status is 2xx. Failed otherwise ("HTTP 302", "connection failed"): a redirect is
    not followed, and a server's own words are never passed on.

    An address that cannot be connected to (refused, unreachable, silent for
    CONNECT_TIMEOUT, TLS handshake broken) is given up for the next one, all within
    2 x `timeout`; once the request has gone out it is never sent to a second address.
    `via`: the proxy (host, port) to tunnel through."""
    deadline = time.monotonic() + 2 * timeout
    for address in interleaved(target.addresses):
        connection = _connected(target, address, timeout, deadline, via)
        if connection is None:
            continue
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            response = connection.getresponse()
            if not 200 <= response.status < 300:
                raise Failed(f"HTTP {response.status}")  # its body is not even read
            return _read_by(response, deadline)
        except (OSError, http.client.HTTPException):
            raise Failed("connection failed") from None
        finally:
            connection.close()
    raise Failed("connection failed")


def _connected(target: Target, address: str, timeout: float, deadline: float,
               via: tuple[str, int] | None) -> "_PinnedHTTP | None":
    """A connection to `address` (TLS set up for https), or None if this address did not
    take it; Failed when the time is up or the certificate is not the URL host's."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise Failed("connection failed")
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = kind(target, address, timeout, min(CONNECT_TIMEOUT, timeout, left), via)
    try:
        connection.connect()
        return connection
    except ssl.SSLCertVerificationError:
        connection.close()
        raise Failed("connection failed (certificate not valid for this host)") from None
    except OSError:  # refused, unreachable, timed out, handshake cut: nothing was sent
        connection.close()
        return None


def _read_by(response: http.client.HTTPResponse, deadline: float) -> bytes:
    """The answer's body, at most MAX_ANSWER bytes, by `deadline`: a server sending a byte
    now and then (each within the socket timeout) cannot hold a sweep past its lease."""
    chunks: list[bytes] = []
    size = 0
    while size < MAX_ANSWER:
        if time.monotonic() > deadline:
            raise TimeoutError("answer too slow")
        chunk = response.read1(MAX_ANSWER - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def safe_post(url: str, body: bytes, headers: dict[str, str], timeout: float,
              allow: list[Network] = (), via: tuple[str, int] | None = None) -> bytes:
    """Check the URL, then POST to the address that passed (through the proxy `via`, if
    given); Refused or Failed."""
    try:
        target = check(url, allow)
    except OSError:
        raise Failed("connection failed (host name not found)") from None
    return post(target, body, headers, timeout, via)

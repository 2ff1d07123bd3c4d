"""Robot webhooks reach the public internet only: every local, private or special address
(in any spelling) is refused after DNS resolution, at save and at send; the connection goes
to the address that was checked; redirects are not followed; a server's words are not shown.

These tests leave REPAIRAPP_WEBHOOK_ALLOW_NETWORKS empty unless they say otherwise, and aim
at a real server listening on loopback, which must receive nothing."""

import contextlib
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading

import pytest
import sqlalchemy as sa
from notifications.conftest import http_server

import factories as f
from repairapp import create_app
from repairapp.extensions import db
from repairapp.notifications import egress, outbox
from repairapp.notifications.models import Channel, Delivery, DeliveryStatus, Transport
from repairapp.notifications.transports import AddressNotAllowed, SendError, post_webhook

#: Ways to write "this machine" that reach a server on 127.0.0.1:{port} if not refused.
LOOPBACK = [
    "http://127.0.0.1:{port}/hook",
    "http://127.7.7.7:{port}/hook",
    "http://localhost:{port}/hook",
    "http://localhost.:{port}/hook",
    "http://robot.localhost:{port}/hook",
    "http://[::1]:{port}/hook",
    "http://[::ffff:127.0.0.1]:{port}/hook",
    "http://[::ffff:7f00:1]:{port}/hook",
    "http://0.0.0.0:{port}/hook",
    "http://2130706433:{port}/hook",     # decimal
    "http://0177.0.0.1:{port}/hook",     # octal
    "http://0x7f.1:{port}/hook",         # hex, short form
    "https://127.1:{port}/hook",
]
#: Private, shared, link-local, metadata, multicast, reserved, and IPv6 wrappings of them.
ELSEWHERE = [
    "http://10.1.2.3/hook",
    "http://172.16.0.1/hook",
    "http://172.31.255.254/hook",
    "http://192.168.1.1/hook",
    "http://100.64.0.1/hook",                          # carrier-grade NAT
    "http://169.254.169.254/latest/meta-data/",        # cloud metadata
    "http://[fd00:ec2::254]/latest/meta-data/",        # AWS metadata over IPv6 (ULA)
    "http://[fc00::1]/hook",
    "http://[fe80::1]/hook",
    "http://224.0.0.1/hook",
    "http://[ff02::1]/hook",
    "http://240.0.0.1/hook",
    "http://255.255.255.255/hook",
    "http://[::]/hook",
    "http://192.0.2.10/hook",                          # documentation
    "http://[::169.254.169.254]/hook",                 # IPv4-compatible
    "http://[::ffff:a9fe:a9fe]/hook",                  # IPv4-mapped metadata
    "http://[2002:a9fe:a9fe::1]/hook",                 # 6to4 of the metadata address
    "http://[2002:c0a8:101::1]/hook",                  # 6to4 of 192.168.1.1
    "http://[64:ff9b::a00:1]/hook",                    # NAT64 of 10.0.0.1
    "http://[64:ff9b::7f00:1]/hook",                   # NAT64 of 127.0.0.1
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",  # Teredo (client 127.0.0.1)
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2002:808:808::1", "64:ff9b::808:808",
          "::ffff:8.8.8.8"]


def _form(target: str) -> dict:
    return {"name": "Service desk", "transport": "wecom", "customer_id": "0",
            "target": target, "secret": "", "kinds": ["new"], "is_active": "y"}


@pytest.fixture
def internal(app):
    """A real server on loopback standing in for something internal; nothing is allowed."""
    with http_server() as server:
        app.config["WEBHOOK_ALLOW_NETWORKS"] = ""  # whatever the environment says
        yield server


def _urls(port: int) -> list[str]:
    return [u.format(port=port) for u in LOOPBACK] + ELSEWHERE


@pytest.mark.parametrize("template", LOOPBACK)
def test_each_spelling_of_this_machine_is_refused_at_send(internal, template):
    """Literal, named, IPv6-mapped, decimal, octal, hex: refused, and the server hears
    nothing."""
    url = template.format(port=internal.url.rsplit(":", 1)[1])
    with pytest.raises(AddressNotAllowed, match="address not allowed"):
        post_webhook(Transport.WECOM, url, "", "hello")
    assert internal.received == []


@pytest.mark.parametrize("url", ELSEWHERE)
def test_private_and_special_addresses_are_refused(url):
    """Private, CGNAT, link-local, metadata, multicast, reserved and their IPv6 forms."""
    with pytest.raises(egress.Refused):
        egress.check(url)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address):
    """Public IPv4 and IPv6 addresses, also wrapped in IPv6 forms, are allowed."""
    assert egress.allowed(ipaddress.ip_address(address))


def test_every_address_a_name_resolves_to_must_be_public():
    """A name is checked by what it resolves to: 'localhost' resolves to loopback."""
    assert "127.0.0.1" in egress.resolve("localhost", 80)
    with pytest.raises(egress.Refused):
        egress.check("http://localhost/hook")


def test_the_form_refuses_each_local_or_private_url_in_both_languages(app, client, admin,
                                                                      internal):
    """Saving any of them gives the field its message (en and zh); nothing is saved."""
    for url in _urls(1234):
        page = admin.post("/notifications/channels/new", _form(url)).get_data(as_text=True)
        assert "Only robots on the public internet can be used" in page, url
    client.set_cookie("lang", "zh")
    page = admin.post("/notifications/channels/new", _form(internal.url + "/hook"))
    assert "只能使用公网上的机器人" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Channel)) == 0


def test_a_name_that_does_not_resolve_can_be_saved(client, admin):
    """The check at save is about where a URL leads; a name that leads nowhere yet is kept
    (every send checks again)."""
    page = admin.post("/notifications/channels/new", _form("https://robot.invalid/hook"),
                      follow_redirects=True).get_data(as_text=True)
    assert "Channel saved." in page


def test_the_sweep_refuses_channels_saved_with_local_urls(app, client, admin, internal):
    """Channels stored before the rule (or a name that changed since) are refused at send:
    every delivery says "address not allowed", the internal server hears nothing."""
    port = internal.url.rsplit(":", 1)[1]
    for number, url in enumerate(_urls(int(port))):
        db.session.add(Channel(name=f"c{number}", transport=Transport.WECOM, target=url,
                               kinds=["new"]))
    db.session.commit()
    f.ticket()
    assert outbox.deliver_due(None) == (0, len(_urls(1)))
    assert set(db.session.scalars(sa.select(Delivery.last_error))) == {"address not allowed"}
    assert internal.received == []
    assert "address not allowed" in client.get("/notifications/").get_data(as_text=True)


def test_the_test_button_refuses_a_local_url_and_says_so(app, client, admin, internal):
    """A channel pointing at loopback: the test button says the address is not allowed."""
    db.session.add(Channel(name="desk", transport=Transport.WECOM, target=internal.url))
    db.session.commit()
    channel = db.session.scalar(sa.select(Channel))
    url = f"/notifications/channels/{channel.id}"
    page = admin.post(f"{url}/test", {}, page_url=url, follow_redirects=True)
    assert "points to a local or private network address" in page.get_data(as_text=True)
    assert internal.received == []


def test_a_redirect_is_not_followed(app, robot):
    """An allowed robot answering 302 to a private address: "HTTP 302", and the private
    server (127.0.0.2, not allowed) is never contacted."""
    with http_server("127.0.0.2") as private:
        robot.answers = [(302, {}, {"Location": private.url + "/steal"})]
        with pytest.raises(SendError, match="^HTTP 302$"):
            post_webhook(Transport.WECOM, robot.hook("desk"), "", "hello",
                         allow=outbox.allowed_networks())
        assert private.received == [] and len(robot.received) == 1


@pytest.mark.parametrize(("answer", "shown"), [
    ((502, {"detail": "upstream db-internal:5432 password=hunter2"}), "HTTP 502"),
    ((500, {"trace": "Traceback ... SECRET_KEY=hunter2"}), "HTTP 500"),
    ((200, {"errcode": 93000, "errmsg": "invalid webhook url\nkey=" + "x" * 200 + "hunter2"}),
     "wecom: 93000 invalid webhook url key=xxx"),
])
def test_what_a_server_answered_is_not_shown(app, client, admin, robot, answer, shown):
    """The admin sees the status or the robot's code with a short message, never the body
    (the test button and the outbox alike)."""
    db.session.add(Channel(name="desk", transport=Transport.WECOM, target=robot.hook("desk")))
    db.session.commit()
    channel = db.session.scalar(sa.select(Channel))
    url = f"/notifications/channels/{channel.id}"
    robot.answers = [answer, answer]
    flash = admin.post(f"{url}/test", {}, page_url=url, follow_redirects=True)
    f.ticket()
    outbox.deliver_due(None)
    page = client.get("/notifications/").get_data(as_text=True)
    for text in (flash.get_data(as_text=True), page):
        assert shown in text and "hunter2" not in text
    assert db.session.scalar(sa.select(Delivery.status)) is DeliveryStatus.PENDING


def test_the_connection_goes_to_the_checked_address_under_the_urls_name(robot):
    """No second DNS lookup: a checked target is reached at its address even when its name
    resolves nowhere, and the request still names that host."""
    port = int(robot.url.rsplit(":", 1)[1])
    target = egress.Target("http", "robot.invalid", port, "/hook?key=1", ("127.0.0.1",))
    egress.post(target, b"{}", {"Content-Type": "application/json"}, timeout=5)
    assert robot.headers[0]["Host"] == f"robot.invalid:{port}"
    assert robot.received[0][0] == "/hook"


@contextlib.contextmanager
def _silent(address: str, port: int):
    """A port on `address` that lets connections wait unanswered: its accept queue is full,
    so the kernel drops further SYNs and a connect times out (as to a host that is gone)."""
    with socket.socket() as listener:
        listener.bind((address, port))
        listener.listen(0)
        queued = []
        with contextlib.ExitStack() as stack:
            while True:
                try:
                    queued.append(stack.enter_context(
                        socket.create_connection((address, port), 0.2)))
                except TimeoutError:
                    break
            yield


@contextlib.contextmanager
def _hanging_up(address: str, port: int, read_first: bool = False):
    """A server on `address` that takes each connection and closes it without a word (having
    read the request first if `read_first`); it counts the connections."""
    taken: list[bytes] = []
    with socket.socket() as listener:
        listener.bind((address, port))
        listener.listen(8)

        def serve():
            with contextlib.suppress(OSError):
                while True:
                    peer, _ = listener.accept()
                    with peer:
                        taken.append(peer.recv(65536) if read_first else b"")

        threading.Thread(target=serve, daemon=True).start()
        yield taken
        listener.shutdown(socket.SHUT_RDWR)


def _port(state) -> int:
    return int(state.url.rsplit(":", 1)[1])


@contextlib.contextmanager
def _failing(kind: str, port: int, monkeypatch):
    """The address of a server that fails in one way on `port`, and what it heard."""
    if kind == "refused":         # nothing listens on 127.0.0.2
        yield "127.0.0.2"
    elif kind == "unreachable":   # the kernel refuses TCP to multicast: ENETUNREACH
        yield "224.0.0.1"
    else:                         # silent: the connect times out
        monkeypatch.setattr(egress, "CONNECT_TIMEOUT", 0.2)
        with _silent("127.0.0.3", port):
            yield "127.0.0.3"


@pytest.mark.parametrize("kind", ["refused", "unreachable", "silent"])
def test_an_address_that_cannot_be_reached_gives_way_to_the_next(robot, monkeypatch, kind):
    """A name whose first address is refused, unreachable (a broken IPv6 route) or silent:
    the next checked address gets the message, once."""
    with _failing(kind, _port(robot), monkeypatch) as first:
        target = egress.Target("http", "robot.test", _port(robot), "/hook",
                               (first, "127.0.0.1"))
        assert egress.post(target, b"{}", {}, timeout=5) == b'{"errcode": 0}'
    assert [path for path, *_ in robot.received] == ["/hook"]


def test_every_address_failing_is_connection_failed(monkeypatch):
    """Refused, unreachable and silent, one after another: "connection failed"."""
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    with _failing("silent", port, monkeypatch):
        target = egress.Target("http", "robot.test", port, "/hook",
                               ("127.0.0.2", "224.0.0.1", "127.0.0.3"))
        with pytest.raises(egress.Failed, match="^connection failed$"):
            egress.post(target, b"{}", {}, timeout=5)


def test_a_request_that_went_out_is_not_sent_again_elsewhere(robot):
    """The first address takes the request and hangs up: "connection failed", and the second
    address never gets a copy (the robot may have posted it already)."""
    with _hanging_up("127.0.0.2", _port(robot), read_first=True) as taken:
        target = egress.Target("http", "robot.test", _port(robot), "/hook",
                               ("127.0.0.2", "127.0.0.1"))
        with pytest.raises(egress.Failed, match="^connection failed$"):
            egress.post(target, b'{"text": "hello"}', {}, timeout=5)
    assert len(taken) == 1 and taken[0].startswith(b"POST /hook ")
    assert robot.received == []


def test_families_alternate_so_broken_ipv6_costs_one_try():
    """The resolver's order, IPv6 and IPv4 taking turns from the first family."""
    assert egress.interleaved(("2001:db8::1", "2001:db8::2", "2001:db8::3", "192.0.2.1",
                               "192.0.2.2")) == [
        "2001:db8::1", "192.0.2.1", "2001:db8::2", "192.0.2.2", "2001:db8::3"]
    assert egress.interleaved(("192.0.2.1", "2001:db8::1")) == ["192.0.2.1", "2001:db8::1"]
    assert egress.interleaved(()) == []


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    """A test CA and a certificate for robot.test signed by it (openssl, EC keys: fast)."""
    folder = tmp_path_factory.mktemp("tls")

    openssl = shutil.which("openssl")
    assert openssl, "the openssl command is needed (Debian: apt-get install openssl)"

    def run(*args):
        subprocess.run([openssl, *args], cwd=folder, check=True, capture_output=True)  # noqa: S603

    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Test CA")
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "robot.key", "-out", "robot.csr", "-subj", "/CN=robot.test")
    (folder / "ext.cnf").write_text("subjectAltName=DNS:robot.test\n")
    run("x509", "-req", "-in", "robot.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "robot.pem", "-days", "2", "-extfile", "ext.cnf")
    return folder


@pytest.fixture
def tls_robot(tls_files, monkeypatch):
    """A real HTTPS robot on loopback holding the robot.test certificate, whose CA the
    client trusts (SSL_CERT_FILE, which the default context reads); it records the
    server name each client asked for (SNI)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_files / "ca.pem"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_files / "robot.pem", tls_files / "robot.key")
    names: list = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    with http_server(tls=context) as state:
        state.names = names
        yield state


def _https_target(state, name: str) -> egress.Target:
    port = int(state.url.rsplit(":", 1)[1])
    return egress.Target("https", name, port, "/hook", ("127.0.0.1",))


def test_https_is_verified_for_the_urls_name_on_the_checked_address(tls_robot):
    """Over TLS the pinned connection still asks for (SNI) and verifies the URL's name."""
    egress.post(_https_target(tls_robot, "robot.test"), b"{}", {}, timeout=5)
    assert tls_robot.names == ["robot.test"]
    assert tls_robot.headers[0]["Host"].startswith("robot.test:")


def test_https_with_a_certificate_for_another_name_fails(tls_robot):
    """A certificate that is not for the URL's name: connection failed, nothing sent."""
    with pytest.raises(egress.Failed, match="certificate"):
        egress.post(_https_target(tls_robot, "other.test"), b"{}", {}, timeout=5)
    assert tls_robot.received == []


def test_a_broken_tls_handshake_gives_way_to_the_next_address(tls_robot):
    """The first address takes the TCP connection and hangs up before TLS is set up:
    nothing was sent, so the next address gets the message."""
    with _hanging_up("127.0.0.2", _port(tls_robot)) as taken:
        target = egress.Target("https", "robot.test", _port(tls_robot), "/hook",
                               ("127.0.0.2", "127.0.0.1"))
        egress.post(target, b"{}", {}, timeout=5)
    assert len(taken) == 1 and len(tls_robot.received) == 1


def test_a_bad_allowed_network_stops_the_start(app):
    """A mistyped REPAIRAPP_WEBHOOK_ALLOW_NETWORKS names the bad entry at start."""
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
              "WEBHOOK_ALLOW_NETWORKS": "127.0.0.1/32, 10.0.0.0/33"}
    with pytest.raises(ValueError, match="10.0.0.0/33"):
        create_app(config)
    assert egress.networks(" 127.0.0.1/32, fd00::/8 ,") == [
        ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("fd00::/8")]


@contextlib.contextmanager
def _connect_proxy():
    """A real HTTP proxy on loopback that only tunnels (CONNECT host:port), as corporate
    proxies do; it records each CONNECT target and answers 502 when it cannot connect."""
    asked: list[str] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)

        def pipe(source, sink):
            with contextlib.suppress(OSError):
                while data := source.recv(65536):
                    sink.sendall(data)
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)

        def tunnel(client):
            with client:
                head = b""
                while b"\r\n\r\n" not in head:
                    if not (data := client.recv(4096)):
                        return
                    head += data
                where = head.split()[1]
                asked.append(where.decode())
                host, port = where.decode().rsplit(":", 1)
                try:
                    upstream = socket.create_connection((host.strip("[]"), int(port)), 2)
                except OSError:
                    client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                    return
                with upstream:
                    client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    back = threading.Thread(target=pipe, args=(upstream, client), daemon=True)
                    back.start()
                    pipe(client, upstream)
                    back.join(5)

        def serve():
            with contextlib.suppress(OSError):
                while True:
                    client, _ = listener.accept()
                    threading.Thread(target=tunnel, args=(client,), daemon=True).start()

        threading.Thread(target=serve, daemon=True).start()
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", asked
        listener.shutdown(socket.SHUT_RDWR)


def test_the_outbox_and_test_button_go_through_the_webhook_proxy(app, admin, robot,
                                                                 monkeypatch):
    """REPAIRAPP_WEBHOOK_PROXY set: the outbox's message and the test button's reach the
    robot through the proxy, which was asked for the address that passed the check."""
    with _connect_proxy() as (url, asked):
        monkeypatch.setitem(app.config, "WEBHOOK_PROXY", url)
        db.session.add(Channel(name="desk", transport=Transport.WECOM,
                               target=robot.hook("desk"), kinds=["new"]))
        db.session.commit()
        f.ticket()
        assert outbox.deliver_due(None) == (1, 0)
        page = f"/notifications/channels/{db.session.scalar(sa.select(Channel.id))}"
        admin.post(f"{page}/test", {}, page_url=page)
    assert asked == [f"127.0.0.1:{_port(robot)}"] * 2 and len(robot.bodies("desk")) == 2


def test_through_the_proxy_tls_is_verified_for_the_urls_name(tls_robot):
    """The tunnel goes to the checked address; SNI and the certificate check still use the
    URL's name, and the Host header names it too."""
    with _connect_proxy() as (url, asked):
        egress.post(_https_target(tls_robot, "robot.test"), b"{}", {}, timeout=5,
                    via=egress.proxy(url))
    assert asked == [f"127.0.0.1:{_port(tls_robot)}"]
    assert tls_robot.names == ["robot.test"]
    assert tls_robot.headers[0]["Host"].startswith("robot.test:")


def test_an_address_the_proxy_cannot_reach_gives_way_to_the_next(robot):
    """The proxy answers 502 for the first address (nothing listens there): the second one
    gets the message through it."""
    with _connect_proxy() as (url, asked):
        target = egress.Target("http", "robot.test", _port(robot), "/hook",
                               ("127.0.0.2", "127.0.0.1"))
        egress.post(target, b"{}", {}, timeout=5, via=egress.proxy(url))
    assert asked == [f"127.0.0.{n}:{_port(robot)}" for n in (2, 1)]
    assert len(robot.received) == 1


def test_environment_proxies_are_ignored(robot, monkeypatch):
    """HTTPS_PROXY / http_proxy would be handed the name and resolve it again past the check:
    the request goes directly, the proxy hears nothing."""
    with _connect_proxy() as (url, asked):
        for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY"):
            monkeypatch.setenv(name, url)
        post_webhook(Transport.WECOM, robot.hook("desk"), "", "hello",
                     allow=outbox.allowed_networks())
    assert asked == [] and len(robot.bodies("desk")) == 1


@pytest.mark.parametrize("value", ["127.0.0.1:3128", "https://proxy:3128", "http://proxy",
                                   "http://user:pw@proxy:3128", "http://proxy:99999"])
def test_a_bad_webhook_proxy_stops_the_start(app, value):
    """REPAIRAPP_WEBHOOK_PROXY must be http://host:port; anything else stops the start."""
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "WEBHOOK_PROXY": value}
    with pytest.raises(ValueError, match="REPAIRAPP_WEBHOOK_PROXY"):
        create_app(config)
    assert egress.proxy(" http://proxy.corp:3128/ ") == ("proxy.corp", 3128)
    assert egress.proxy("") is None

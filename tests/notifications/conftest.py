"""Real local servers for the notification tests: an SMTP server (aiosmtpd) and an HTTP
server standing in for the WeCom / DingTalk / Feishu robots. Nothing in the sending code
is mocked; messages cross real sockets."""

import contextlib
import json
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every message it accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for rcpts, m in self.messages if address in rcpts]


@pytest.fixture
def smtp(app):
    """A real SMTP server on a free loopback port; the app is configured to use it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {k: app.config[k] for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_SECURITY="none")
    yield inbox
    app.config.update(saved)
    controller.stop()


@dataclass
class Robot:
    """What the fake group robot received, and what it answers next."""

    url: str
    received: list = field(default_factory=list)  # (path, query dict, json body)
    headers: list = field(default_factory=list)   # the request headers, in the same order
    answers: list = field(default_factory=list)   # (status, json[, headers]) to give, in order

    def hook(self, name: str) -> str:
        return f"{self.url}/{name}?key=k-{name}"

    def bodies(self, name: str) -> list[dict]:
        return [body for path, _, body in self.received if path == f"/{name}"]


@contextlib.contextmanager
def http_server(host: str = "127.0.0.1", tls: ssl.SSLContext | None = None):
    """A real HTTP server on `host` (HTTPS with a `tls` server context) that records every
    request (any method) and answers {"errcode": 0} unless told otherwise."""
    state = Robot(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            state.received.append((parts.path, parse_qs(parts.query),
                                   json.loads(raw) if raw else None))
            state.headers.append(dict(self.headers))
            status, answer, *extra = state.answers.pop(0) if state.answers else \
                (200, {"errcode": 0})
            payload = json.dumps(answer).encode()
            self.send_response(status)
            for name, value in (extra[0] if extra else {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_PUT = do_POST

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    state.url = f"{'https' if tls else 'http'}://{host}:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def robot(app):
    """A real HTTP server receiving webhook JSON; answers {"errcode": 0} unless told. It
    listens on loopback, which the app refuses unless allowed: this fixture allows
    127.0.0.1/32 (REPAIRAPP_WEBHOOK_ALLOW_NETWORKS) while it runs."""
    with http_server() as state:
        app.config["WEBHOOK_ALLOW_NETWORKS"] = "127.0.0.1/32"
        yield state
        app.config["WEBHOOK_ALLOW_NETWORKS"] = ""

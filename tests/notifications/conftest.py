"""Real local servers for the notification tests: an SMTP server (aiosmtpd) and an HTTP
server standing in for the WeCom / DingTalk / Feishu robots. Nothing in the sending code
is mocked; messages cross real sockets."""

import contextlib
import json
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


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

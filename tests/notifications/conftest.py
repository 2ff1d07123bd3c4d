"""Real local servers for the notification tests: an SMTP server (aiosmtpd) and an HTTP
server standing in for the WeCom / DingTalk / Feishu robots. Nothing in the sending code
is mocked; messages cross real sockets."""

import json
import socket
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
    answers: list = field(default_factory=list)   # (status, json) to give, in order

    def hook(self, name: str) -> str:
        return f"{self.url}/{name}?key=k-{name}"

    def bodies(self, name: str) -> list[dict]:
        return [body for path, _, body in self.received if path == f"/{name}"]


@pytest.fixture
def robot(app):
    """A real HTTP server receiving webhook JSON; answers {"errcode": 0} unless told. It
    listens on loopback, which the app refuses unless allowed: this fixture allows
    127.0.0.1/32 (REPAIRAPP_WEBHOOK_ALLOW_NETWORKS) while it runs."""
    state = Robot(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            parts = urlsplit(self.path)
            length = int(self.headers["Content-Length"])
            state.received.append((parts.path, parse_qs(parts.query),
                                   json.loads(self.rfile.read(length))))
            status, answer = state.answers.pop(0) if state.answers else (200, {"errcode": 0})
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["WEBHOOK_ALLOW_NETWORKS"] = "127.0.0.1/32"
    yield state
    app.config["WEBHOOK_ALLOW_NETWORKS"] = ""
    server.shutdown()
    server.server_close()

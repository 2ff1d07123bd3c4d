"""The app under gunicorn with deploy/gunicorn.conf.py, as production runs it: every line it
writes is JSON, each request is one line with its URL rule, and no line carries the
requester's name or phone, a tracking token or a label code."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import sqlalchemy as sa
from security.production import HOST, SECRET

import factories as f
from repairapp import config
from repairapp.extensions import db
from repairapp.tickets.models import Ticket

NAME, PHONE = "钱文静", "186 2233 4455"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Nginx:
    """Requests as nginx passes them on: the public Host, HTTPS in X-Forwarded-Proto, the
    phone's address appended to X-Forwarded-For; cookies kept by hand (they are Secure)."""

    def __init__(self, base_url: str):
        self.base_url, self.cookies = base_url, {}
        self.opener = urllib.request.build_opener(_NoRedirect())

    def open(self, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Accept-Language": "zh",
                   "X-Forwarded-For": "203.0.113.7", "Origin": f"https://{HOST}",
                   "Referer": f"https://{HOST}{path}",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        req = urllib.request.Request(self.base_url + path, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(req, timeout=30) as answer:
                status, head, text = answer.status, answer.headers, answer.read().decode()
        except urllib.error.HTTPError as error:
            status, head, text = error.code, error.headers, error.read().decode()
        for cookie in head.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return status, dict(head), text


@pytest.fixture
def served(app):
    """gunicorn -c deploy/gunicorn.conf.py wsgi:app on the suite's database, in production,
    two workers on a free port; yields (base URL, a function returning what it wrote)."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "REPAIRAPP_ENV": "production", "REPAIRAPP_SECRET_KEY": SECRET,
           "REPAIRAPP_PUBLIC_URL": f"https://{HOST}", "REPAIRAPP_PROXY_HOPS": "1",
           "REPAIRAPP_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2",
           "REPAIRAPP_RATE_LIMIT_FILING": "", "REPAIRAPP_LOG_FORMAT": ""}
    process = subprocess.Popen(  # noqa: S603 -- our own interpreter and config
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
        cwd=config.ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):  # until it answers (gunicorn binds before the workers boot)
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1).close()  # noqa: S310
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(process.stdout.read())
            time.sleep(0.1)

    def stop() -> str:
        process.terminate()
        return process.communicate(timeout=60)[0]

    try:
        yield base, stop
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_production_gunicorn_logs_json_lines_without_personal_data(served):
    """A phone scans, files with name and phone, follows its tracking link; a balancer asks
    /healthz and /readyz by address; the static file loads by its hashed name. Then every
    line gunicorn and the app wrote is JSON, one per request with the rule, one for the
    ticket created, and none holds the name, phone, token or code."""
    base, stop = served
    code = f.asset().active_label.code
    db.session.commit()
    phone = Nginx(base)
    status, _, page = phone.open(f"/r/{code}")
    assert status == 200
    form = {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1],
            "key": re.search(r'name="key" type="hidden" value="([^"]+)"', page)[1],
            "category": "error", "impact": "stopped", "description": "主轴报警",
            "name": NAME, "phone": PHONE, "email": ""}
    status, headers, _ = phone.open(f"/r/{code}", form)
    assert status == 302, headers
    token = db.session.scalar(sa.select(Ticket.tracking_token))
    assert phone.open(f"/t/{token}")[0] == 200
    stylesheet = re.search(r'href="(/static/app\.[0-9a-f]{12}\.css)"', page)[1]
    assert phone.open(stylesheet)[1]["Cache-Control"] == "public, max-age=31536000, immutable"
    for path in ("/healthz", "/readyz"):
        with urllib.request.urlopen(base + path) as answer:  # noqa: S310 -- Host 127.0.0.1
            assert answer.status == 200

    written = stop()
    lines = [json.loads(line) for line in written.splitlines() if line.strip()]
    requests = [(line["method"], line["route"], line["status"]) for line in lines
                if line.get("event") == "request"]
    assert ("GET", "/r/<code>", 200) in requests and ("POST", "/r/<code>", 302) in requests
    assert ("GET", "/t/<token>", 200) in requests and ("GET", "/readyz", 200) in requests
    assert ("GET", "/static/<path:filename>", 200) in requests
    assert len({line["worker"] for line in lines if line.get("event") == "request"}) >= 1
    [created] = [line for line in lines if line.get("event") == "ticket"]
    assert (created["kind"], created["to"]) == ("created", "new")
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"]
               for line in lines)
    for secret in (NAME, PHONE, re.sub(r"\D", "", PHONE), token, code, code.upper()):
        assert secret not in written, secret

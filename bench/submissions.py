"""Benchmark and proof: 200 repair requests from 8 concurrent phones against 4 gunicorn
workers make exactly 200 tickets and not one error, on SQLite and on PostgreSQL.

Each client is a real HTTP client with its own cookies, doing what a phone does: GET the
scan page, read the CSRF token and the form's idempotency key, POST the form. Workers are
gunicorn's default (sync), as the README's production line runs them (`gunicorn -w 4`).
Prints the throughput and its ratio to a bare hello-world on identical gunicorn settings.

    make bench                      # SQLite in a temporary file, then PostgreSQL
    BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/submissions.py

tests/reliability/test_concurrent_submissions.py runs a smaller version in the suite.
"""

import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUBMISSIONS, CLIENTS, WORKERS = 200, 8, 4


@contextlib.contextmanager
def gunicorn(database_url: str, workers: int, app: str = "wsgi:app"):
    """`app` served by gunicorn (sync workers) on a free loopback port; yields its base URL.

    The listening socket is opened here and handed to gunicorn (fd://), so requests queue
    in its backlog from the first instant: no polling for the server to come up.
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    env = {**os.environ, "DATABASE_URL": database_url, "REPAIRAPP_SECRET_KEY": "bench-" + "x" * 40,
           "REPAIRAPP_RATE_LIMIT_FILING": "", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"fd://{sock.fileno()}",
         "--log-level", "warning", app],
        cwd=ROOT, env=env, pass_fds=[sock.fileno()])
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        sock.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Phone:
    """One requester's phone: its own cookies, a real HTTP connection per request."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def _open(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body,  # noqa: S310 (http only)
                                         headers={"Accept-Language": "en"})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            return error.code, error.read().decode(errors="replace")

    def file_request(self, path: str, n: int) -> int:
        """Open the scan page, fill in the form, send it; the status of the POST."""
        status, html = self._open(path)
        if status != 200:
            return status
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        key = re.search(r'name="key" type="hidden" value="([^"]+)"', html).group(1)
        status, _html = self._open(path, {
            "csrf_token": token, "key": key, "category": "error", "impact": "partial",
            "description": f"Request {n}: alarm E42", "name": f"Requester {n}",
            "phone": "139 0000 0001"})
        return status


def submit_concurrently(base_url: str, paths: list[str], submissions: int,
                        clients: int) -> Counter:
    """`submissions` requests spread over `clients` phones sending at once; statuses
    counted."""
    phones = [Phone(base_url) for _ in range(clients)]

    def client(i: int) -> list[int]:
        return [phones[i].file_request(paths[n % len(paths)], n)
                for n in range(i, submissions, clients)]

    with ThreadPoolExecutor(clients) as pool:
        return Counter(s for statuses in pool.map(client, range(clients)) for s in statuses)


def _hello_rate(requests: int) -> float:
    with gunicorn("sqlite://", WORKERS, "bench.hello:app") as base_url:
        phones = [Phone(base_url) for _ in range(CLIENTS)]
        start = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(lambda n: phones[n % CLIENTS]._open("/"), range(requests)))
        return requests / (time.perf_counter() - start)


def _database_url() -> str:
    base = os.environ.get("BENCH_DATABASE_URL")
    if not base:
        return f"sqlite:///{tempfile.mkdtemp()}/submissions.sqlite3"
    root = base.rsplit("/", 1)[0]
    engine = sa.create_engine(f"{root}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("DROP DATABASE IF EXISTS repairapp_bench_submissions"))
        conn.execute(sa.text("CREATE DATABASE repairapp_bench_submissions"))
    engine.dispose()
    return f"{root}/repairapp_bench_submissions"


def _prepare(url: str) -> list[str]:
    """Migrate a fresh database and load the demo; the scan paths of its labels."""
    from flask_migrate import upgrade

    from repairapp import create_app
    from repairapp.assets.models import Label
    from repairapp.demo import load_demo
    from repairapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        codes = db.session.scalars(sa.select(Label.code).where(Label.revoked_at.is_(None)))
        paths = [f"/r/{code}" for code in codes]
        db.engine.dispose()
    return paths


def _tickets(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(sa.text("SELECT count(*) FROM tickets")).scalar_one()
    engine.dispose()
    return count


def main() -> None:
    url = _database_url()
    paths = _prepare(url)
    before = _tickets(url)
    with gunicorn(url, WORKERS) as base_url:
        start = time.perf_counter()
        statuses = submit_concurrently(base_url, paths, SUBMISSIONS, CLIENTS)
        elapsed = time.perf_counter() - start
    made = _tickets(url) - before
    rate = SUBMISSIONS / elapsed
    hello_rate = _hello_rate(SUBMISSIONS * 2) / 2  # a submission is two requests
    print(f"submissions backend={url.split(':')[0]} workers={WORKERS} (sync) "
          f"clients={CLIENTS} submissions={SUBMISSIONS}")
    print(f"  statuses           {dict(statuses)}")
    print(f"  new tickets        {made}")
    print(f"  throughput         {rate:7.1f} submissions/s (GET + POST each)")
    print(f"  hello-world        {hello_rate:7.1f} GET pairs/s")
    print(f"  ratio app/hello    {rate / hello_rate:7.3f}")
    assert made == SUBMISSIONS, f"{made} tickets for {SUBMISSIONS} submissions"
    assert set(statuses) == {302}, f"statuses {dict(statuses)}"


if __name__ == "__main__":
    main()

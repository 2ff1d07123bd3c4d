"""Fixtures shared by every test: one database per run (SQLite or PostgreSQL), an app,
clients, and clean tables between tests.

Set REPAIRAPP_TEST_DATABASE_URL to run on PostgreSQL (`make test` does it for the second pass).
"""

import contextlib
import contextvars
import os
import re
import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade
from forms import form_for
from mailserver import smtp  # noqa: F401  (the fixture, for every test package)
from werkzeug.serving import make_server

import factories as f
from repairapp import create_app
from repairapp.accounts.models import Role
from repairapp.extensions import db

OUTPUT = Path(__file__).resolve().parent.parent / "test-output"


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("REPAIRAPP_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def _reset_schema(url: str) -> None:
    """Start the run from an empty database so the schema comes from migrations alone."""
    if not url.startswith("postgresql"):
        return
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def pytest_report_header(config):
    url = os.environ.get("REPAIRAPP_TEST_DATABASE_URL")
    return f"database: {'PostgreSQL ' + url if url else 'SQLite (temporary file)'}"


class IsolatedClient(FlaskClient):
    """Runs each request outside the test's app context, as a real server would.

    Otherwise Flask reuses the test's app context: `g`, the chosen locale, the logged-in
    user and the database session would leak from one request into the next.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = _database_url(tmp_path_factory)
    _reset_schema(url)
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": None,
        # Tests log in and file far faster than people; the rate-limit tests switch them on.
        "RATE_LIMIT_FILING": "", "RATE_LIMIT_LOGIN": "", "RATE_LIMIT_LOGIN_ACCOUNT": "",
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(autouse=True)
def _clean_tables(app):
    """Each test starts with empty tables and an app context."""
    with app.app_context():
        yield
        empty_tables()
        db.session.remove()


def empty_tables() -> None:
    """Delete every row of every table, committed."""
    db.session.rollback()
    _skip_foreign_key_checks()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def _skip_foreign_key_checks() -> None:
    """Every table is emptied, so PostgreSQL's row-by-row foreign-key checks are wasted, and
    can be ruinous: a pooled connection keeps the plan of a check made while `tickets` was
    small (a sequential scan), and emptying a 100,000-ticket table then scans it 100,000
    times (a CI run stalled for 20 minutes on one DELETE). For this transaction only; the
    suite's user is the cluster's superuser (.ci/postgres)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))


class Snapshots:
    """Whole-database copies taken once per run and put back in a test's empty tables:
    `flask demo load` costs seconds, putting its rows back a few milliseconds.

    SQLite: the file's pages, copied with SQLite's backup API (an exact copy). PostgreSQL:
    every table's rows in COPY's text format (exact too), the sequences moved past them.
    Rows only, never the schema: that stays what the migrations made.
    """

    def __init__(self):
        self.saved: dict = {}

    def restore_or_make(self, key, make) -> None:
        """Put back the copy saved under `key`, or run `make()` on the empty database, commit
        and save a copy under `key`."""
        db.session.commit()
        assert not any(db.session.scalar(sa.select(sa.literal(1)).select_from(table).limit(1))
                       for table in db.metadata.sorted_tables), "not an empty database"
        if key not in self.saved:
            make()
            db.session.commit()
            self.saved[key] = self._take()
        else:
            self._put_back(self.saved[key])
        db.session.expire_all()

    def _take(self):
        raw = db.engine.raw_connection()
        try:
            if db.engine.dialect.name == "sqlite":
                copy = sqlite3.connect(":memory:", check_same_thread=False)
                raw.driver_connection.backup(copy)
                return copy
            rows, sequences = {}, []
            with raw.driver_connection.cursor() as cursor:
                for table in db.metadata.sorted_tables:
                    with cursor.copy(f'COPY "{table.name}" TO STDOUT') as copy:
                        rows[table.name] = b"".join(bytes(block) for block in copy)
                cursor.execute(
                    "SELECT table_name, column_name, pg_get_serial_sequence("
                    "quote_ident(table_name), column_name) FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND pg_get_serial_sequence("
                    "quote_ident(table_name), column_name) IS NOT NULL")
                sequences = [row for row in cursor.fetchall() if rows.get(row[0])]
            raw.commit()
            return rows, sequences
        finally:
            raw.close()

    def _put_back(self, saved) -> None:
        raw = db.engine.raw_connection()
        try:
            if db.engine.dialect.name == "sqlite":
                saved.backup(raw.driver_connection)
                return
            rows, sequences = saved
            with raw.driver_connection.cursor() as cursor:
                # Rows go in table by table; the copy was consistent, so skip the checks.
                cursor.execute("SET LOCAL session_replication_role = replica")
                for name, data in rows.items():
                    if data:
                        with cursor.copy(f'COPY "{name}" FROM STDIN') as copy:
                            copy.write(data)
                # New rows get ids after the copied ones (and after any used before).
                for table, column, sequence in sequences:
                    cursor.execute(f'SELECT setval(%s, GREATEST(nextval(%s), MAX("{column}"))) '
                                   f'FROM "{table}"', (sequence, sequence))
            raw.commit()
        finally:
            raw.close()


@pytest.fixture(scope="session")
def _snapshots():
    return Snapshots()


@pytest.fixture
def demo(_snapshots):
    """`demo(now)` fills the test's empty database with `load_demo(now=now, seed=seed)`,
    committed: loaded for real the first time in a run, put back from a copy of that load
    after. The demo's story is the same for the same now and seed; only its random tokens
    and label codes would differ between real loads, and tests must not care which they get.
    With `now=None` it is the demo as loaded at its first use in this run (what `make run`
    shows someone who looks a few minutes later)."""

    def load(now=None, seed=None):
        from repairapp.demo import DEMO_SEED, load_demo

        seed = DEMO_SEED if seed is None else seed
        _snapshots.restore_or_make(("demo", now, seed), lambda: load_demo(now=now, seed=seed))

    return load


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Auth:
    """Log staff in and out through the real log-in form."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = "secret-pass-1"):
        page = self.client.get("/accounts/login").get_data(as_text=True)
        return self.client.post("/accounts/login", data={
            "email": email, "password": password, "csrf_token": token_from(page)})

    def logout(self):
        page = self.client.get("/accounts/password").get_data(as_text=True)
        return self.client.post("/accounts/logout", data={"csrf_token": token_from(page)})

    def post(self, url: str, data: dict, page_url: str | None = None, **kwargs):
        """POST a form the way its page would: with the CSRF token from that page, and the
        form's other fields as the page shows them (boxes and radios only when given: a
        browser leaves them out unticked, as the tests mean by leaving them out)."""
        page = self.client.get(page_url or url).get_data(as_text=True)
        form = form_for(page, url, page_url or url)
        shown = {name: value for name, value in form.data().items()
                 if form.kind_of(name) not in ("checkbox", "radio")} if form else {}
        return self.client.post(url, data={**shown, "csrf_token": token_from(page), **data},
                                **kwargs)


def token_from(html: str) -> str:
    """The CSRF token embedded in a rendered form."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def admin(auth, client):
    """An admin logged in, pages in English."""
    auth.login(f.user(Role.ADMIN).email)
    client.set_cookie("lang", "en")
    return auth


@contextlib.contextmanager
def counting_queries():
    """Collect the SQL statements run inside the block (to show a page's cost is flat)."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


@pytest.fixture(scope="session")
def live_server(app):
    """The app served over real HTTP on a free loopback port, for the browser tests."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT

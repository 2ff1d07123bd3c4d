"""The database goes away for a few seconds while a request is being filed: the requester
gets a 503 page in their language with everything they typed, sending it again files the
request exactly once, and nothing half-written is left behind.

PostgreSQL is really stopped (a private cluster on a port of its own, never the suite's) at the
moment the ticket is inserted, and started again; SQLite is made unreachable the way a
busy file is, by another process holding its exclusive lock. Both run in both passes.
"""

import contextlib
import io
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

import factories as f
from conftest import Auth, IsolatedClient, token_from
from intake.conftest import Requester, jpeg_bytes
from repairapp import create_app
from repairapp.accounts.models import Role
from repairapp.extensions import db
from repairapp.intake.models import HeldPhoto
from repairapp.tickets.models import Ticket, TicketEvent, TicketPhoto, WorkLog

ROOT = Path(__file__).resolve().parents[2]


def _as_postgres(*command: str) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True)  # noqa: S603


def _pg_ctl() -> str:
    return str(sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresBlip:
    """A private cluster (.ci/postgres on a port and folder of this test run's own, never the
    suite's shared one, nor another run's) stopped and started."""

    def __init__(self):
        self.port, self.folder = str(_free_port()), tempfile.mkdtemp(prefix="repairapp-blip-pg-")
        env = {**os.environ, "REPAIRAPP_TEST_PG_PORT": self.port,
               "REPAIRAPP_TEST_PG_DIR": self.folder, "REPAIRAPP_TEST_PG_DB": "repairapp_blip"}
        self.url = subprocess.run([ROOT / ".ci" / "postgres"], env=env, check=True,  # noqa: S603
                                  capture_output=True, text=True).stdout.strip()
        self.engine_options = {"pool_pre_ping": True}

    def go_away(self):
        _as_postgres(_pg_ctl(), "-D", self.folder, "stop", "-m", "fast", "-w")

    def come_back(self):
        _as_postgres(_pg_ctl(), "-D", self.folder, "start", "-w", "-l",
                     f"{self.folder}/server.log", "-o",
                     f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off")

    def close(self):
        self.go_away()
        shutil.rmtree(self.folder)


class SQLiteBlip:
    """Another process takes the file's exclusive lock; the app waits 0.2 s, then fails."""

    def __init__(self, folder: Path):
        self.path = folder / "blip.sqlite3"
        self.url = f"sqlite:///{self.path}"
        self.engine_options = {"pool_pre_ping": True, "connect_args": {"timeout": 0.2}}
        self.holder = None

    def go_away(self):
        self.holder = sqlite3.connect(self.path, isolation_level=None)
        self.holder.execute("BEGIN EXCLUSIVE")

    def come_back(self):
        self.holder.execute("ROLLBACK")
        self.holder.close()



def _migrated_app(database):
    """An app of its own on the database that will go away, migrated once per module."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database.url,
                      "SQLALCHEMY_ENGINE_OPTIONS": database.engine_options,
                      "SECRET_KEY": "test-secret", "SERVER_NAME": None, "RATE_LIMIT_FILING": ""})
    app.test_client_class = IsolatedClient
    with app.app_context():
        if database.url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        db.session.remove()
    return app


@pytest.fixture(scope="module")
def postgresql_blip():
    cluster = PostgresBlip()
    cluster.app = _migrated_app(cluster)
    yield cluster
    with cluster.app.app_context():
        db.engine.dispose()
    cluster.close()


@pytest.fixture(scope="module")
def sqlite_blip(tmp_path_factory):
    database = SQLiteBlip(tmp_path_factory.mktemp("blip"))
    database.app = _migrated_app(database)
    yield database
    with database.app.app_context():
        db.engine.dispose()


@pytest.fixture
def blip(request):
    """The database that will go away: request.param names which."""
    return request.getfixturevalue(f"{request.param}_blip")


@pytest.fixture
def blip_app(blip):
    """Its app, in context; its tables emptied afterwards."""
    with blip.app.app_context():
        yield blip.app
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()


class _FormReader(HTMLParser):
    """What a browser would send from the page's last form (file fields left out)."""

    def __init__(self):
        super().__init__()
        self.fields, self._textarea = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.fields = []
        elif tag == "input" and a.get("type") not in ("file", "radio", "checkbox") or (
                tag == "input" and "checked" in a):
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, text = self._textarea  # a browser drops the newline after <textarea>
            self.fields.append((name, text.removeprefix("\r\n").removeprefix("\n")))
            self._textarea = None


def form_values(html: str) -> list[tuple[str, str]]:
    reader = _FormReader()
    reader.feed(html)
    return reader.fields


@contextlib.contextmanager
def during_ticket_insert(action):
    """Run `action` once inside the block, just as the ticket row is about to be written."""
    pending = [action]

    def hook(conn, cursor, statement, *args):
        if pending and statement.lstrip().upper().startswith("INSERT INTO TICKETS"):
            pending.pop()()

    sa.event.listen(db.engine, "before_cursor_execute", hook)
    try:
        yield
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", hook)


def _counts() -> tuple[int, int, int, int]:
    db.session.expire_all()
    return tuple(f.count(model) for model in (Ticket, TicketEvent, TicketPhoto, HeldPhoto))


@pytest.mark.parametrize("blip, lang, message", [
    ("sqlite", "en", "The service is briefly unavailable. What you sent has not been lost"),
    ("postgresql", "zh", "服务暂时不可用。您提交的内容没有丢失"),
], indirect=["blip"], ids=["sqlite", "postgresql"])
def test_database_gone_during_filing_keeps_the_form_and_files_once(blip, blip_app, lang,
                                                                   message):
    """Database gone while the ticket is written: 503 with what was typed and nothing saved;
    once it is back, "Send again" files one ticket, and a second tap files nothing more."""
    machine = f.asset()
    requester = Requester(blip_app.test_client(), f"/r/{machine.active_label.code}", lang)
    html = requester.open().get_data(as_text=True)
    key = requester.form_fields(html)["key"]
    db.session.close()  # the test's own connection goes back, as a finished request's would
    typed = {"category": "error", "impact": "partial", "name": "周师傅",
             "description": "主轴报警 E42，每次开机都出现", "phone": "139 0000 0002", "email": ""}
    try:
        with during_ticket_insert(blip.go_away):
            answer = requester.submit(html, photos=[jpeg_bytes()], **typed)
    finally:
        blip.come_back()
    page = answer.get_data(as_text=True)
    assert answer.status_code == 503
    assert message in page
    kept = dict(form_values(page))
    assert {name: kept.get(name) for name in [*typed, "key"]} == {**typed, "key": key}
    assert kept["csrf_token"]
    assert _counts() == (0, 0, 0, 0)

    retry = {**kept, "photos": [(io.BytesIO(jpeg_bytes()), "again.jpg")]}
    sent = requester.client.post(requester.url, data=retry, content_type="multipart/form-data")
    again = requester.client.post(requester.url, data=dict(kept))
    assert sent.status_code == again.status_code == 302
    assert sent.headers["Location"] == again.headers["Location"]
    assert _counts() == (1, 1, 1, 0)
    ticket = db.session.scalar(sa.select(Ticket))
    assert (ticket.description, ticket.requester_phone) == ("主轴报警 E42，每次开机都出现",
                                                            "139 0000 0002")


@pytest.mark.parametrize("blip", ["sqlite", "postgresql"], indirect=True)
def test_page_asked_for_while_database_is_gone_says_try_again(blip, blip_app):
    """A GET while the database is away: 503, "try again in a moment", in the visitor's
    language."""
    url = f"/r/{f.asset().active_label.code}"
    client = blip_app.test_client()
    client.set_cookie("lang", "en")
    db.session.close()
    blip.go_away()
    try:
        answer = client.get(url)
    finally:
        blip.come_back()
    assert answer.status_code == 503
    assert "try again in a moment" in answer.get_data(as_text=True)


def _logged_in(app, user, page: str):
    """A client logged in as `user`; the CSRF token of `page` as it rendered."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    Auth(client).login(user.email)
    return client, token_from(client.get(page).get_data(as_text=True))


def _send_while_away(blip, client, url: str, data: dict):
    db.session.close()
    blip.go_away()
    try:
        return client.post(url, data=data)
    finally:
        blip.come_back()


@pytest.mark.parametrize("blip", ["sqlite", "postgresql"], indirect=True)
def test_staff_form_sent_while_database_is_gone_comes_back_filled_in(blip, blip_app):
    """A work log sent while the database is away: 503 with the form as typed (work type,
    minutes, notes, parts); sent again, it is logged once."""
    tech = f.user(Role.TECHNICIAN)
    ticket_id = f.ticket(assignee=tech).id
    client, token = _logged_in(blip_app, tech, f"/tickets/{ticket_id}")
    typed = {"work_type": "on_site", "minutes": "45", "notes": "Replaced the fan",
             "parts-0-item": "Fan 80 mm", "parts-0-quantity": "2"}

    answer = _send_while_away(blip, client, f"/tickets/{ticket_id}/work",
                              {"csrf_token": token, **typed, "parts-1-item": "",
                               "parts-1-quantity": "1"})

    assert answer.status_code == 503
    kept = dict(form_values(answer.get_data(as_text=True)))
    assert {name: kept.get(name) for name in typed} == typed
    assert kept["csrf_token"] == token
    assert client.post(f"/tickets/{ticket_id}/work", data=kept).status_code == 302
    assert f.count(WorkLog) == 1


@pytest.mark.parametrize("blip", ["sqlite", "postgresql"], indirect=True)
def test_staff_form_that_needs_the_database_to_draw_comes_back_as_send_again(blip, blip_app):
    """Handing a job back (its technician list comes from the database) while the database is
    away: 503 with the choice and reason carried; sent again, the job is back in the queue."""
    tech = f.user(Role.TECHNICIAN)
    ticket_id = f.ticket(assignee=tech).id
    client, token = _logged_in(blip_app, tech, f"/tickets/{ticket_id}")

    answer = _send_while_away(blip, client, f"/tickets/{ticket_id}/assign", {
        "csrf_token": token, "technician": "", "reason": "Needs a hydraulics specialist"})

    assert answer.status_code == 503
    kept = form_values(answer.get_data(as_text=True))
    assert ("reason", "Needs a hydraulics specialist") in kept and ("technician", "") in kept
    assert client.post(f"/tickets/{ticket_id}/assign", data=dict(kept)).status_code == 302
    assert db.session.get(Ticket, ticket_id).assignee_id is None


def test_a_mistake_in_sql_is_not_passed_off_as_an_outage(app):
    """SQLite reports a missing table as OperationalError too: that is a 500 (our bug, in the
    log), not "briefly unavailable, send again"."""
    buggy = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "PROPAGATE_EXCEPTIONS": False, "SERVER_NAME": None})
    buggy.add_url_rule("/buggy", "buggy", lambda: str(db.session.scalar(
        sa.text("SELECT count(*) FROM no_such_table"))))
    with buggy.app_context():
        answer = buggy.test_client().get("/buggy")
    assert answer.status_code == 500

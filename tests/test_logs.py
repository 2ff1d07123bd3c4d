"""Logs: one JSON line per request and per ticket event, and no personal data or secret in
any line, even at DEBUG (repairapp/logs.py)."""

import json
import logging
import os
import re
import threading
import urllib.request

import pytest
from werkzeug.serving import make_server

import factories as f
from conftest import Auth, IsolatedClient, token_from
from intake.conftest import Requester
from repairapp import create_app, logs
from repairapp.accounts.models import User
from repairapp.customers.models import Customer, Site
from repairapp.demo import DEMO_PASSWORD, load_demo
from repairapp.extensions import db
from repairapp.labels.models import Label
from repairapp.tickets.models import Status, Ticket

#: What the requester in the run types (the demo's own requesters are in the database).
NAME, PHONE, EMAIL = "赵晓雯", "138 1234 5678", "zhao.xiaowen@example.com"


@pytest.fixture
def json_app(app):
    """The suite's database, logging as production does (JSON lines on stderr)."""
    json_app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "LOG_FORMAT": "json",
                           "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                           "RATE_LIMIT_FILING": "", "RATE_LIMIT_LOGIN": "",
                           "RATE_LIMIT_LOGIN_ACCOUNT": ""})
    json_app.test_client_class = IsolatedClient
    return json_app


def _lines(text: str) -> list[dict]:
    """The JSON lines our handler wrote (other handlers' lines, e.g. alembic's, skipped)."""
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_a_request_line_names_the_rule_not_the_token(json_app, capsys):
    """GET /t/<token>: method, the rule, status, duration and worker; the token is nowhere."""
    ticket = f.ticket()
    capsys.readouterr()
    json_app.test_client().get(f"/t/{ticket.tracking_token}").get_data()
    err = capsys.readouterr().err
    [line] = [line for line in _lines(err) if line.get("event") == "request"]
    assert {k: line[k] for k in ("method", "route", "status", "worker", "logger")} == {
        "method": "GET", "route": "/t/<token>", "status": 200, "worker": os.getpid(),
        "logger": "repairapp.requests"}
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert ticket.tracking_token not in err


def test_an_unknown_path_is_logged_without_it(json_app, capsys):
    """A path no rule matches (a mistyped token, a scanner's probe) is logged as "-"."""
    capsys.readouterr()
    json_app.test_client().get("/t/some-token/extra/13812345678").get_data()
    [line] = [line for line in _lines(capsys.readouterr().err) if line.get("event") == "request"]
    assert (line["route"], line["status"]) == ("-", 404)


def test_each_ticket_event_is_one_line_once_committed(json_app, capsys):
    """Filing logs "created" with its status; a status move logs from and to; nothing of a
    rolled-back change is logged."""
    asset = f.asset()
    capsys.readouterr()
    Requester(json_app.test_client(), f"/r/{asset.active_label.code}").submit(
        name=NAME, phone=PHONE, email=EMAIL)
    ticket = db.session.query(Ticket).one()
    tech = f.user()
    from repairapp.tickets.workflow import Actor, change_status
    change_status(ticket, Status.ACKNOWLEDGED, Actor.ASSIGNEE, user=tech)
    db.session.commit()
    change_status(ticket, Status.ON_THE_WAY, Actor.ASSIGNEE, user=tech)
    db.session.flush()
    db.session.rollback()
    events = [line for line in _lines(capsys.readouterr().err) if line.get("event") == "ticket"]
    assert [{k: v for k, v in e.items() if k in ("ticket", "kind", "from", "to")}
            for e in events] == [
        {"ticket": ticket.id, "kind": "created", "to": "new"},
        {"ticket": ticket.id, "kind": "status", "from": "new", "to": "acknowledged"}]


def test_event_lines_leave_out_names_and_numbers(json_app):
    """An assignment's technician name and a merge's requester name are not logged."""
    from repairapp.tickets.models import EventKind, TicketEvent

    for kind, before, after in ((EventKind.ASSIGNED, "", "王工 Wang"),
                                (EventKind.MERGED_IN, "R000012", NAME)):
        fields = logs.event_fields(TicketEvent(ticket_id=7, kind=kind, from_value=before,
                                               to_value=after))
        assert fields == {"event": "ticket", "ticket": 7, "kind": kind.value}


def _forbidden() -> set[str]:
    """Every person's name, phone and email, every tracking token and label code in the
    database (phones also as bare digits)."""
    values = {NAME, PHONE, EMAIL}
    for t in db.session.query(Ticket):
        values |= {t.requester_name, t.requester_phone, t.requester_email, t.tracking_token}
    values |= {label.code for label in db.session.query(Label)}
    for user in db.session.query(User):
        values |= {user.name, user.email}
    for site in db.session.query(Site):
        values |= {site.contact_name, site.contact_phone}
    values |= {c.name for c in db.session.query(Customer)}
    values |= {re.sub(r"\D", "", v) for v in set(values) if re.fullmatch(r"[\d +()-]{7,}", v)}
    return {v for v in values if v and len(v) >= 4}


def test_a_whole_run_logs_no_personal_data_or_secret(json_app, runner, capsys, caplog):
    """The demo, then a morning's work at DEBUG: a requester scans a label, files with name,
    phone and email, opens the tracking link; the dispatcher searches by phone and assigns;
    the technician goes and resolves; the requester confirms; the sweeps run. No line, ours
    or any library's, carries a demo or new requester's name, phone, email, tracking token,
    label code, staff name or email."""
    caplog.set_level(logging.DEBUG)
    load_demo()
    db.session.commit()
    code = db.session.query(Label).first().code
    phone = Requester(json_app.test_client(), f"/r/{code}")
    filed = phone.submit(name=NAME, phone=PHONE, email=EMAIL)
    token = filed.headers["Location"].split("/t/")[1].split("/")[0]
    tracking = phone.client.get(f"/t/{token}").get_data(as_text=True)
    ticket = db.session.query(Ticket).filter_by(tracking_token=token).one()
    for demo in db.session.query(Ticket).limit(5):
        phone.client.get(f"/t/{demo.tracking_token}").get_data()

    desk = Auth(json_app.test_client())
    assert desk.login("dispatch@example.com", DEMO_PASSWORD).status_code == 302
    desk.client.get("/dispatch/", query_string={"q": PHONE}).get_data()
    tech = db.session.query(User).filter_by(email="tech1@example.com").one()
    url = f"/tickets/{ticket.id}"
    assigned = desk.post(f"{url}/assign", {"technician": str(tech.id), "reason": ""},
                         page_url=url)
    assert assigned.status_code == 302 and assigned.get_data() is not None

    engineer = Auth(json_app.test_client())
    engineer.login(tech.email, DEMO_PASSWORD)
    for to in ("acknowledged", "on_the_way", "on_site"):
        engineer.post(f"{url}/status", {"to": to}, page_url=url).get_data()
    resolved = engineer.post(f"{url}/resolve", {"work_type": "on_site", "minutes": "30",
                                                "notes": f"Called {NAME} on {PHONE}"},
                             page_url=url)
    assert resolved.status_code == 302 and resolved.get_data() is not None
    phone.client.post(f"/t/{token}/confirm", data={
        "rating": "5", "comment": "好", "csrf_token": token_from(tracking)}).get_data()
    for command in (["sla", "sweep"], ["tickets", "autoclose"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output

    written = capsys.readouterr().err
    raw = "\n".join(f"{r.getMessage()}\n{r.exc_text or ''}" for r in caplog.records)
    assert db.session.get(Ticket, ticket.id).status is Status.CLOSED
    routes = {line.get("route") for line in _lines(written)}
    assert {"/r/<code>", "/t/<token>", "/t/<token>/confirm", "/tickets/<int:ticket_id>/resolve",
            "/dispatch/"} <= routes
    leaked = sorted(v for v in _forbidden() if v in written or v in raw)
    assert not leaked, f"in the logs: {leaked}"


def test_the_development_servers_own_request_lines_are_dropped(json_app, caplog):
    """werkzeug's "GET /t/<the token> HTTP/1.1" 200 line never reaches a handler; ours does."""
    ticket = f.ticket()
    db.session.commit()
    caplog.set_level(logging.INFO)
    server = make_server("127.0.0.1", 0, json_app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(  # noqa: S310 -- our own loopback server
                f"http://127.0.0.1:{server.server_port}/t/{ticket.tracking_token}") as answer:
            assert answer.status == 200
    finally:
        server.shutdown()
    assert ticket.tracking_token not in caplog.text
    assert any(r.name == "repairapp.requests" for r in caplog.records)


def test_scrub_hides_what_other_code_might_let_through():
    """Secret-bearing paths, email addresses, mobile and landline numbers; ids and dates stay."""
    assert logs.scrub("Exception on /t/Ab-_9x [GET]; /R/ABC123/check-in/5; "
                      "/service-report/tok/report.pdf") == (
        "Exception on /t/<hidden> [GET]; /R/<hidden>/check-in/5; "
        "/service-report/<hidden>/report.pdf")
    assert logs.scrub("550 <li.ming@example.com.cn>: rejected") == "550 <<email>>: rejected"
    assert logs.scrub("call 139 1234 5678, +86 13912345678 or 021-6123 4567") == (
        "call <phone>, <phone> or <phone>")
    assert logs.scrub("ticket 123456 at 2026-12-02 10:00, delivery 42") == (
        "ticket 123456 at 2026-12-02 10:00, delivery 42")


def test_log_format_follows_the_environment():
    """json in production, text in development, REPAIRAPP_LOG_FORMAT wins, anything else stops
    the start."""
    assert logs.chosen_format("", "production") == "json"
    assert logs.chosen_format("", "development") == "text"
    assert logs.chosen_format("text", "production") == "text"
    with pytest.raises(RuntimeError, match="REPAIRAPP_LOG_FORMAT"):
        logs.chosen_format("xml", "production")


def test_sql_parameters_never_reach_a_log_or_an_error(caplog):
    """With SQLAlchemy at DEBUG, a failing statement's message shows no parameter."""
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    with pytest.raises(Exception) as error:  # noqa: PT011 -- the kind differs by database
        db.session.execute(db.text("SELECT * FROM no_such_table WHERE phone = :p"),
                           {"p": "13812345678"})
    db.session.rollback()
    assert "13812345678" not in str(error.value) and "13812345678" not in caplog.text

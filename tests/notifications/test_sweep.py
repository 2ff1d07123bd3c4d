"""`flask sla sweep`: warnings before deadlines, breaches after, each exactly once."""

import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sla.test_calendar import at
from sla.test_clock import SH, office_ticket

import factories as f
from repairapp.accounts.models import Role
from repairapp.contracts.models import ServicePlan, Severity
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    Transport,
)
from repairapp.sla.sweep import clocks, record_breach, sweep
from repairapp.tickets import work
from repairapp.tickets.models import Status, Ticket

K = NotificationKind
ROOT = Path(__file__).resolve().parents[2]


def _warranty_ticket(filed_minutes_ago: float, **kw) -> Ticket:
    """Critical fault under warranty: response due in 120 min, fix in 480 (24x7)."""
    if not db.session.scalar(sa.select(ServicePlan.id).limit(1)):
        f.standard_plans()
    machine = f.asset(accepted=date.today() - timedelta(days=30))
    return f.ticket(machine, now=utcnow() - timedelta(minutes=filed_minutes_ago), **kw)


def _kinds(ticket: Ticket) -> list[K]:
    return list(db.session.scalars(sa.select(Notification.kind).where(
        Notification.ticket_id == ticket.id, Notification.kind != K.NEW)
        .order_by(Notification.id)))


def _recipients(ticket: Ticket, kind: K) -> set[str]:
    return set(db.session.scalars(sa.select(Delivery.recipient).join(Notification).where(
        Notification.ticket_id == ticket.id, Notification.kind == kind)))


def test_the_assignee_is_warned_once_three_quarters_of_the_time_is_used(app, smtp):
    """At 75 % of the response window the assignee hears of it, once; earlier, nothing."""
    tech = f.user(Role.TECHNICIAN, email="li@example.com")
    early, late = _warranty_ticket(80, assignee=tech), _warranty_ticket(95, assignee=tech)
    assert sweep(utcnow(), 75) == {K.RESPONSE_SOON: 1}
    assert sweep(utcnow(), 75) == {}
    assert _kinds(early) == [] and _kinds(late) == [K.RESPONSE_SOON]
    assert _recipients(late, K.RESPONSE_SOON) == {"li@example.com"}


def test_a_breach_is_recorded_and_escalated_to_assignee_and_dispatchers(app, smtp):
    """Past due and not acknowledged: the flag is set for good and both sides hear of it."""
    tech = f.user(Role.TECHNICIAN, email="li@example.com")
    f.user(Role.DISPATCHER, email="desk@example.com")
    ticket = _warranty_ticket(130, assignee=tech, status=Status.NEW)
    version = ticket.version
    sweep(utcnow(), 75)
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.response_breached and not ticket.resolution_breached
    assert ticket.version == version  # staff editing the ticket meanwhile are not disturbed
    assert _recipients(ticket, K.RESPONSE_BREACHED) == {"li@example.com", "desk@example.com"}
    assert sweep(utcnow(), 75) == {}


def test_unassigned_warnings_go_to_the_dispatchers(app, smtp):
    """Nobody has the job yet: the dispatchers are warned instead."""
    f.user(Role.DISPATCHER, email="desk@example.com")
    ticket = _warranty_ticket(100)
    sweep(utcnow(), 75)
    assert _recipients(ticket, K.RESPONSE_SOON) == {"desk@example.com"}


def test_a_paused_ticket_is_not_chased(app):
    """Waiting for the customer stops the clock: no warning, no breach."""
    ticket = _warranty_ticket(300, status=Status.WAITING_CUSTOMER)
    ticket.paused_at = utcnow() - timedelta(minutes=250)
    db.session.commit()
    assert sweep(utcnow(), 75) == {}
    assert not db.session.get(Ticket, ticket.id).response_breached


def test_warnings_count_working_time_not_the_weekend(app):
    """Filed Friday 16:00 with 2 working hours to respond: quiet all weekend, warned Monday
    09:30 once 90 of the 120 working minutes are gone."""
    ticket, _plan = office_ticket(at(SH, 2026, 11, 27, 16, 0))
    assert sweep(at(SH, 2026, 11, 28, 12, 0), 75) == {}
    assert sweep(at(SH, 2026, 11, 30, 9, 29), 75) == {}
    assert sweep(at(SH, 2026, 11, 30, 9, 30), 75) == {K.RESPONSE_SOON: 1}
    assert sweep(at(SH, 2026, 11, 30, 10, 0), 75) == {K.RESPONSE_BREACHED: 1}
    assert _kinds(ticket) == [K.RESPONSE_SOON, K.RESPONSE_BREACHED]


def test_warning_threshold_is_configurable(app, runner):
    """REPAIRAPP_NOTIFY_SOON_PERCENT=50 warns at half time."""
    ticket = _warranty_ticket(65)
    app.config["NOTIFY_SOON_PERCENT"] = 50
    try:
        result = runner.invoke(args=["sla", "sweep"])
    finally:
        app.config["NOTIFY_SOON_PERCENT"] = 75
    assert "response_soon 1" in result.output
    assert _kinds(ticket) == [K.RESPONSE_SOON]


SWEEP = """
import sys, time
from repairapp import create_app
app = create_app()
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
print(app.test_cli_runner().invoke(args=["sla", "sweep"]).output)
"""


def _two_sweeps_at_once(app, robot, smtp) -> list[str]:
    """Two separate processes, each its own app and connections, start the sweep together."""
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               REPAIRAPP_SMTP_HOST="127.0.0.1", REPAIRAPP_SMTP_PORT=str(app.config["SMTP_PORT"]),
               REPAIRAPP_SMTP_SECURITY="none", REPAIRAPP_WEBHOOK_ALLOW_NETWORKS="127.0.0.1/32")
    start = f"{time.time() + 4:.3f}"  # both have imported the app by then
    procs = [subprocess.Popen([sys.executable, "-c", SWEEP, start], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    return [out for out, _err in outputs]


def test_two_concurrent_sweeps_announce_and_send_everything_exactly_once(app, robot, smtp):
    """Two servers sweep at the same moment: one warning per ticket and deadline, one
    breach flag, one message per recipient; the robot and the inbox see no duplicates."""
    db.session.add(Channel(name="desk", transport=Transport.WECOM, target=robot.hook("desk")))
    db.session.commit()
    tech = f.user(Role.TECHNICIAN, email="li@example.com")
    late = [_warranty_ticket(130, assignee=tech) for _ in range(15)]
    soon = [_warranty_ticket(100, assignee=tech) for _ in range(15)]
    outputs = _two_sweeps_at_once(app, robot, smtp)

    db.session.expire_all()
    counts = dict(db.session.execute(sa.select(Notification.kind, sa.func.count())
                                     .group_by(Notification.kind)).all())
    assert counts == {K.NEW: 30, K.RESPONSE_BREACHED: 15, K.RESPONSE_SOON: 15}, outputs
    assert all(db.session.get(Ticket, t.id).response_breached for t in late)
    assert not any(db.session.get(Ticket, t.id).response_breached for t in soon)
    chat = [b["text"]["content"].splitlines()[0] for b in robot.bodies("desk")]
    assert len(chat) == len(set(chat)) == 30 + 15 + 15
    mails = [m["Subject"] for m in smtp.to("li@example.com")]
    assert len(mails) == len(set(mails)) == 15 + 15
    assert set(db.session.scalars(sa.select(Delivery.status))) == {DeliveryStatus.SENT}



def test_a_deadline_moved_meanwhile_is_not_flagged_as_missed(app):
    """The sweep read an old due time; a re-grade committed since moved it: no breach."""
    ticket = _warranty_ticket(130)
    [response, _fix] = clocks(ticket)
    db.session.execute(sa.update(Ticket.__table__).where(Ticket.__table__.c.id == ticket.id)
                       .values(response_due_at=utcnow() + timedelta(hours=1)))
    db.session.commit()
    assert record_breach(ticket, response, utcnow()) is False
    db.session.expire_all()
    assert not db.session.get(Ticket, ticket.id).response_breached


def test_a_new_deadline_gets_its_own_warning(app):
    """Re-graded to a later deadline after the warning: warned again when that one nears."""
    dispatcher = f.user(Role.DISPATCHER)
    ticket = _warranty_ticket(100)
    assert sweep(utcnow(), 75) == {K.RESPONSE_SOON: 1}
    work.set_severity(ticket, Severity.MAJOR, dispatcher)  # response 240 min from filing
    db.session.commit()
    assert sweep(utcnow(), 75) == {}
    assert sweep(utcnow() + timedelta(minutes=100), 75) == {K.RESPONSE_SOON: 1}


def test_one_broken_ticket_does_not_stop_the_sweep(app, caplog):
    """A ticket whose check fails is logged and skipped; the next one is still warned."""
    broken, fine = _warranty_ticket(100), _warranty_ticket(100)
    broken.sla_calendar = {"hours": 5}
    db.session.commit()
    assert sweep(utcnow(), 75) == {K.RESPONSE_SOON: 1}
    assert _kinds(fine) == [K.RESPONSE_SOON] and f"ticket {broken.id} failed" in caplog.text

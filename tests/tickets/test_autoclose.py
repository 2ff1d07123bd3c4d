"""Resolved tickets the requester never confirms close themselves."""

import threading
from datetime import timedelta

import sqlalchemy as sa

import factories as f
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.tickets.cli import autoclose
from repairapp.tickets.models import EventKind, Status, Ticket, TicketEvent


def _resolved(days_ago: float) -> Ticket:
    ticket = f.ticket(status=Status.RESOLVED)
    ticket.resolved_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return ticket


def test_autoclose_closes_only_old_unconfirmed_tickets(runner):
    """After N days resolved tickets close (by the system); younger ones wait."""
    old, young = _resolved(8), _resolved(6)
    result = runner.invoke(args=["tickets", "autoclose", "--days", "7"])
    assert "closed 1 ticket(s)" in result.output
    db.session.expire_all()
    assert db.session.get(Ticket, old.id).status is Status.CLOSED
    assert db.session.get(Ticket, young.id).status is Status.RESOLVED
    closing = db.session.get(Ticket, old.id).events[-1]
    assert closing.to_value == "closed" and closing.actor_id is None and closing.is_public


def test_two_sweeps_at_once_close_each_ticket_once(app):
    """Two servers running the sweep at the same moment: one closing event per ticket."""
    tickets = [_resolved(10) for _ in range(5)]
    start = threading.Barrier(2)

    def sweep():
        with app.app_context():
            start.wait()
            autoclose(7)
            db.session.remove()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    closing = db.session.scalar(sa.select(sa.func.count()).select_from(TicketEvent).where(
        TicketEvent.kind == EventKind.STATUS, TicketEvent.to_value == "closed"))
    assert closing == len(tickets)

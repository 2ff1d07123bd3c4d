"""tickets.visit_count (migration 0025): the check-ins on a ticket, counted where they are
written, so the first-time-fix rate never reads the events. Kept by the ORM for every
CHECK_IN event added, set by the bulk history loader, filled by the migration."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

import factories as f
from repairapp.accounts.models import Role
from repairapp.demo.bulk import add_history
from repairapp.extensions import db
from repairapp.tickets import work
from repairapp.tickets.models import EventKind, Status, Ticket, TicketEvent


def _count(ticket) -> int:
    return db.session.scalar(sa.select(Ticket.visit_count).where(Ticket.id == ticket.id))


def _events(ticket) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == EventKind.CHECK_IN))


def test_each_check_in_counts_once():
    tech = f.user(Role.TECHNICIAN)
    ticket = f.ticket(assignee=tech, status=Status.ON_THE_WAY)
    db.session.commit()
    assert _count(ticket) == 0
    work.check_in(ticket, tech)
    db.session.commit()
    assert _count(ticket) == 1
    work.check_in(ticket, tech)
    db.session.commit()
    assert ticket.visit_count == _count(ticket) == _events(ticket) == 2


def test_events_added_directly_count_too_and_other_events_do_not():
    """Two check-ins in one flush, by relationship and by id, and information added: two visits."""
    tech = f.user(Role.TECHNICIAN)
    ticket, other = f.ticket(), f.ticket()
    db.session.commit()
    db.session.add(TicketEvent(ticket=ticket, kind=EventKind.CHECK_IN, actor_id=tech.id))
    db.session.add(TicketEvent(ticket_id=ticket.id, kind=EventKind.CHECK_IN,
                               actor_id=tech.id))
    db.session.add(TicketEvent(ticket=ticket, kind=EventKind.INFO_ADDED, actor_id=tech.id))
    db.session.commit()
    assert _count(ticket) == _events(ticket) == 2
    assert _count(other) == 0


def test_bulk_history_sets_the_count_its_events_give():
    add_history(120, 20, seed=5, now=datetime(2026, 6, 10, 2, 30, tzinfo=UTC))
    db.session.commit()
    counts = dict(db.session.execute(
        sa.select(TicketEvent.ticket_id, sa.func.count())
        .where(TicketEvent.kind == EventKind.CHECK_IN).group_by(TicketEvent.ticket_id)).all())
    stored = dict(db.session.execute(sa.select(Ticket.id, Ticket.visit_count)).all())
    assert any(n > 1 for n in counts.values())
    assert stored == {i: counts.get(i, 0) for i in stored}


def test_migration_fills_the_count_from_the_events():
    tech = f.user(Role.TECHNICIAN)
    twice, once, never = f.ticket(), f.ticket(), f.ticket()
    db.session.commit()
    for ticket, n in ((twice, 2), (once, 1)):
        for _ in range(n):
            db.session.add(TicketEvent(ticket=ticket, kind=EventKind.CHECK_IN,
                                       actor_id=tech.id))
    db.session.commit()
    ids = (twice.id, once.id, never.id)
    db.session.remove()
    downgrade(revision="0024")
    upgrade()
    assert [db.session.scalar(sa.select(Ticket.visit_count).where(Ticket.id == i))
            for i in ids] == [2, 1, 0]

"""A hand-built month of tickets (March 2026, Asia/Shanghai) whose figures the tests work
out by hand: a ticket filed before the month and resolved in it, paused clocks, a breach of
each kind, a reopened ticket, an unrated one, a duplicate, one on the month's last evening
and one just after the month."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import factories as f
from repairapp.contracts.models import Severity
from repairapp.extensions import db
from repairapp.reports.services import Filters
from repairapp.tickets.models import Category, EventKind, Status, Ticket, TicketEvent

MARCH = Filters(date(2026, 3, 1), date(2026, 3, 31))


def local(month, day, hour, minute=0) -> datetime:
    return datetime(2026, month, day, hour, minute,
                    tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)


@dataclass
class Month:
    x1: object
    y2: object
    tech: object
    t0: Ticket
    t1: Ticket
    t2: Ticket
    t3: Ticket
    t4: Ticket
    t5: Ticket
    dup: Ticket


def _file(asset, when, category=Category.ERROR, severity=Severity.CRITICAL, **done):
    ticket = f.ticket(asset, category=category, severity=severity, now=when)
    for name, value in done.items():
        setattr(ticket, name, value)
    db.session.commit()
    return ticket


def _check_in(ticket, user, times):
    for n in range(times):
        db.session.add(TicketEvent(ticket=ticket, kind=EventKind.CHECK_IN, actor_id=user.id,
                                   created_at=ticket.created_at + timedelta(hours=n + 1)))
    db.session.commit()


@pytest.fixture
def month() -> Month:
    tech = f.user(name="Wang")
    x1 = f.asset(model="X-1", site=f.site(name="Plant 1"))
    y2 = f.asset(model="Y-2", site=f.site(name="Plant 2"))
    t0 = _file(x1, local(2, 27, 10), status=Status.RESOLVED, resolved_at=local(3, 2, 12),
               responded_at=local(2, 27, 11), response_working_minutes=60,
               response_wall_minutes=60, resolution_working_minutes=500,
               resolution_wall_minutes=3 * 1440 + 120)
    # Paused: 100 working minutes, 200 on the wall clock; on time; rated 5; one visit.
    t1 = _file(x1, local(3, 2, 9), assignee=tech, status=Status.RESOLVED, plan_name="Gold",
               responded_at=local(3, 2, 9, 30), resolved_at=local(3, 2, 12, 20),
               response_working_minutes=30, response_wall_minutes=30,
               resolution_working_minutes=100, resolution_wall_minutes=200,
               response_due_at=local(3, 2, 10), resolution_due_at=local(3, 2, 13), rating=5)
    # Late twice, reopened once, two visits, rated 2.
    t2 = _file(x1, local(3, 5, 9), Category.MECHANICAL, Severity.MAJOR, assignee=tech,
               status=Status.CLOSED, plan_name="Gold", responded_at=local(3, 5, 10, 30),
               resolved_at=local(3, 5, 21), closed_at=local(3, 6, 9),
               response_working_minutes=90, response_wall_minutes=90,
               resolution_working_minutes=300, resolution_wall_minutes=720,
               response_due_at=local(3, 5, 10), resolution_due_at=local(3, 5, 13),
               response_breached=True, resolution_breached=True, reopen_count=1, rating=2)
    # Responded in time, still open (its resolution not decided), unrated.
    t3 = _file(y2, local(3, 10, 9), status=Status.IN_PROGRESS, plan_name="Silver",
               responded_at=local(3, 10, 9, 10), response_working_minutes=10,
               response_wall_minutes=10, response_due_at=local(3, 10, 10),
               resolution_due_at=local(3, 20, 10))
    # The month's last evening: filed, nothing else.
    t4 = _file(y2, local(3, 31, 23, 30), Category.SOFTWARE, Severity.MINOR, plan_name="Silver")
    t5 = _file(y2, local(4, 1, 0, 10))  # just after the month
    dup = _file(x1, local(3, 2, 10), status=Status.CLOSED, closed_at=local(3, 2, 10, 5),
                merged_into_id=t1.id, plan_name="Gold")
    _check_in(t1, tech, 1)
    _check_in(t2, tech, 2)
    return Month(x1, y2, tech, t0, t1, t2, t3, t4, t5, dup)

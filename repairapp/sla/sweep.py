"""The minute-by-minute deadline check: warn before a deadline, record and escalate after.

Run by `flask sla sweep` from cron on one or every server. Each ticket is handled in its
own short transaction; the breach flag is set by a conditional UPDATE and each warning is a
unique notification row, so concurrent sweeps record and announce everything exactly once.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from repairapp.extensions import db
from repairapp.notifications.models import NotificationKind as K
from repairapp.notifications.services import announce
from repairapp.sla.calendar import Calendar, working_minutes_between
from repairapp.tickets.models import OPEN_STATUSES, Ticket


@dataclass(frozen=True)
class Clock:
    name: str  # "response" | "resolution"
    due: datetime
    target: int | None  # minutes of working time promised
    soon: K
    breached: K


def clocks(ticket: Ticket) -> list[Clock]:
    """The ticket's deadlines still running: response until acknowledged, then resolution."""
    targets = ticket.sla_targets.get(ticket.severity.value) or [None, None]
    running = []
    if ticket.responded_at is None and ticket.response_due_at is not None:
        running.append(Clock("response", ticket.response_due_at, targets[0],
                             K.RESPONSE_SOON, K.RESPONSE_BREACHED))
    if ticket.resolved_at is None and ticket.resolution_due_at is not None:
        running.append(Clock("resolution", ticket.resolution_due_at, targets[1],
                             K.RESOLUTION_SOON, K.RESOLUTION_BREACHED))
    return running


def is_due_soon(ticket: Ticket, clock: Clock, now: datetime, soon_percent: int) -> bool:
    """True once `soon_percent` of the promised working time is used up."""
    if not clock.target:
        return False
    left = working_minutes_between(now, clock.due, Calendar.from_json(ticket.sla_calendar),
                                   ticket.asset.site.timezone)
    return left * 100 <= clock.target * (100 - soon_percent)


def record_breach(ticket: Ticket, clock: Clock) -> None:
    """Set the breach flag for good, without touching the row version staff edits rely on."""
    column = Ticket.__table__.c[f"{clock.name}_breached"]
    db.session.execute(sa.update(Ticket.__table__)
                       .where(Ticket.__table__.c.id == ticket.id, column.is_(False))
                       .values({column: True}))
    set_committed_value(ticket, f"{clock.name}_breached", True)


def check(ticket: Ticket, now: datetime, soon_percent: int) -> list[K]:
    """Warn or escalate for one ticket; the kinds it announced."""
    announced = []
    for clock in clocks(ticket):
        if now >= clock.due:
            record_breach(ticket, clock)
            kind = clock.breached
        elif is_due_soon(ticket, clock, now, soon_percent):
            kind = clock.soon
        else:
            continue
        if announce(ticket, kind) is not None:
            announced.append(kind)
    return announced


def running_ticket_ids() -> list[int]:
    """Open tickets whose clock runs (not paused) and that have a deadline."""
    return list(db.session.scalars(sa.select(Ticket.id).where(
        Ticket.status.in_(OPEN_STATUSES), Ticket.paused_at.is_(None),
        sa.or_(Ticket.response_due_at.is_not(None), Ticket.resolution_due_at.is_not(None)),
    ).order_by(Ticket.id)))


def sweep(now: datetime, soon_percent: int) -> dict[K, int]:
    """Check every running ticket, one transaction each; counts of what was announced."""
    counts: dict[K, int] = {}
    for ticket_id in running_ticket_ids():
        ticket = db.session.get(Ticket, ticket_id)
        if ticket is None or not ticket.is_open or ticket.paused_at is not None:
            continue
        for kind in check(ticket, now, soon_percent):
            counts[kind] = counts.get(kind, 0) + 1
        db.session.commit()
    return counts

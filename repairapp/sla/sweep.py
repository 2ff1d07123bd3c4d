"""The minute-by-minute deadline check: warn before a deadline, record and escalate after.

Run by `flask sla sweep` from cron on one or every server. Each ticket is handled in its
own short transaction; the breach flag is set by a conditional UPDATE and each warning is a
unique notification row, so concurrent sweeps record and announce everything exactly once.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from repairapp.extensions import db
from repairapp.notifications.models import Notification, NotificationKind
from repairapp.notifications.services import announce
from repairapp.sla.calendar import Calendar, working_minutes_between
from repairapp.tickets.models import OPEN_STATUSES, Ticket

K = NotificationKind
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Clock:
    name: str  # "response" | "resolution"
    due: datetime
    target: int | None  # minutes of working time promised
    soon: NotificationKind
    breached: NotificationKind


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


def record_breach(ticket: Ticket, clock: Clock, now: datetime) -> bool:
    """Set the breach flag for good, if the deadline is still missed as the database sees it
    now (a re-grade or pause committed meanwhile may have moved it); True if so. The flag is
    set without touching the row version that staff edits rely on."""
    table = Ticket.__table__
    done = table.c.responded_at if clock.name == "response" else table.c.resolved_at
    result = db.session.execute(
        sa.update(table)
        .where(table.c.id == ticket.id, table.c[f"{clock.name}_due_at"] <= now,
               done.is_(None), table.c.paused_at.is_(None),
               table.c.status.in_(OPEN_STATUSES))
        .values({f"{clock.name}_breached": True}))
    if result.rowcount != 1:
        return False
    set_committed_value(ticket, f"{clock.name}_breached", True)
    return True


def deadline_key(due: datetime) -> str:
    """One warning and one escalation per deadline: a moved deadline may be announced anew."""
    return due.strftime("%Y%m%dT%H%M")


def announced() -> dict[int, set[tuple[NotificationKind, str]]]:
    """What was already announced about each running ticket, in one query (a hint only:
    the unique row still decides when two sweeps race)."""
    done: dict[int, set] = defaultdict(set)
    rows = db.session.execute(sa.select(Notification.ticket_id, Notification.kind,
                                        Notification.key)
                              .where(Notification.ticket_id.in_(_running())))
    for ticket_id, kind, key in rows:
        done[ticket_id].add((kind, key))
    return done


def check(ticket: Ticket, now: datetime, soon_percent: int,
          done: set[tuple[NotificationKind, str]]) -> list[NotificationKind]:
    """Warn or escalate for one ticket, skipping what `done` says was announced; the kinds
    it announced."""
    made = []
    for clock in clocks(ticket):
        key = deadline_key(clock.due)
        if now >= clock.due:
            if (clock.breached, key) in done or not record_breach(ticket, clock, now):
                continue
            kind = clock.breached
        elif (clock.soon, key) not in done and is_due_soon(ticket, clock, now, soon_percent):
            kind = clock.soon
        else:
            continue
        if announce(ticket, kind, key) is not None:
            made.append(kind)
    return made


def _running() -> sa.Select:
    """Ids of open tickets whose clock runs (not paused) and that have a deadline."""
    return sa.select(Ticket.id).where(
        Ticket.status.in_(OPEN_STATUSES), Ticket.paused_at.is_(None),
        sa.or_(Ticket.response_due_at.is_not(None), Ticket.resolution_due_at.is_not(None)))


def sweep(now: datetime, soon_percent: int) -> dict[NotificationKind, int]:
    """Check every running ticket, one transaction each; counts of what was announced.
    A ticket that fails is logged and skipped; the others still get their turn."""
    counts: dict[NotificationKind, int] = {}
    done = announced()
    for ticket_id in db.session.scalars(_running().order_by(Ticket.id)).all():
        try:
            ticket = db.session.get(Ticket, ticket_id)
            if ticket is None or not ticket.is_open or ticket.paused_at is not None:
                continue
            for kind in check(ticket, now, soon_percent, done[ticket_id]):
                counts[kind] = counts.get(kind, 0) + 1
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("deadline check of ticket %s failed", ticket_id)
    return counts

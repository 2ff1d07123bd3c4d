"""The figures of the manager's home page, each one SQL query (the at-risk check replays the
frozen calendar for the open tickets whose fix clock runs, as the sweep does)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from repairapp.assets.models import Asset
from repairapp.contracts.models import Severity
from repairapp.extensions import db
from repairapp.sla.sweep import Clock, is_due_soon
from repairapp.tickets.models import OPEN_STATUSES, Ticket

#: At most this many tickets are listed under "at risk" and "breached" (the count is whole).
SHOWN = 50
_load = (selectinload(Ticket.asset).selectinload(Asset.site), selectinload(Ticket.customer))


def backlog() -> dict[Severity, int]:
    """Open tickets per severity, every severity present (0 when none)."""
    rows = db.session.execute(sa.select(Ticket.severity, sa.func.count())
                              .where(Ticket.status.in_(OPEN_STATUSES))
                              .group_by(Ticket.severity))
    counts = dict(rows.all())
    return {severity: counts.get(severity, 0) for severity in Severity}


def _breached(now: datetime) -> sa.ColumnElement[bool]:
    """A breach recorded, or a deadline passed while the clock runs (the sweep may not
    have recorded it yet)."""
    running = Ticket.paused_at.is_(None)
    return sa.or_(Ticket.response_breached, Ticket.resolution_breached,
                  sa.and_(running, Ticket.responded_at.is_(None), Ticket.response_due_at <= now),
                  sa.and_(running, Ticket.resolution_due_at <= now))


def breached_now(now: datetime) -> tuple[int, list[Ticket]]:
    """(how many, the first SHOWN by due time) open tickets that missed a deadline."""
    where = (Ticket.status.in_(OPEN_STATUSES), _breached(now))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket).where(*where))
    tickets = db.session.scalars(sa.select(Ticket).where(*where).options(*_load)
                                 .order_by(Ticket.resolution_due_at, Ticket.id).limit(SHOWN))
    return total, list(tickets)


def at_risk(now: datetime, soon_percent: int) -> list[Ticket]:
    """Open tickets not yet late whose fix clock has used `soon_percent` of its promised
    working time (NOTIFY_SOON_PERCENT, as the sweep warns), soonest due first."""
    candidates = db.session.scalars(
        sa.select(Ticket).where(Ticket.status.in_(OPEN_STATUSES), Ticket.paused_at.is_(None),
                                Ticket.resolution_due_at > now, sa.not_(_breached(now)))
        .options(*_load).order_by(Ticket.resolution_due_at, Ticket.id))
    return [t for t in candidates if is_due_soon(t, _fix_clock(t), now, soon_percent)]


def _fix_clock(ticket: Ticket) -> Clock:
    target = (ticket.sla_targets.get(ticket.severity.value) or [None, None])[1]
    return Clock("resolution", ticket.resolution_due_at, target, None, None)


@dataclass(frozen=True)
class Compliance:
    """Deadlines met out of those that fell due (responses made, tickets resolved) in a
    period, from the breach flags recorded at the time."""
    response_met: int
    response_total: int
    resolution_met: int
    resolution_total: int

    @staticmethod
    def percent(met: int, total: int) -> int | None:
        return round(met * 100 / total) if total else None

    @property
    def response(self) -> int | None:
        return self.percent(self.response_met, self.response_total)

    @property
    def resolution(self) -> int | None:
        return self.percent(self.resolution_met, self.resolution_total)


def _met_of(done: sa.Column, due: sa.Column, breached: sa.Column, start, end) -> tuple:
    met = sa.func.coalesce(sa.func.sum(sa.case((breached, 0), else_=1)), 0)
    return db.session.execute(sa.select(met, sa.func.count()).where(
        done >= start, done < end, due.is_not(None))).one()


def compliance(start: datetime, end: datetime) -> Compliance:
    """Responses made and tickets resolved in [start, end) under a promise, and how many of
    them on time. A ticket resolved again after a reopen counts in the period of its last
    resolution."""
    r = _met_of(Ticket.responded_at, Ticket.response_due_at, Ticket.response_breached,
                start, end)
    f = _met_of(Ticket.resolved_at, Ticket.resolution_due_at, Ticket.resolution_breached,
                start, end)
    return Compliance(int(r[0]), r[1], int(f[0]), f[1])


def month_bounds(now: datetime, tz: str) -> tuple[datetime, datetime, datetime]:
    """(start of last month, start of this month, start of next month) in `tz`, as UTC."""
    local = now.astimezone(ZoneInfo(tz))
    this = date(local.year, local.month, 1)
    last = (this - timedelta(days=1)).replace(day=1)
    after = (this + timedelta(days=32)).replace(day=1)
    return tuple(datetime(d.year, d.month, 1, tzinfo=ZoneInfo(tz)).astimezone(ZoneInfo("UTC"))
                 for d in (last, this, after))


def worst_machines(now: datetime, days: int = 90, at_least: int = 3,
                   limit: int = 20) -> list[tuple[Asset, int]]:
    """Machines with `at_least` tickets filed in the last `days` days (duplicates merged
    into another ticket not counted), most first."""
    n = sa.func.count(Ticket.id).label("n")
    rows = db.session.execute(
        sa.select(Ticket.asset_id, n)
        .where(Ticket.created_at >= now - timedelta(days=days),
               Ticket.merged_into_id.is_(None))
        .group_by(Ticket.asset_id).having(n >= at_least)
        .order_by(n.desc(), Ticket.asset_id).limit(limit)).all()
    assets = {a.id: a for a in db.session.scalars(
        sa.select(Asset).where(Asset.id.in_([r[0] for r in rows]))
        .options(selectinload(Asset.site)))}
    return [(assets[asset_id], count) for asset_id, count in rows]

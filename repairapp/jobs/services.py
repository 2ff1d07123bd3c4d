"""A technician's own open jobs, most urgent first, and what they finished lately."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from repairapp.assets.models import Asset
from repairapp.extensions import db
from repairapp.tickets.models import OPEN_STATUSES, Ticket

#: The deadline that matters now (same rule as Ticket.next_due_at): the response until
#: responded (or the resolution if no response is promised), then the resolution.
NEXT_DUE = sa.case(
    (Ticket.responded_at.is_(None),
     sa.func.coalesce(Ticket.response_due_at, Ticket.resolution_due_at)),
    else_=Ticket.resolution_due_at)


def my_jobs(user_id: int) -> list[Ticket]:
    """Open tickets assigned to the user, soonest next deadline first (none last).

    One query whatever the history: the (assignee_id, status) index finds the open ones.
    """
    return list(db.session.scalars(
        sa.select(Ticket)
        .where(Ticket.assignee_id == user_id, Ticket.status.in_(OPEN_STATUSES))
        .options(joinedload(Ticket.asset).joinedload(Asset.site))
        .order_by(NEXT_DUE.asc().nulls_last(), Ticket.id)
    ))


@dataclass(frozen=True)
class Done:
    """Tickets the technician resolved this week, newest first, and how many of them today."""

    week: list[Ticket]
    today: int


def _local_day(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


def done_recently(user_id: int, now: datetime) -> Done:
    """The technician's tickets resolved today and this week (Monday to now), each counted on
    its site's calendar: a fix at 23:30 in Shanghai is that day's, whatever the server's zone.

    A reopened ticket no longer counts until it is resolved again (reopening clears
    `resolved_at`). One query, through the (assignee_id, resolved_at) index.
    """
    since = now - timedelta(days=8)  # wider than any week in any zone; trimmed below
    candidates = db.session.scalars(
        sa.select(Ticket)
        .where(Ticket.assignee_id == user_id, Ticket.resolved_at >= since)
        .options(joinedload(Ticket.asset).joinedload(Asset.site))
        .order_by(Ticket.resolved_at.desc(), Ticket.id.desc()))
    week, today = [], 0
    for ticket in candidates:
        tz = ticket.asset.site.timezone
        day, this_day = _local_day(ticket.resolved_at, tz), _local_day(now, tz)
        if day >= this_day - timedelta(days=this_day.weekday()):  # since Monday
            week.append(ticket)
            today += day == this_day
    return Done(week, today)

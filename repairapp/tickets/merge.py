"""Duplicate tickets: a second open ticket on a machine that already has one, and merging
it into the earlier one (closed as a duplicate; its text and photos join the earlier one)."""

from datetime import datetime

import sqlalchemy as sa

from repairapp.accounts.models import User
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.tickets.models import OPEN_STATUSES, EventKind, Status, Ticket, TicketEvent
from repairapp.tickets.workflow import record


class NotADuplicate(ValueError):
    """The two tickets are not an open later and an open earlier ticket on one machine."""


def duplicates_of(tickets: list[Ticket]) -> dict[int, Ticket]:
    """For each open ticket given that is a possible duplicate, the earliest open ticket on
    its machine filed before it; one query whatever the number of tickets."""
    asset_ids = {t.asset_id for t in tickets if t.is_open}
    if not asset_ids:
        return {}
    first_ids = (sa.select(sa.func.min(Ticket.id))
                 .where(Ticket.asset_id.in_(asset_ids), Ticket.status.in_(OPEN_STATUSES))
                 .group_by(Ticket.asset_id))
    firsts = {t.asset_id: t for t in db.session.scalars(
        sa.select(Ticket).where(Ticket.id.in_(first_ids)))}
    return {t.id: firsts[t.asset_id] for t in tickets
            if t.is_open and t.asset_id in firsts and firsts[t.asset_id].id < t.id}


def duplicate_of(ticket: Ticket) -> Ticket | None:
    """The earlier open ticket this one may duplicate, if any."""
    return duplicates_of([ticket]).get(ticket.id)


def followed(ticket: Ticket) -> Ticket:
    """The ticket a requester's link leads to: the one it was merged into, if it was."""
    seen = {ticket.id}
    while ticket.merged_into is not None and ticket.merged_into.id not in seen:
        ticket = ticket.merged_into
        seen.add(ticket.id)
    return ticket


def can_merge(later: Ticket, earlier: Ticket) -> bool:
    """Only an open ticket into an open one filed before it on the same machine."""
    return (later.asset_id == earlier.asset_id and earlier.id < later.id
            and later.is_open and earlier.is_open)


def merge(later: Ticket, earlier: Ticket, by: User, now: datetime | None = None) -> TicketEvent:
    """Close `later` as a duplicate of `earlier`; its text and photos join `earlier`'s
    timeline, and both tickets record who merged them."""
    if not can_merge(later, earlier):
        raise NotADuplicate(f"ticket {later.id} into {earlier.id}")
    now = now or utcnow()
    joined = record(earlier, EventKind.MERGED_IN, by, from_value=later.number,
                    to_value=later.requester_name[:100], note=later.description,
                    public=True, now=now)
    for photo in list(later.photos):
        photo.ticket, photo.event = earlier, joined
    record(later, EventKind.MERGED, by, from_value=later.status.value, to_value=earlier.number,
           public=True, now=now)
    later.status, later.closed_at, later.merged_into = Status.CLOSED, now, earlier
    db.session.flush()
    return joined

"""The dispatcher's queue and the technicians' load."""

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from repairapp.accounts.models import Role, User
from repairapp.assets.models import Asset
from repairapp.customers.models import Customer, Site
from repairapp.extensions import db
from repairapp.jobs.services import NEXT_DUE
from repairapp.tickets.models import OPEN_STATUSES, Status, Ticket

UNASSIGNED = 0  # technician filter value meaning "nobody yet"


@dataclass(frozen=True)
class Filters:
    """What the dispatcher narrowed the queue to; the default is the triage view."""

    view: str = "triage"  # triage (new or unassigned) | open | all | <status value>
    customer_id: int | None = None
    site_id: int | None = None
    technician_id: int | None = None
    breached: bool = False
    #: One search box: ticket number, requester phone, asset tag or customer name.
    q: str = ""


def _by_view(query, view: str):
    if view == "triage":
        return query.where(Ticket.status.in_(OPEN_STATUSES),
                           sa.or_(Ticket.status == Status.NEW, Ticket.assignee_id.is_(None)))
    if view == "open":
        return query.where(Ticket.status.in_(OPEN_STATUSES))
    if view in {s.value for s in Status}:
        return query.where(Ticket.status == Status(view))
    return query


def breached(now: datetime):
    """An open ticket past its current deadline, or whose response came late."""
    return sa.or_(NEXT_DUE < now, Ticket.responded_at > Ticket.response_due_at)


#: "R000123", "r123", "#123" or "123": the number users see is "R" and the id.
NUMBER = re.compile(r"#?[Rr]?\s*(\d{1,9})")
#: A query made only of what people type in phone numbers.
PHONE_LIKE = re.compile(r"[\d\s()+\-.]+")


def _digits_only(column):
    """The column without the spaces, dashes, brackets, dots and plus people type in phones."""
    for char in " -()+.":
        column = sa.func.replace(column, char, "")
    return column


def matching(q: str):
    """Tickets whose number, requester phone (digits, at least 4), asset tag or customer
    name (substring, any case) match `q`; needs Asset and Customer joined."""
    conditions = [Asset.tag.icontains(q, autoescape=True),
                  Customer.name.icontains(q, autoescape=True)]
    if number := NUMBER.fullmatch(q):
        conditions.append(Ticket.id == int(number[1]))
    digits = re.sub(r"\D", "", q)
    if len(digits) >= 4 and PHONE_LIKE.fullmatch(q):
        conditions.append(_digits_only(Ticket.requester_phone).contains(digits))
    return sa.or_(*conditions)


def queue(filters: Filters, now: datetime) -> sa.Select:
    """Tickets matching the filters and search, most urgent deadline first, then oldest."""
    query = _by_view(sa.select(Ticket), filters.view).options(
        joinedload(Ticket.asset).joinedload(Asset.site).joinedload(Site.customer),
        joinedload(Ticket.assignee))
    # Assets joined only when a filter needs them: with the join SQLite reads every ticket
    # through its asset instead of the few open ones through the status index (5,000
    # tickets: 35 ms for the page's rows and as much again for its count, instead of 1 ms).
    if filters.q or filters.site_id:
        query = query.join(Ticket.asset)
    if filters.q:
        query = query.join(Ticket.customer).where(matching(filters.q))
    if filters.customer_id:
        query = query.where(Ticket.customer_id == filters.customer_id)
    if filters.site_id:
        query = query.where(Asset.site_id == filters.site_id)
    if filters.technician_id == UNASSIGNED:
        query = query.where(Ticket.assignee_id.is_(None))
    elif filters.technician_id:
        query = query.where(Ticket.assignee_id == filters.technician_id)
    if filters.breached:
        query = query.where(Ticket.status.in_(OPEN_STATUSES), breached(now))
    return query.order_by(NEXT_DUE.asc().nulls_last(), Ticket.created_at, Ticket.id)


def technician_load() -> list[tuple[User, int]]:
    """Every active technician with their number of open jobs, lightest first."""
    open_jobs = sa.func.count(Ticket.id)
    rows = db.session.execute(
        sa.select(User, open_jobs)
        .outerjoin(Ticket, sa.and_(Ticket.assignee_id == User.id,
                                   Ticket.status.in_(OPEN_STATUSES)))
        .where(User.role == Role.TECHNICIAN, User.is_active.is_(True))
        .group_by(User.id)
        .order_by(open_jobs, User.name)
    ).all()
    return [(user, count) for user, count in rows]

"""Follow-up tasks and complaints: created, recorded, listed and counted (no request here)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from repairapp.customers.models import Customer
from repairapp.db import upsert, utcnow
from repairapp.extensions import db
from repairapp.followups.models import (
    Complaint,
    ComplaintSource,
    ComplaintStatus,
    FollowUp,
    FollowUpKind,
)

#: The desk list's filters: what is still to do (overdue first), only what is due (not yet
#: late), only what is late, or what was done (latest first).
VIEWS = ("todo", "due", "overdue", "done")


def due_from(start: datetime) -> datetime:
    """When a task or complaint started at `start` is due: REPAIRAPP_FOLLOWUP_DAYS later
    (plain days: a follow-up is a phone call, not a contract's working time)."""
    return start + timedelta(days=current_app.config.get("FOLLOWUP_DAYS", 3))


def for_ticket(ticket) -> FollowUp | None:
    return db.session.scalar(sa.select(FollowUp).where(FollowUp.ticket_id == ticket.id))


def task_for_closed(ticket, now: datetime | None = None) -> FollowUp:
    """The follow-up a closed ticket owes its requester, created once. A rating the
    requester gave through the tracking link is the follow-up: the task is done by them."""
    task = for_ticket(ticket)
    if task is None:
        now = now or ticket.closed_at or utcnow()
        task = FollowUp(kind=FollowUpKind.TICKET, ticket_id=ticket.id,
                        customer_id=ticket.customer_id, created_at=now, due_at=due_from(now))
        db.session.add(task)
    if ticket.rating and not task.is_done:
        task.done_at, task.by_requester = ticket.closed_at or utcnow(), True
        task.satisfaction, task.stays_fixed = ticket.rating, True
        task.notes = ticket.rating_comment or ""
    db.session.flush()
    return task


def period_of(now: datetime) -> str:
    """A key customer's follow-up period: the calendar month (UTC), e.g. "2027-03"."""
    return f"{now.year:04d}-{now.month:02d}"


def key_customer_tasks(now: datetime | None = None) -> int:
    """Insert this period's follow-up for every key customer not archived; returns how many
    were new. ON CONFLICT DO NOTHING on (customer, period) keeps it to one per customer and
    period when two sweeps run at once: the second waits for the first's commit and skips."""
    now = now or utcnow()
    period, created = period_of(now), 0
    customers = db.session.scalars(sa.select(Customer.id).where(
        Customer.is_key.is_(True), Customer.is_archived.is_(False)).order_by(Customer.id))
    for customer_id in list(customers):
        statement = (upsert(FollowUp, db.engine)
                     .values(kind=FollowUpKind.KEY_CUSTOMER, customer_id=customer_id,
                             period=period, created_at=now, due_at=due_from(now),
                             by_requester=False, method="", notes="")
                     .on_conflict_do_nothing(index_elements=["customer_id", "period"])
                     .returning(FollowUp.id))
        created += db.session.scalar(statement) is not None
    return created


def record(task: FollowUp, user, *, method: str, satisfaction: int | None,
           stays_fixed: bool | None, notes: str, now: datetime | None = None) -> None:
    """The desk made the call: what the requester or customer said, who asked and when."""
    task.method, task.satisfaction, task.notes = method, satisfaction, notes
    task.stays_fixed = stays_fixed if task.kind is FollowUpKind.TICKET else None
    task.done_at, task.done_by_id, task.by_requester = now or utcnow(), user.id, False
    db.session.flush()


def desk_list(view: str, now: datetime) -> sa.Select:
    """The desk's follow-ups for one of `VIEWS`."""
    query = sa.select(FollowUp)
    if view == "done":
        return query.where(FollowUp.done_at.is_not(None)).order_by(
            FollowUp.done_at.desc(), FollowUp.id.desc())
    query = query.where(FollowUp.done_at.is_(None))
    if view == "due":
        query = query.where(FollowUp.due_at >= now)
    elif view == "overdue":
        query = query.where(FollowUp.due_at < now)
    return query.order_by(FollowUp.due_at, FollowUp.id)  # the latest deadline last


def complain(*, source: ComplaintSource, description: str, ticket=None, customer_id=None,
             caller_name: str = "", caller_phone: str = "", owner_id: int | None = None,
             created_by_id: int | None = None, now: datetime | None = None) -> Complaint:
    """Log a complaint, due REPAIRAPP_FOLLOWUP_DAYS on."""
    now = now or utcnow()
    complaint = Complaint(
        source=source, description=description, ticket_id=ticket.id if ticket else None,
        customer_id=ticket.customer_id if ticket else customer_id,
        caller_name=caller_name or (ticket.requester_name if ticket else ""),
        caller_phone=caller_phone or (ticket.requester_phone if ticket else ""),
        owner_id=owner_id, created_by_id=created_by_id, created_at=now, due_at=due_from(now),
        status=ComplaintStatus.OPEN)
    db.session.add(complaint)
    db.session.flush()
    return complaint


def settle(complaint: Complaint, *, status: ComplaintStatus, now: datetime | None = None):
    """Open or close a complaint; closing stamps when."""
    if status is ComplaintStatus.CLOSED and complaint.closed_at is None:
        complaint.closed_at = now or utcnow()
    elif status is ComplaintStatus.OPEN:
        complaint.closed_at = None
    complaint.status = status
    db.session.flush()


def complaint_list(view: str, now: datetime) -> sa.Select:
    """Complaints: "open" (default, overdue first), "overdue", "closed" or "all"."""
    query = sa.select(Complaint)
    if view == "closed":
        return query.where(Complaint.status == ComplaintStatus.CLOSED).order_by(
            Complaint.closed_at.desc(), Complaint.id.desc())
    if view == "all":
        return query.order_by(Complaint.created_at.desc(), Complaint.id.desc())
    query = query.where(Complaint.status == ComplaintStatus.OPEN)
    if view == "overdue":
        query = query.where(Complaint.due_at < now)
    return query.order_by(Complaint.due_at, Complaint.id)


@dataclass(frozen=True)
class ComplaintCounts:
    """Complaints made in a period: in all, by source, how many are still open, how many
    were (or are) answered late (closed after the due time, or open past it), and the mean
    hours from filing to closing of the closed ones."""

    total: int
    from_tracking: int
    from_staff: int
    open: int
    closed: int
    late: int
    closed_late: int = 0
    overdue: int = 0
    average_hours_to_close: float | None = None


def complaints_between(start: datetime, end: datetime, *, customer_id: int | None = None,
                       owner_id: int | None = None, ticket_ids: sa.Select | None = None,
                       now: datetime | None = None) -> ComplaintCounts:
    """Counts of complaints made in [start, end), in one query (for reports). `ticket_ids`
    (a SELECT of ticket ids, e.g. the report's filtered tickets) keeps complaints about them.
    Late: closed after the due time, or still open past it at `now`."""
    c, now = Complaint, now or utcnow()
    closed = c.status == ComplaintStatus.CLOSED
    closed_late = sa.and_(closed, c.closed_at > c.due_at)
    overdue = sa.and_(~closed, c.due_at < now)
    late = sa.or_(closed_late, overdue)
    seconds = sa.extract("epoch", c.closed_at) - sa.extract("epoch", c.created_at)

    def count(condition=sa.true()):
        return sa.func.count().filter(condition)

    query = sa.select(count(), count(c.source == ComplaintSource.TRACKING),
                      count(c.source == ComplaintSource.STAFF), count(~closed),
                      count(closed), count(late), count(closed_late), count(overdue),
                      sa.func.avg(seconds).filter(closed)
                      ).where(c.created_at >= start, c.created_at < end)
    if customer_id is not None:
        query = query.where(c.customer_id == customer_id)
    if owner_id is not None:
        query = query.where(c.owner_id == owner_id)
    if ticket_ids is not None:
        query = query.where(c.ticket_id.in_(ticket_ids))
    *counts, seconds = db.session.execute(query).one()
    return ComplaintCounts(*counts, None if seconds is None else round(float(seconds) / 3600, 1))


@dataclass(frozen=True)
class FollowUpCounts:
    """Follow-ups due in a period: in all, done (by the desk or by the requester's own
    rating), done late or still open past due, and the average satisfaction recorded; open
    past due, and of the ticket follow-ups asked whether the repair held, how many said so."""

    total: int
    done: int
    by_requester: int
    late: int
    average_satisfaction: float | None
    overdue: int = 0
    stays_fixed: int = 0
    asked_fixed: int = 0

    @property
    def open(self) -> int:
        return self.total - self.done

    @property
    def by_desk(self) -> int:
        return self.done - self.by_requester


def followups_between(start: datetime, end: datetime, *, customer_id: int | None = None,
                      ticket_ids: sa.Select | None = None,
                      now: datetime | None = None) -> FollowUpCounts:
    """Counts of follow-ups due in [start, end), in one query (for reports). `ticket_ids`
    (a SELECT of ticket ids) keeps the follow-ups of those tickets (no key customer's call)."""
    t, now = FollowUp, now or utcnow()
    done = t.done_at.is_not(None)
    overdue = sa.and_(~done, t.due_at < now)
    late = sa.or_(sa.and_(done, t.done_at > t.due_at), overdue)
    query = sa.select(sa.func.count(), sa.func.count().filter(done),
                      sa.func.count().filter(t.by_requester.is_(True)),
                      sa.func.count().filter(late), sa.func.avg(t.satisfaction),
                      sa.func.count().filter(overdue),
                      sa.func.count().filter(t.stays_fixed.is_(True)), sa.func.count(t.stays_fixed)
                      ).where(t.due_at >= start, t.due_at < end)
    if customer_id is not None:
        query = query.where(t.customer_id == customer_id)
    if ticket_ids is not None:
        query = query.where(t.ticket_id.in_(ticket_ids))
    total, done_n, by_requester, late_n, average, *more = db.session.execute(query).one()
    return FollowUpCounts(total, done_n, by_requester, late_n,
                          None if average is None else round(float(average), 2), *more)

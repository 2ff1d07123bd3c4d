"""What staff and requesters do to a ticket besides filing it: assign, check in, log work,
resolve, re-grade, and the requester's confirmation. Every change leaves a TicketEvent."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from repairapp.accounts.models import Role, User
from repairapp.billing.work import Terms, items_for
from repairapp.contracts.models import Severity
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.followups import services as followups
from repairapp.notifications.models import NotificationKind
from repairapp.notifications.services import announce
from repairapp.parts import services as catalogue
from repairapp.quotes import services as quotes
from repairapp.sla.calendar import Calendar
from repairapp.sla.services import due_times
from repairapp.tickets.models import (
    OPEN_STATUSES,
    BillableItem,
    Category,
    EventKind,
    PartUsed,
    Status,
    Ticket,
    TicketEvent,
    WorkLog,
    WorkType,
)
from repairapp.tickets.photos import Photo
from repairapp.tickets.services import attach_photos
from repairapp.tickets.workflow import (
    Actor,
    TransitionError,
    actor_for,
    allowed,
    change_status,
    record,
    require_open,
)


class NotAllowed(PermissionError):
    """This user has no part in this ticket (not its technician, not a dispatcher)."""


class ReasonRequired(ValueError):
    """A technician handing a job over must say why."""


class NotATechnician(ValueError):
    """Jobs go only to active technicians."""


@dataclass(frozen=True)
class Part:
    description: str
    quantity: int


def require_actor(user: User, ticket: Ticket) -> Actor:
    actor = actor_for(user, ticket)
    if actor is None:
        raise NotAllowed(f"user {user.id} on ticket {ticket.id}")
    return actor


def assign(ticket: Ticket, technician: User | None, by: User, reason: str = "") -> TicketEvent:
    """Give the ticket to a technician (None: back to the dispatch queue).

    Dispatchers assign anyone; a technician may only hand over their own job, with a reason.
    """
    actor = require_actor(by, ticket)
    require_open(ticket)
    if actor is Actor.ASSIGNEE and not reason.strip():
        raise ReasonRequired()
    if technician is not None and (technician.role is not Role.TECHNICIAN
                                   or not technician.is_active):
        raise NotATechnician()
    return _reassign(ticket, technician, by, reason)


def _reassign(ticket: Ticket, technician: User | None, by: User, reason: str) -> TicketEvent:
    before = ticket.assignee.name if ticket.assignee else ""
    ticket.assignee = technician
    event = record(ticket, EventKind.ASSIGNED, by, from_value=before,
                   to_value=technician.name if technician else "", note=reason)
    db.session.flush()
    if technician is not None and technician is not by:  # nobody needs telling what they did
        announce(ticket, NotificationKind.ASSIGNED, key=str(event.id))
    return event


def take(ticket: Ticket, technician: User) -> TicketEvent:
    """A technician at the machine takes an open, unassigned ticket for themselves."""
    require_open(ticket)
    if ticket.assignee_id is not None or technician.role is not Role.TECHNICIAN:
        raise NotAllowed(f"user {technician.id} cannot take ticket {ticket.id}")
    return _reassign(ticket, technician, technician, "")


def release_jobs(technician: User, by: User) -> int:
    """Put a (deactivated) technician's open jobs back in the dispatch queue."""
    jobs = db.session.scalars(sa.select(Ticket).where(
        Ticket.assignee_id == technician.id, Ticket.status.in_(OPEN_STATUSES))).all()
    for ticket in jobs:
        _reassign(ticket, None, by, "")
    return len(jobs)


def check_in(ticket: Ticket, user: User, now: datetime | None = None) -> TicketEvent:
    """Proof of presence: the assigned technician scanned the machine's label on site."""
    if actor_for(user, ticket) is not Actor.ASSIGNEE:
        raise NotAllowed(f"user {user.id} is not on ticket {ticket.id}")
    now = now or utcnow()
    event = record(ticket, EventKind.CHECK_IN, user, now=now)
    if ticket.status is not Status.ON_SITE:
        change_status(ticket, Status.ON_SITE, Actor.ASSIGNEE, user=user, now=now)
    db.session.flush()
    return event


def log_work(ticket: Ticket, user: User, *, work_type: WorkType, minutes: int, notes: str = "",
             parts: list[Part] = (), photos: list[Photo] = ()) -> WorkLog:
    """Record time spent and parts used (private to staff)."""
    require_actor(user, ticket)
    require_open(ticket)
    if minutes < 0 or any(p.quantity < 1 for p in parts):
        raise ValueError("minutes and quantities cannot be negative")
    log = WorkLog(user=user, work_type=work_type, minutes=minutes, notes=notes,
                  parts=[PartUsed(**catalogue.used(p.description), quantity=p.quantity)
                         for p in parts])
    ticket.work_logs.append(log)
    event = record(ticket, EventKind.WORK_LOGGED, user, to_value=work_type.value, note=notes)
    attach_photos(ticket, list(photos), event)
    db.session.flush()
    return log


def resolve(ticket: Ticket, user: User, *, resolution_note: str, work_type: WorkType,
            minutes: int = 0, parts: list[Part] = (), photos: list[Photo] = (),
            terms: Terms | None = None, now: datetime | None = None) -> TicketEvent:
    """Resolve with the required resolution note and work type (and any last work).
    A chargeable ticket records its billable items from the work log, priced by `terms`."""
    actor = require_actor(user, ticket)
    if not resolution_note.strip():
        raise ValueError("a resolution note is required")
    if Status.RESOLVED not in allowed(ticket, actor):
        raise TransitionError(f"{ticket.status.value} -> resolved")
    log_work(ticket, user, work_type=work_type, minutes=minutes, notes=resolution_note,
             parts=parts, photos=photos)
    ticket.resolution_note = resolution_note
    if ticket.is_chargeable and terms is not None:  # a quoted ticket bills its quote
        quoted = quotes.billable_items(ticket)
        ticket.billable_items = quoted if quoted is not None else [
            BillableItem(kind=i.kind, description=i.description, quantity=i.quantity,
                         unit_price=i.unit_price, amount=i.amount)
            for i in items_for(ticket.work_logs, terms)]
    # The resolution event carries the note: it is what the requester is shown.
    event = change_status(ticket, Status.RESOLVED, actor, user=user, note=resolution_note,
                          now=now)
    announce(ticket, NotificationKind.RESOLVED, key=str(ticket.reopen_count))
    return event


def _dispatcher_only(by: User, ticket: Ticket) -> None:
    if require_actor(by, ticket) is not Actor.DISPATCHER:
        raise NotAllowed("only dispatchers triage")


def _regrade(ticket: Ticket, by: User, kind: EventKind, attr: str, value) -> TicketEvent | None:
    """Change one triage attribute (an enum) with its event; None if nothing changed."""
    _dispatcher_only(by, ticket)
    old = getattr(ticket, attr)
    if value is old:
        return None
    event = record(ticket, kind, by, from_value=old.value, to_value=value.value)
    setattr(ticket, attr, value)
    db.session.flush()
    return event


def set_severity(ticket: Ticket, severity: Severity, by: User) -> TicketEvent | None:
    """Re-grade a ticket; its due times are recomputed from the targets frozen at filing."""
    event = _regrade(ticket, by, EventKind.SEVERITY, "severity", severity)
    if event and ticket.sla_targets:  # tickets filed before targets were frozen keep theirs
        ticket.response_due_at, ticket.resolution_due_at = due_times(
            ticket.sla_targets, severity, ticket.created_at,
            Calendar.from_json(ticket.sla_calendar), ticket.asset.site.timezone)
        db.session.flush()
    return event


def set_category(ticket: Ticket, category: Category, by: User) -> TicketEvent | None:
    return _regrade(ticket, by, EventKind.CATEGORY, "category", category)


def confirm_fixed(ticket: Ticket, *, rating: int, comment: str = "") -> TicketEvent:
    """The requester confirms the fix and rates it; the ticket closes."""
    if not 1 <= rating <= 5:
        raise ValueError("rating is 1 to 5")
    change_status(ticket, Status.CLOSED, Actor.REQUESTER, actor_name=ticket.requester_name)
    ticket.rating, ticket.rating_comment = rating, comment
    event = record(ticket, EventKind.RATED, None, actor_name=ticket.requester_name,
                   to_value=str(rating), note=comment, public=True)
    followups.task_for_closed(ticket)  # rated: the follow-up is done by the requester
    return event


def reopen_by_requester(ticket: Ticket, note: str) -> TicketEvent:
    """The requester says it is not fixed: back to work, with their note for the technician."""
    if not note.strip():
        raise ValueError("say what is still wrong")
    return change_status(ticket, Status.IN_PROGRESS, Actor.REQUESTER,
                         actor_name=ticket.requester_name, note=note)


def resolved_before(cutoff: datetime) -> list[int]:
    """Ids of tickets resolved before `cutoff` and still unconfirmed."""
    return list(db.session.scalars(sa.select(Ticket.id).where(
        Ticket.status == Status.RESOLVED, Ticket.resolved_at < cutoff).order_by(Ticket.id)))


def auto_close(ticket: Ticket, now: datetime | None = None) -> TicketEvent:
    """Close a ticket the requester left unconfirmed too long (the timeline says "system");
    the desk gets its follow-up task."""
    event = change_status(ticket, Status.CLOSED, Actor.SYSTEM, now=now)
    followups.task_for_closed(ticket)
    return event


def autoclose_cutoff(days: int, now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=days)

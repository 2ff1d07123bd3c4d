"""The ticket state machine: which status changes are allowed, and for whom.

This is the one place that decides; pages only offer what `allowed()` returns, and
`change_status()` refuses anything else, whoever asks.
"""

import enum
from datetime import datetime

from repairapp.accounts.models import User
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.sla.calendar import Calendar, add_working_minutes, working_minutes_between
from repairapp.tickets import durations
from repairapp.tickets.models import OPEN_STATUSES, EventKind, Status, Ticket, TicketEvent


class Actor(enum.Enum):
    ASSIGNEE = "assignee"      # the technician the ticket is assigned to
    DISPATCHER = "dispatcher"  # dispatchers and admins
    REQUESTER = "requester"    # through the private tracking link
    SYSTEM = "system"          # scheduled sweeps (auto-close)


class TransitionError(ValueError):
    """A status change the workflow does not allow for this actor."""


S = Status
STAFF = frozenset({Actor.ASSIGNEE, Actor.DISPATCHER})
#: Where the work can be. A job really does go from almost any of these to any other: on the
#: way, the customer calls, and it is fixed remotely, or must wait for a part, or for them.
_WORKING = {S.ACKNOWLEDGED, S.ON_THE_WAY, S.ON_SITE, S.IN_PROGRESS, S.WAITING_PARTS,
            S.WAITING_CUSTOMER}
_RULES: list[tuple[set[Status], Status, frozenset[Actor]]] = [
    # Accepting is the response; so is going straight to the machine or to remote work.
    ({S.NEW}, S.ACKNOWLEDGED, STAFF),
    # Leaving the site is waiting (for parts, for the customer) or remote work, not a trip.
    ({S.NEW} | _WORKING - {S.ON_THE_WAY, S.ON_SITE}, S.ON_THE_WAY, STAFF),
    ({S.NEW} | _WORKING - {S.ON_SITE}, S.ON_SITE, STAFF),
    ({S.NEW} | _WORKING - {S.IN_PROGRESS}, S.IN_PROGRESS, STAFF),
    # Waiting needs a diagnosis first: a ticket is accepted before it waits.
    (_WORKING - {S.WAITING_PARTS}, S.WAITING_PARTS, STAFF),
    (_WORKING - {S.WAITING_CUSTOMER}, S.WAITING_CUSTOMER, STAFF),
    (_WORKING, S.RESOLVED, STAFF),
    ({S.RESOLVED}, S.CLOSED, frozenset({Actor.REQUESTER, Actor.DISPATCHER, Actor.SYSTEM})),
    # Reopen: the requester says it is not fixed, or a dispatcher decides so.
    ({S.RESOLVED}, S.IN_PROGRESS, frozenset({Actor.REQUESTER, Actor.DISPATCHER})),
    # The requester's answer to a quote (repairapp.quotes): approved, the work resumes where
    # it stood; declined, the ticket closes.
    *[({S.WAITING_CUSTOMER}, to, frozenset({Actor.REQUESTER}))
      for to in (S.ON_THE_WAY, S.ON_SITE, S.IN_PROGRESS, S.WAITING_PARTS)],
    (_WORKING, S.CLOSED, frozenset({Actor.REQUESTER})),
]


def _merged(rules) -> dict[tuple[Status, Status], frozenset[Actor]]:
    """Each move with who may make it; a move two rules name is open to both rules' actors."""
    found: dict[tuple[Status, Status], frozenset[Actor]] = {}
    for starts, to, actors in rules:
        for start in starts:
            found[start, to] = found.get((start, to), frozenset()) | actors
    return found


TRANSITIONS = _merged(_RULES)
#: Steps the requester sees on the tracking page.
PUBLIC = {S.ACKNOWLEDGED, S.ON_THE_WAY, S.ON_SITE, S.WAITING_CUSTOMER, S.RESOLVED, S.CLOSED}


class AwaitedMissing(ValueError):
    """Staff moving a ticket to "waiting for customer" must say what is awaited."""


def actor_for(user: User | None, ticket: Ticket) -> Actor | None:
    """The role a staff member plays on this ticket; None if they have none."""
    if user is None:
        return None
    if user.is_dispatcher:
        return Actor.DISPATCHER
    return Actor.ASSIGNEE if ticket.assignee_id == user.id else None


def allowed(ticket: Ticket, actor: Actor | None) -> list[Status]:
    """The statuses this actor may move the ticket to, in workflow order."""
    return [to for to in Status if actor in TRANSITIONS.get((ticket.status, to), ())]


def require_open(ticket: Ticket) -> None:
    """Work, photos and reassignment stop once a ticket is resolved or closed."""
    if ticket.status not in OPEN_STATUSES:
        raise TransitionError(f"ticket {ticket.id} is {ticket.status.value}")


def is_reopen(start: Status, to: Status) -> bool:
    return start is S.RESOLVED and to is S.IN_PROGRESS


def is_public(start: Status, to: Status) -> bool:
    """Whether the requester's tracking page shows this step."""
    return to in PUBLIC or is_reopen(start, to)


def record(ticket: Ticket, kind: EventKind, user: User | None, *, actor_name: str = "",
           from_value: str | None = None, to_value: str | None = None, note: str = "",
           public: bool = False, now: datetime | None = None) -> TicketEvent:
    """Append one audit-trail entry: who, when, what, from, to."""
    event = TicketEvent(kind=kind, actor=user, actor_name=user.name if user else actor_name,
                        from_value=from_value, to_value=to_value, note=note, is_public=public,
                        created_at=now or utcnow())
    ticket.events.append(event)
    return event


def _pause_or_resume(ticket: Ticket, to: Status, now: datetime) -> None:
    """Waiting for the customer stops the clock; on resuming, the working time paused is
    added up and the deadlines not yet met move by as much."""
    if to is S.WAITING_CUSTOMER:
        ticket.paused_at = ticket.paused_at or now
        return
    if ticket.paused_at is None:
        return
    calendar, tz = Calendar.from_json(ticket.sla_calendar), ticket.asset.site.timezone
    paused = working_minutes_between(ticket.paused_at, now, calendar, tz)
    ticket.paused_minutes += paused
    ticket.paused_at = None
    if ticket.responded_at is None and ticket.response_due_at:
        ticket.response_due_at = add_working_minutes(ticket.response_due_at, paused, calendar,
                                                     tz)
    if ticket.resolution_due_at:
        ticket.resolution_due_at = add_working_minutes(ticket.resolution_due_at, paused,
                                                       calendar, tz)


def change_status(ticket: Ticket, to: Status, actor: Actor, *, user: User | None = None,
                  actor_name: str = "", note: str = "",
                  now: datetime | None = None) -> TicketEvent:
    """Move a ticket to `to`, stamping response / resolution times; refuses other moves.

    Moving to "waiting for customer" and resolving take a note written for the requester
    (what is awaited, what was done): the tracking page shows it. Other notes are staff-only.
    """
    if actor not in TRANSITIONS.get((ticket.status, to), ()):
        raise TransitionError(f"{actor.value}: {ticket.status.value} -> {to.value}")
    if to is S.WAITING_CUSTOMER and not note.strip():
        raise AwaitedMissing(f"ticket {ticket.id}: say what the customer is to provide")
    now = now or utcnow()
    reopen = is_reopen(ticket.status, to)
    event = record(ticket, EventKind.STATUS, user, actor_name=actor_name,
                   from_value=ticket.status.value, to_value=to.value, note=note,
                   public=is_public(ticket.status, to), now=now)
    _pause_or_resume(ticket, to, now)
    responding = ticket.status is S.NEW and ticket.responded_at is None
    ticket.status = to
    if responding:  # accepting, heading out or starting remote work: the response is made
        ticket.responded_at = now
        durations.store_response(ticket)
        if ticket.response_due_at and now > ticket.response_due_at:
            ticket.response_breached = True
    elif to is S.RESOLVED:
        ticket.resolved_at = now
        durations.store_resolution(ticket)  # the last resolution counts (see durations)
        if ticket.resolution_due_at and now > ticket.resolution_due_at:
            ticket.resolution_breached = True
    elif to is S.CLOSED:
        ticket.closed_at = now
    if reopen:
        ticket.reopen_count += 1
        ticket.resolved_at = None
        ticket.resolution_working_minutes = ticket.resolution_wall_minutes = None
    db.session.flush()
    return event


def _last_note(ticket: Ticket, status: Status) -> str:
    for event in reversed(ticket.events):
        if event.kind is EventKind.STATUS and event.to_value == status.value:
            return event.note
    return ""


def awaited(ticket: Ticket) -> str:
    """While waiting for the customer: what they are to provide, as the technician put it."""
    return _last_note(ticket, S.WAITING_CUSTOMER) if ticket.status is S.WAITING_CUSTOMER else ""


def note_for_customer(ticket: Ticket) -> str:
    """Once resolved: what was done, as written for the customer at the last resolution.

    Read from the resolution event, not `Ticket.resolution_note`: notes written before the
    resolve form said "shown to the customer" were never put there, so they stay private.
    """
    if ticket.status not in (S.RESOLVED, S.CLOSED):
        return ""
    return _last_note(ticket, S.RESOLVED)

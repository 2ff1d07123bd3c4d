"""How long the response and the resolution took, stored on the ticket when each happens.

Reports read the stored minutes; they never replay calendars. Both are counted from filing
(`created_at`), in the ticket's frozen service calendar (`sla_calendar`, in the site's time
zone) and on the wall clock:

- response: filing to the first response (`responded_at`); a ticket cannot wait for the
  customer before it is accepted, so nothing is paused here.
- resolution: filing to the *last* resolution (`resolved_at`), minus the working minutes
  spent waiting for the customer (`paused_minutes`). After a reopen the clock runs on from
  filing, as the SLA deadline does (reopening never moves it): the stored working minutes
  are what the deadline was measured against, so a ticket is late exactly when they exceed
  the promise. The wall-clock minutes include pauses and the time before a reopen.
"""

from repairapp.sla.calendar import Calendar, working_minutes_between
from repairapp.tickets.models import Ticket


def _wall(start, end) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def _working(ticket: Ticket, end) -> int:
    return working_minutes_between(ticket.created_at, end,
                                   Calendar.from_json(ticket.sla_calendar),
                                   ticket.asset.site.timezone)


def response_minutes(ticket: Ticket) -> tuple[int, int]:
    """(working, wall-clock) minutes from filing to `responded_at` (set)."""
    return _working(ticket, ticket.responded_at), _wall(ticket.created_at, ticket.responded_at)


def resolution_minutes(ticket: Ticket) -> tuple[int, int]:
    """(working, wall-clock) minutes from filing to `resolved_at` (set), the working time
    without the pauses added up so far."""
    working = _working(ticket, ticket.resolved_at) - (ticket.paused_minutes or 0)
    return max(0, working), _wall(ticket.created_at, ticket.resolved_at)


def store_response(ticket: Ticket) -> None:
    ticket.response_working_minutes, ticket.response_wall_minutes = response_minutes(ticket)


def store_resolution(ticket: Ticket) -> None:
    ticket.resolution_working_minutes, ticket.resolution_wall_minutes = \
        resolution_minutes(ticket)

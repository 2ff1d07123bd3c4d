"""Figures on the care around the repairs: the follow-ups (回访) due in the period, the
complaints filed in it, and how often each machine failed and how long it took to fix.

Which filters apply: the period picks follow-ups by their due time and complaints by their
filing time. The customer is the follow-up's or complaint's own (for one about a ticket,
the ticket's customer; a complaint without a ticket and without a customer matches no
customer). Site, plan, model, category and technician go through the ticket, as for the
tickets (repairapp.reports.services.matching): when any is chosen, follow-ups and complaints
without a ticket (a key customer's call, a caller's general complaint) are left out.
"""

from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa

from repairapp.followups.services import (
    ComplaintCounts,
    FollowUpCounts,
    complaints_between,
    followups_between,
)
from repairapp.reports.services import Filters, matching, tickets
from repairapp.tickets.models import Ticket


def ticket_ids(flt: Filters) -> sa.Select | None:
    """The ids of the tickets the filters on a ticket (site, plan, model, category,
    technician) keep, whenever filed; None when none of them is chosen."""
    conditions = matching(replace(flt, customer_id=None))
    return tickets(Ticket.id).where(*conditions) if conditions else None


def followups(flt: Filters, now: datetime | None = None) -> FollowUpCounts:
    """Follow-ups due in the period: done (by the requester's rating or by the desk), late
    (done after the due time, or open past it at `now`), open, satisfaction, still fixed."""
    return followups_between(flt.since, flt.until, customer_id=flt.customer_id or None,
                             ticket_ids=ticket_ids(flt), now=now)


def complaints(flt: Filters, now: datetime | None = None) -> ComplaintCounts:
    """Complaints filed in the period: by source, open (and past due at `now`), closed (and
    after the due time), the mean hours to close."""
    return complaints_between(flt.since, flt.until, customer_id=flt.customer_id or None,
                              ticket_ids=ticket_ids(flt), now=now)


@dataclass(frozen=True)
class Machine:
    tag: str
    name: str
    model: str
    #: "Customer · Site", as the fault distribution names a site.
    site: str
    failures: int
    #: Failures resolved now, with a stored resolution time (MTTR is over these).
    resolved: int
    #: Hours in the period per failure.
    mtbf_hours: float
    mttr_working: float | None
    mttr_wall: float | None


def machines(flt: Filters, limit: int = 20) -> list[Machine]:
    """Per machine with failures (tickets filed in the period that match the filters,
    duplicates aside; a reopened ticket is one failure): MTBF = hours in the period ÷
    failures (per model, quality.reliability multiplies by the machines), MTTR = the mean
    stored resolution time of those resolved, working and wall-clock minutes. The `limit`
    with the most failures, then the longest wall-clock MTTR (none last), then by tag."""
    from repairapp.reports.machines import per_machine
    hours = (flt.until - flt.since).total_seconds() / 3600
    return [Machine(tag, name, model or "", site, n, resolved, hours / n,
                    working / working_n if working_n else None,
                    wall / wall_n if wall_n else None)
            for tag, name, model, site, n, resolved, working, working_n, wall, wall_n
            in per_machine(flt, machines=limit).machines]

"""A technician's own open jobs, most urgent first."""

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

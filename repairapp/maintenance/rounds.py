"""A round (巡检路线): one technician's visits at one site due on one day, in the order the
technician walks them. Not stored as such: the visits sharing assignee, site and due date
are the round, and `round_position` keeps the order the technician chose."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from repairapp.assets.models import Asset
from repairapp.extensions import db
from repairapp.maintenance.models import MaintenanceVisit, VisitStatus


def ordered(visits: list[MaintenanceVisit]) -> list[MaintenanceVisit]:
    """As the technician ordered them; visits never reordered after them, by asset tag."""
    return sorted(visits, key=lambda v: (v.round_position is None, v.round_position or 0,
                                         v.asset.tag, v.id))


def round_of(visit: MaintenanceVisit) -> list[MaintenanceVisit]:
    """The visit's round, in order (cancelled visits left out); a visit nobody is assigned
    to is a round of its own."""
    if visit.assignee_id is None:
        return [visit]
    return ordered(list(db.session.scalars(
        sa.select(MaintenanceVisit).join(Asset, Asset.id == MaintenanceVisit.asset_id)
        .where(MaintenanceVisit.assignee_id == visit.assignee_id,
               Asset.site_id == visit.asset.site_id,
               MaintenanceVisit.due_date == visit.due_date,
               MaintenanceVisit.status != VisitStatus.CANCELLED)
        .options(joinedload(MaintenanceVisit.plan),
                 joinedload(MaintenanceVisit.asset).joinedload(Asset.site)))))


def move(visit: MaintenanceVisit, step: int) -> list[MaintenanceVisit]:
    """Move the visit one place earlier (-1) or later (+1) in its round; every visit of the
    round gets its position, so the order holds from then on. Returns the round."""
    visits = round_of(visit)
    at = visits.index(visit)
    to = at + step
    if 0 <= to < len(visits):
        visits[at], visits[to] = visits[to], visits[at]
    for position, each in enumerate(visits):
        each.round_position = position
    db.session.flush()
    return visits


def next_visit(visits: list[MaintenanceVisit]) -> MaintenanceVisit | None:
    """The first visit of the round not done yet (the one in progress first)."""
    open_ = [v for v in visits if v.status in (VisitStatus.PLANNED, VisitStatus.IN_PROGRESS)]
    started = [v for v in open_ if v.status is VisitStatus.IN_PROGRESS]
    return (started or open_ or [None])[0]


def is_complete(visits: list[MaintenanceVisit]) -> bool:
    return bool(visits) and all(v.status is VisitStatus.DONE for v in visits)


def groups(visits: list[MaintenanceVisit]) -> dict[tuple, int]:
    """How many of these visits share each (assignee, site, due date): for My jobs, which
    names a round where there are two or more."""
    found: dict[tuple, int] = {}
    for visit in visits:
        key = (visit.assignee_id, visit.asset.site_id, visit.due_date)
        found[key] = found.get(key, 0) + 1
    return found

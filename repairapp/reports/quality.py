"""Figures on the quality of the work: fixes, ratings, technicians, chargeable amounts and
machines that keep failing. Each one SQL aggregation over the filtered tickets."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from repairapp.accounts.models import User
from repairapp.assets.models import Asset
from repairapp.extensions import db
from repairapp.reports.services import Filters, filed, matching, scope
from repairapp.tickets.models import BillableItem, EventKind, Ticket, TicketEvent, WorkLog


def _count(condition):
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _revisited(flt: Filters):
    """The tickets with two or more on-site visits (check-ins) that may have been filed in
    the period: a visit comes after the filing, so only the visits since the period's
    start are read (ix_ticket_events_kind_created_at), never one ticket's at a time."""
    return (sa.select(TicketEvent.ticket_id)
            .where(TicketEvent.kind == EventKind.CHECK_IN, TicketEvent.created_at >= flt.since)
            .group_by(TicketEvent.ticket_id).having(sa.func.count() > 1))


@dataclass(frozen=True)
class Quality:
    filed: int
    resolved: int
    first_time_fixed: int
    reopened: int
    duplicates: int


def quality(flt: Filters) -> Quality:
    """Of the tickets filed in the period: resolved (now), fixed the first time (resolved
    with at most one on-site visit and never reopened), reopened at least once, duplicates
    (merged into an earlier ticket)."""
    resolved = Ticket.resolved_at.is_not(None)
    row = db.session.execute(scope(
        flt, sa.func.count(Ticket.id), _count(resolved),
        _count(sa.and_(resolved, Ticket.reopen_count == 0,
                       Ticket.id.not_in(_revisited(flt)))),
        _count(Ticket.reopen_count > 0), _count(Ticket.merged_into_id.is_not(None)))
        .where(*filed(flt))).one()
    return Quality(*(int(v or 0) for v in row))


@dataclass(frozen=True)
class Satisfaction:
    finished: int
    rated: int
    average: float | None
    by_stars: dict[int, int]


def satisfaction(flt: Filters) -> Satisfaction:
    """Ratings of the tickets filed in the period: the average, how many gave each number of
    stars, and the share of finished tickets (resolved or closed, duplicates aside) rated."""
    finished = sa.and_(sa.or_(Ticket.resolved_at.is_not(None), Ticket.closed_at.is_not(None)),
                       Ticket.merged_into_id.is_(None))
    row = db.session.execute(scope(
        flt, _count(finished), sa.func.count(Ticket.rating), sa.func.avg(Ticket.rating),
        *(_count(Ticket.rating == n) for n in range(1, 6))).where(*filed(flt))).one()
    return Satisfaction(int(row[0] or 0), int(row[1] or 0),
                        None if row[2] is None else float(row[2]),
                        {n: int(row[2 + n] or 0) for n in range(1, 6)})


@dataclass(frozen=True)
class Technician:
    name: str
    jobs: int = 0
    resolved: int = 0
    minutes: int = 0
    visits: int = 0
    resolution_decided: int = 0
    resolution_met: int = 0


def technicians(flt: Filters) -> list[Technician]:
    """Per technician: the period's tickets assigned to them and resolved, the resolution
    targets decided and met among those, and the minutes they logged and visits they made
    in the period on tickets that match the filters (whenever those were filed)."""
    decided = sa.and_(Ticket.resolution_due_at.is_not(None),
                      sa.or_(Ticket.resolution_breached, Ticket.resolved_at.is_not(None)))
    jobs = db.session.execute(scope(
        flt, Ticket.assignee_id, sa.func.count(Ticket.id),
        _count(Ticket.resolved_at.is_not(None)),
        _count(decided), _count(sa.and_(decided, sa.not_(Ticket.resolution_breached))))
        .where(*filed(flt), Ticket.assignee_id.is_not(None)).group_by(Ticket.assignee_id))
    minutes = db.session.execute(_logged(flt, WorkLog, WorkLog.user_id,
                                         sa.func.sum(WorkLog.minutes)))
    visits = db.session.execute(_logged(flt, TicketEvent, TicketEvent.actor_id,
                                        sa.func.count())
                                .where(TicketEvent.kind == EventKind.CHECK_IN))
    people: dict[int, dict] = {}
    for user_id, n, done, dec, met in jobs:
        people.setdefault(user_id, {}).update(jobs=n, resolved=int(done or 0),
                                              resolution_decided=int(dec or 0),
                                              resolution_met=int(met or 0))
    for user_id, total in minutes:
        people.setdefault(user_id, {})["minutes"] = int(total or 0)
    for user_id, n in visits:
        if user_id is not None:
            people.setdefault(user_id, {})["visits"] = n
    names = dict(db.session.execute(sa.select(User.id, User.name).where(
        User.id.in_(people))).all()) if people else {}
    return sorted((Technician(names.get(i, "?"), **v) for i, v in people.items()),
                  key=lambda t: (-t.jobs, t.name))


def _logged(flt: Filters, model, who, total):
    """Per person, `total` over the rows of `model` (work logs, events) made in the period
    on tickets that match the filters; the tickets are joined only when a filter asks."""
    query = sa.select(who, total).where(model.created_at >= flt.since,
                                        model.created_at < flt.until).group_by(who)
    conditions = matching(flt)
    if conditions:
        query = query.where(model.ticket_id.in_(scope(flt, Ticket.id).where(*conditions)))
    return query


def chargeable(flt: Filters) -> list[tuple[str, Decimal, Decimal]]:
    """Billable items of the tickets filed in the period, per kind: quantity and amount
    (parts quoted separately have no amount and add none)."""
    rows = db.session.execute(scope(
        flt, BillableItem.kind, sa.func.sum(BillableItem.quantity),
        sa.func.coalesce(sa.func.sum(BillableItem.amount), 0))
        .join(BillableItem, BillableItem.ticket_id == Ticket.id)
        .where(*filed(flt)).group_by(BillableItem.kind).order_by(BillableItem.kind))
    return [(kind, Decimal(q), Decimal(a).quantize(Decimal("0.01"))) for kind, q, a in rows]


def repeated(flt: Filters, times: int = 3, days: int = 90,
             limit: int | None = None) -> list[tuple[str, str, str, int]]:
    """Machines with `times` or more tickets (duplicates aside) filed in the `days` days up
    to the period's end: tag, name, model and how many, most first (the first `limit`)."""
    # Duplicates aside by a conditional count, not a WHERE: SQLite would otherwise read
    # the tickets through the index on merged_into_id (where NULL is nearly every row).
    count = _count(Ticket.merged_into_id.is_(None))
    failing = (scope(flt, Ticket.asset_id, count.label("n"))
               .where(Ticket.created_at >= flt.until - timedelta(days=days),
                      Ticket.created_at < flt.until, *matching(flt))
               .group_by(Ticket.asset_id).having(count >= times).subquery("failing"))
    rows = db.session.execute(
        sa.select(Asset.tag, Asset.name, Asset.model, failing.c.n)
        .join(failing, failing.c.asset_id == Asset.id).order_by(failing.c.n.desc(), Asset.tag)
        .limit(limit))
    return [tuple(r) for r in rows]


@dataclass(frozen=True)
class Reliability:
    model: str
    machines: int
    failures: int
    #: Machine-hours in the period per failure; None without failures.
    mtbf_hours: float | None
    #: Mean resolution time of the failures resolved, in minutes.
    mttr_working: float | None
    mttr_wall: float | None


def reliability(flt: Filters) -> list[Reliability]:
    """Per asset model: its machines (not archived, within the customer/site filters), the
    failures (tickets filed in the period, duplicates aside), MTBF = machines x hours in the
    period / failures, and MTTR = mean stored resolution time of those failures."""
    fleet = sa.select(Asset.model.label("model"), sa.func.count(Asset.id).label("machines"))
    fleet = fleet.where(Asset.is_archived.is_(False))
    if flt.customer_id or flt.site_id:
        from repairapp.customers.models import Site
        fleet = fleet.join(Site, Site.id == Asset.site_id)
        fleet = fleet.where(*([Site.customer_id == flt.customer_id] if flt.customer_id else []),
                            *([Asset.site_id == flt.site_id] if flt.site_id else []))
    if flt.model:
        fleet = fleet.where(Asset.model == flt.model)
    fleet = fleet.group_by(Asset.model).subquery("fleet")
    # Per machine from the period's index, then per model: (sum, count) of each duration,
    # so the mean is over the tickets, as AVG over them would give.
    # Duplicates aside by conditional sums (see repeated()).
    per = (scope(flt, Ticket.asset_id, _count(_FAILURE).label("n"),
                 *_sum_count(Ticket.resolution_working_minutes, "working"),
                 *_sum_count(Ticket.resolution_wall_minutes, "wall"))
           .where(*filed(flt)).group_by(Ticket.asset_id).subquery("per_machine"))
    failures = (sa.select(Asset.model.label("model"), *(
        sa.func.sum(column).label(column.name) for column in list(per.c)[1:]))
        .join(per, per.c.asset_id == Asset.id).group_by(Asset.model)
        .having(sa.func.sum(per.c.n) > 0).subquery("failed"))
    rows = db.session.execute(
        sa.select(failures.c.model, fleet.c.machines, failures.c.n, failures.c.working_sum,
                  failures.c.working_n, failures.c.wall_sum, failures.c.wall_n)
        .select_from(failures).outerjoin(fleet, fleet.c.model == failures.c.model)
        .order_by(failures.c.n.desc(), failures.c.model))
    hours = (flt.until - flt.since).total_seconds() / 3600
    return [Reliability(model, int(machines or 0), int(n),
                        int(machines or 0) * hours / int(n) if n else None,
                        _mean(working, working_n), _mean(wall, wall_n))
            for model, machines, n, working, working_n, wall, wall_n in rows]


#: A failure: a ticket that is not a duplicate.
_FAILURE = Ticket.merged_into_id.is_(None)


def _sum_count(column, name: str) -> tuple:
    """Sum and count of a failure's `column`."""
    value = sa.case((_FAILURE, column))
    return sa.func.sum(value).label(name + "_sum"), sa.func.count(value).label(name + "_n")


def _mean(total, n) -> float | None:
    return int(total) / int(n) if n else None

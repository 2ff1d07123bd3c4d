"""Figures on the quality of the work: fixes, ratings, technicians, chargeable amounts and
machines that keep failing. Each one SQL aggregation over the filtered tickets."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from repairapp.accounts.models import User
from repairapp.assets.models import Asset
from repairapp.extensions import db
from repairapp.reports.services import Filters, filed, grouped, matching, scope, totals
from repairapp.tickets.models import BillableItem, EventKind, Ticket, TicketEvent, WorkLog


def _count(condition):
    return sa.func.sum(sa.case((condition, 1), else_=0))


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
    (merged into an earlier ticket). Counted in services.totals()."""
    t = totals(flt)
    return Quality(t.filed, t.resolved, t.first_time_fixed, t.reopened, t.duplicates)


@dataclass(frozen=True)
class Satisfaction:
    finished: int
    rated: int
    average: float | None
    by_stars: dict[int, int]


def satisfaction(flt: Filters) -> Satisfaction:
    """Ratings of the tickets filed in the period: the average, how many gave each number of
    stars, and the share of finished tickets (resolved or closed, duplicates aside) rated.
    Counted in services.totals()."""
    t = totals(flt)
    return Satisfaction(t.finished, t.rated, t.average_rating, dict(t.by_stars))


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
    jobs = grouped(flt).assignees  # per assignee, counted with the other small groups
    minutes = db.session.execute(_logged(flt, WorkLog, WorkLog.user_id,
                                         sa.func.sum(WorkLog.minutes)))
    visits = db.session.execute(_logged(flt, TicketEvent, TicketEvent.actor_id,
                                        sa.func.count())
                                .where(TicketEvent.kind == EventKind.CHECK_IN))
    people: dict[int, dict] = {}
    for user_id, n, done, dec, met in jobs:
        people.setdefault(user_id, {}).update(jobs=n, resolved=done, resolution_decided=dec,
                                              resolution_met=met)
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
    from repairapp.reports import machines
    if (times, days) == (machines.TIMES, machines.DAYS) and limit is not None and \
            limit <= machines.REPEATED:
        # As the page lists them: counted with the other figures per machine.
        return list(machines.per_machine(flt).repeated[:limit])
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
    from repairapp.reports.machines import per_machine
    hours = (flt.until - flt.since).total_seconds() / 3600
    return [Reliability(m.model, m.machines or 0, m.failures,
                        (m.machines or 0) * hours / m.failures,
                        _mean(m.working_sum, m.working_n), _mean(m.wall_sum, m.wall_n))
            for m in per_machine(flt).models_failed]


def _mean(total, n) -> float | None:
    return int(total) / int(n) if n else None

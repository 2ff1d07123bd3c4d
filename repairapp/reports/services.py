"""The report's figures, each one SQL aggregation over the tickets the filters select.

Services take plain values (a `Filters`) and return plain rows; nothing loops over tickets
in Python. Durations are the minutes stored on each ticket when it was responded to and
resolved (tickets/durations.py): a report never replays calendars.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles

from repairapp.assets.models import Asset
from repairapp.contracts.models import Severity
from repairapp.db import UTCDateTime
from repairapp.extensions import db
from repairapp.tickets.models import Category, Ticket

#: Periods are whole days in this zone (the one pages show times in).
ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Filters:
    """Which tickets a report covers: filed from `start` to `end` (whole days, inclusive),
    optionally one customer, site, plan, asset model, category or technician."""

    start: date
    end: date
    customer_id: int | None = None
    site_id: int | None = None
    plan_id: int | None = None
    model: str = ""
    category: Category | None = None
    technician_id: int | None = None

    @property
    def since(self) -> datetime:
        return day_start(self.start)

    @property
    def until(self) -> datetime:
        """The first moment after the period."""
        return day_start(self.end + timedelta(days=1))


def day_start(day: date) -> datetime:
    """Midnight of `day` in the report's zone, in UTC."""
    return datetime.combine(day, time(), ZoneInfo(ZONE)).astimezone(UTC)


def matching(flt: Filters) -> list:
    """The conditions on Ticket (joined with its Asset) for every filter but the period."""
    conditions = []
    if flt.customer_id:
        conditions.append(Ticket.customer_id == flt.customer_id)
    if flt.site_id:
        conditions.append(Asset.site_id == flt.site_id)
    if flt.plan_id:
        conditions.append(Ticket.plan_id == flt.plan_id)
    if flt.model:
        conditions.append(Asset.model == flt.model)
    if flt.category:
        conditions.append(Ticket.category == flt.category)
    if flt.technician_id:
        conditions.append(Ticket.assignee_id == flt.technician_id)
    return conditions


def filed(flt: Filters) -> list:
    """The conditions for the tickets filed in the period that match the filters."""
    return [Ticket.created_at >= flt.since, Ticket.created_at < flt.until, *matching(flt)]


def tickets(*columns):
    """SELECT columns FROM tickets JOIN assets (every filter may name the asset)."""
    return sa.select(*columns).select_from(Ticket).join(Asset, Asset.id == Ticket.asset_id)


def scope(flt: Filters, *columns):
    """SELECT columns FROM tickets, joined with assets only when a filter names the asset:
    without the join the period's tickets are read from one index alone (migration 0017)."""
    query = sa.select(*columns).select_from(Ticket)
    if flt.site_id or flt.model:
        query = query.join(Asset, Asset.id == Ticket.asset_id)
    return query


# -- Volume over time ---------------------------------------------------------------------

@dataclass(frozen=True)
class Bucket:
    start: date
    filed: int = 0
    resolved: int = 0
    backlog: int = 0


def bucket_days(flt: Filters) -> int:
    """Days per bucket: a day for up to two months, else a week, past two years 30 days."""
    days = (flt.end - flt.start).days + 1
    return 1 if days <= 62 else 7 if days <= 732 else 30


def volume(flt: Filters) -> list[Bucket]:
    """Per bucket: tickets filed, tickets resolved, and the tickets open at the bucket's end
    (filed before it, neither resolved nor closed by then; a reopened ticket counts as open
    from its reopening, as its resolution time was cleared).

    Open at an edge is the tickets open at the period's start, plus those filed, minus
    those ended (resolved or closed) since. Every ticket that counts is one not ended
    before the period and filed before its end: read once, from an index on the resolution
    and closing times (three ranges: resolved since the start, closed unresolved since the
    start, neither), counted per (filing, resolution, end) bucket and summed per bucket in
    the same query. So a report reads its period and what came after, never the history
    before it, and never once per bucket."""
    step = bucket_days(flt)
    starts = [flt.start + timedelta(days=d) for d in range(0, (flt.end - flt.start).days + 1,
                                                             step)]
    seconds = step * 86400 if len(starts) > 1 else int((flt.until - flt.since).total_seconds())
    counts = {(int(kind), int(i)): int(n)
              for kind, i, n in db.session.execute(_volume_query(flt, seconds))}
    buckets, open_now = [], counts.get((_FILED, -1), 0)
    for i, s in enumerate(starts):  # buckets, not tickets
        filed_n, ended_n = counts.get((_FILED, i), 0), counts.get((_ENDED, i), 0)
        open_now += filed_n - ended_n
        buckets.append(Bucket(s, filed_n, counts.get((_RESOLVED, i), 0), open_now))
    return buckets


_FILED, _RESOLVED, _ENDED = range(3)


def _volume_query(flt: Filters, seconds: int):
    """(kind, bucket, tickets) rows, kind _FILED, _RESOLVED or _ENDED; bucket -1 of _FILED
    is the tickets filed before the period and open at its start."""
    resolved, closed = Ticket.resolved_at, Ticket.closed_at
    done = sa.func.coalesce(resolved, closed, type_=UTCDateTime())
    since = sa.bindparam("since", flt.since, UTCDateTime())

    def bucket(column):
        return _BucketIndex(column, since, seconds)

    def in_period(column):
        return sa.and_(column >= flt.since, column < flt.until)

    columns = (sa.case((Ticket.created_at < flt.since, -1),
                       else_=bucket(Ticket.created_at)).label("filed"),
               sa.case((in_period(resolved), bucket(resolved))).label("resolved"),
               sa.case((done < flt.until, bucket(done))).label("ended"))
    # Not ended before the period: three ranges of ix_tickets_resolved_at_closed_at.
    arms = [resolved >= flt.since, sa.and_(resolved.is_(None), closed >= flt.since),
            sa.and_(resolved.is_(None), closed.is_(None))]
    rows = sa.union_all(*(scope(flt, *columns).where(arm, Ticket.created_at < flt.until,
                                                     *matching(flt)) for arm in arms))
    rows = rows.subquery("counted")
    grouped = (sa.select(rows.c.filed, rows.c.resolved, rows.c.ended, sa.func.count().label("n"))
               .group_by(rows.c.filed, rows.c.resolved, rows.c.ended).cte("grouped"))
    return sa.union_all(*(
        sa.select(sa.literal(kind), column, sa.func.sum(grouped.c.n))
        .where(column.is_not(None)).group_by(column)
        for kind, column in ((_FILED, grouped.c.filed), (_RESOLVED, grouped.c.resolved),
                             (_ENDED, grouped.c.ended))))


class _BucketIndex(sa.sql.expression.FunctionElement):
    """Whole `seconds` from `since` to the column's time: the bucket's number, from the
    seconds between them (one subtraction a row, where a CASE over the edges would compare
    a row with every edge)."""

    type = sa.Integer()
    inherit_cache = True

    def __init__(self, column, since, seconds: int):
        super().__init__(column, since, sa.literal(seconds))


@compiles(_BucketIndex, "sqlite")
def _bucket_sqlite(element, compiler, **kw):
    column, since, seconds = (compiler.process(c, **kw) for c in element.clauses)
    return (f"((CAST(strftime('%s', {column}) AS INTEGER)"
            f" - CAST(strftime('%s', {since}) AS INTEGER)) / {seconds})")


@compiles(_BucketIndex, "postgresql")
def _bucket_postgresql(element, compiler, **kw):
    column, since, seconds = (compiler.process(c, **kw) for c in element.clauses)
    # date_part gives a double (EXTRACT a numeric, several times slower per row); whole
    # seconds and microseconds are exact in a double, so the floor is the same.
    return f"CAST(floor(date_part('epoch', {column} - {since}) / {seconds}) AS INTEGER)"


# -- Fault distribution -------------------------------------------------------------------

def distribution(flt: Filters, by: str) -> list[tuple[str, int]]:
    """Tickets filed in the period per category, asset model, site or customer, most first
    (a site is named with its customer).

    The tickets are counted per category, machine or customer from the period's index
    alone; only those counts (thousands at most) are joined with machines, sites and
    customers for their names."""
    from repairapp.customers.models import Customer, Site

    count = sa.func.count(Ticket.id)
    if by == "category":
        query = scope(flt, Ticket.category, count).where(*filed(flt)).group_by(Ticket.category)
        query = query.order_by(count.desc(), Ticket.category)
    elif by == "customer":
        per = _counted(flt, Ticket.customer_id)
        total = sa.func.sum(per.c.n)
        query = (sa.select(Customer.name, total).join(per, per.c.key == Customer.id)
                 .group_by(Customer.id, Customer.name).order_by(total.desc(), Customer.name))
    else:
        per = _counted(flt, Ticket.asset_id)
        total = sa.func.sum(per.c.n)
        query = sa.select(Asset.model, total).join(per, per.c.key == Asset.id)
        if by == "model":
            query = query.group_by(Asset.model).order_by(total.desc(), Asset.model)
        else:
            label = Customer.name + " · " + Site.name
            query = (sa.select(label, total).select_from(Asset).join(per, per.c.key == Asset.id)
                     .join(Site, Site.id == Asset.site_id)
                     .join(Customer, Customer.id == Site.customer_id)
                     .group_by(Site.id, Customer.name, Site.name).order_by(total.desc(), label))
    return [(label.value if isinstance(label, Category) else label, int(n))
            for label, n in db.session.execute(query)]


def _counted(flt: Filters, key):
    """The period's tickets counted per `key` (a column of Ticket): (key, n)."""
    return (scope(flt, key.label("key"), sa.func.count(Ticket.id).label("n"))
            .where(*filed(flt)).group_by(key).subquery("counted"))


# -- Time to respond and to resolve -------------------------------------------------------

#: The stored durations, by the names the page and the exports use.
DURATIONS = {
    "response_working": Ticket.response_working_minutes,
    "response_wall": Ticket.response_wall_minutes,
    "resolution_working": Ticket.resolution_working_minutes,
    "resolution_wall": Ticket.resolution_wall_minutes,
}


@dataclass(frozen=True)
class Spread:
    """Mean, median and 90th percentile (linear interpolation, as PostgreSQL's
    percentile_cont) of `count` durations in minutes; None when there are none."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None


def durations(flt: Filters) -> dict[str, Spread]:
    """The spread of each stored duration over the tickets filed in the period that have it.

    One query for all four. PostgreSQL has percentile_cont; SQLite has none, so there each
    value is counted (GROUP BY the value) and a running total of those counts in value
    order gives each value's ranks: the values either side of a percentile's position are
    picked by rank and interpolated as percentile_cont does. No row is read into Python."""
    if db.session.get_bind().dialect.name == "postgresql":
        return _durations_postgresql(flt)
    counted = sa.union_all(*(
        scope(flt, sa.literal(i).label("k"), column.label("v"),
              sa.func.count().label("c")).where(*filed(flt), column.is_not(None))
        .group_by(column)
        for i, column in enumerate(DURATIONS.values()))).subquery("counted")
    k, v, c = counted.c.k, counted.c.v, counted.c.c
    ranked = sa.select(
        k, v, c, sa.func.sum(c).over(partition_by=k, order_by=v).label("upto"),
        sa.func.sum(c).over(partition_by=k).label("n")).subquery("ranked")
    n = sa.cast(ranked.c.n, sa.Integer)

    def at(position):
        """The value ranked `position` (1 = smallest): its group's ranks reach it."""
        last = sa.cast(ranked.c.upto, sa.Integer)
        return sa.func.max(sa.case((sa.and_(last - ranked.c.c < position, position <= last),
                                    ranked.c.v)))

    rows = db.session.execute(
        sa.select(ranked.c.k, sa.func.max(n), sa.func.sum(ranked.c.v * ranked.c.c),
                  at((n - 1) // 2 + 1), at((n - 1) // 2 + 2),
                  at((n - 1) * 9 // 10 + 1), at((n - 1) * 9 // 10 + 2))
        .group_by(ranked.c.k))
    found = {int(i): (n, int(total) / n, *picked) for i, n, total, *picked in rows}
    return {name: _spread(found.get(i, (0, None, None, None, None, None)))
            for i, name in enumerate(DURATIONS)}


def _durations_postgresql(flt: Filters) -> dict[str, Spread]:
    columns = []
    for column in DURATIONS.values():
        columns += [sa.func.count(column), sa.func.sum(column),
                    sa.func.percentile_cont(0.5).within_group(column),
                    sa.func.percentile_cont(0.9).within_group(column)]
    row = db.session.execute(scope(flt, *columns).where(*filed(flt))).one()
    spreads = {}
    for i, name in enumerate(DURATIONS):
        n, total, median, p90 = row[4 * i:4 * i + 4]
        spreads[name] = Spread(n, int(total) / n, float(median), float(p90)) if n else \
            Spread(0, None, None, None)
    return spreads


def _spread(values) -> Spread:
    n, mean, med_lo, med_hi, p90_lo, p90_hi = values
    n = int(n or 0)
    if not n:
        return Spread(0, None, None, None)

    def between(lo, hi, numerator, denominator):
        fraction = (numerator * (n - 1)) % denominator / denominator
        return float(lo) + (float(hi) - float(lo)) * fraction if fraction else float(lo)

    return Spread(n, float(mean), between(med_lo, med_hi, 1, 2), between(p90_lo, p90_hi, 9, 10))


# -- SLA compliance -----------------------------------------------------------------------

@dataclass(frozen=True)
class Compliance:
    """Of the tickets whose target is decided (met, or breached), how many were met."""

    plan: str
    severity: Severity | None
    response_decided: int
    response_met: int
    resolution_decided: int
    resolution_met: int

    @staticmethod
    def rate(met: int, decided: int) -> float | None:
        return met / decided if decided else None

    @property
    def response_rate(self) -> float | None:
        return self.rate(self.response_met, self.response_decided)

    @property
    def resolution_rate(self) -> float | None:
        return self.rate(self.resolution_met, self.resolution_decided)


def compliance(flt: Filters) -> list[Compliance]:
    """SLA compliance of the tickets filed in the period, per plan (as named at filing) and
    severity, from the breach flags recorded when a target was missed. A target is decided
    once it is breached or the ticket was responded to (resolved) in time; a ticket without
    a target, or still inside it, is not counted."""
    rows = db.session.execute(
        scope(flt, Ticket.plan_name, Ticket.severity, *_decided(Ticket.response_due_at,
                                                              Ticket.responded_at,
                                                              Ticket.response_breached),
                *_decided(Ticket.resolution_due_at, Ticket.resolved_at,
                          Ticket.resolution_breached))
        .where(*filed(flt)).group_by(Ticket.plan_name, Ticket.severity)
        .order_by(Ticket.plan_name, Ticket.severity))
    return [Compliance(plan, severity, *(int(v or 0) for v in counts))
            for plan, severity, *counts in rows]


def _decided(due, done, breached):
    decided = sa.and_(due.is_not(None), sa.or_(breached, done.is_not(None)))
    return (sa.func.sum(sa.case((decided, 1), else_=0)),
            sa.func.sum(sa.case((sa.and_(decided, sa.not_(breached)), 1), else_=0)))

"""The report's figures, each one SQL aggregation over the tickets the filters select.

Services take plain values (a `Filters`) and return plain rows; nothing loops over tickets
in Python. Durations are the minutes stored on each ticket when it was responded to and
resolved (tickets/durations.py): a report never replays calendars.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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


# -- Reading the period once -----------------------------------------------------------
#
# Several figures count the same tickets grouped differently; each such group of figures
# is one query (grouped(), totals(), and reports.machines.per_machine()). Inside
# `one_read()` (a whole report: the page, the customer's report) each of those queries runs
# once and every figure that needs it takes its rows; outside it, a figure runs the query
# itself. Nothing outlives the block: the next report reads the database again.

_read: ContextVar[dict | None] = ContextVar("report_read", default=None)


@contextmanager
def one_read() -> Iterator[None]:
    """Within the block, the shared queries of a report run once per set of filters."""
    token = _read.set({})
    try:
        yield
    finally:
        _read.reset(token)


def once(key: tuple, run: Callable[[], object]):
    """`run()`, or within `one_read()` the result it gave for `key` in this block."""
    read = _read.get()
    if read is None:
        return run()
    if key not in read:
        read[key] = run()
    return read[key]


def postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


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

    The tickets are counted per category and per customer in one query with the other
    small groupings (grouped()), per machine in one with the other figures per machine
    (reports.machines): only those counts (thousands at most) are joined with machines,
    sites and customers for their names."""
    if by == "category":
        return [(category.value, n) for category, n in grouped(flt).categories]
    if by == "customer":
        return list(grouped(flt).customers)
    from repairapp.reports import machines
    per = machines.per_machine(flt)
    return list(per.models_filed if by == "model" else per.sites)


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

    PostgreSQL has percentile_cont: there the four spreads are part of totals(), the
    period's one-row figures. SQLite has none, so there each value is counted (GROUP BY the
    value) and a running total of those counts in value order gives each value's ranks:
    the values either side of a percentile's position are picked by rank and interpolated
    as percentile_cont does, one query for all four. No row is read into Python."""
    if postgresql():
        return totals(flt).durations
    return once(("durations", flt), lambda: _durations_sqlite(flt))


def _durations_sqlite(flt: Filters) -> dict[str, Spread]:
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


# -- The period's one-row figures, in one query -------------------------------------------

@dataclass(frozen=True)
class Totals:
    """Counts over all the tickets filed in the period (quality.quality and
    quality.satisfaction show them) and, on PostgreSQL, the durations' spreads."""

    filed: int
    resolved: int
    first_time_fixed: int
    reopened: int
    duplicates: int
    #: Resolved or closed, duplicates aside.
    finished: int
    rated: int
    average_rating: float | None
    by_stars: dict[int, int]
    durations: dict[str, Spread] | None


def totals(flt: Filters) -> Totals:
    """Totals, in one read of the period."""
    return once(("totals", flt), lambda: _totals(flt))


def _totals(flt: Filters) -> Totals:
    resolved = Ticket.resolved_at.is_not(None)
    finished = sa.and_(sa.or_(resolved, Ticket.closed_at.is_not(None)),
                       Ticket.merged_into_id.is_(None))
    columns = [
        sa.func.count(Ticket.id), sa.func.count(Ticket.resolved_at),
        # At most one on-site visit: the check-ins counted on the ticket (visit_count,
        # migration 0025), not read from the events.
        sa.func.count().filter(sa.and_(resolved, Ticket.reopen_count == 0,
                                       Ticket.visit_count <= 1)),
        sa.func.count().filter(Ticket.reopen_count > 0), sa.func.count(Ticket.merged_into_id),
        sa.func.count().filter(finished), sa.func.count(Ticket.rating),
        sa.func.avg(Ticket.rating),
        *(sa.func.count().filter(Ticket.rating == n) for n in range(1, 6))]
    spread = postgresql()
    if spread:
        # Both percentiles from one sort of each duration.
        both = sa.literal([0.5, 0.9], sa.ARRAY(sa.Float))
        for column in DURATIONS.values():
            columns += [sa.func.count(column), sa.func.sum(column),
                        sa.func.percentile_cont(both).within_group(column)]
    row = db.session.execute(
        scope(flt, *columns).where(*filed(flt))).one()
    counts = [int(v or 0) for v in row[:7]]
    average = None if row[7] is None else float(row[7])
    stars = {n: int(row[7 + n] or 0) for n in range(1, 6)}
    spreads = None
    if spread:
        spreads = {}
        for i, name in enumerate(DURATIONS):
            n, total, percentiles = row[13 + 3 * i:16 + 3 * i]
            spreads[name] = Spread(n, int(total) / n, *map(float, percentiles)) if n else \
                Spread(0, None, None, None)
    return Totals(*counts, average, stars, spreads)


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
    return list(grouped(flt).compliance)


# -- The period's tickets in small groups, in one query -----------------------------------

@dataclass(frozen=True)
class Grouped:
    """The tickets filed in the period counted per category, per customer, per plan and
    severity, and per technician (assignee), each group in the order its figure shows."""

    #: (category, tickets), most first.
    categories: tuple[tuple[Category, int], ...]
    #: (customer's name, tickets), most first.
    customers: tuple[tuple[str, int], ...]
    #: Per plan (as named at filing) and severity, by plan and severity.
    compliance: tuple[Compliance, ...]
    #: (user id, tickets, resolved, resolutions decided, resolutions met) per assignee.
    assignees: tuple[tuple[int, int, int, int, int], ...]


#: The groupings of grouped(), in its `g` column.
_CATEGORY, _CUSTOMER, _PLAN, _ASSIGNEE = range(4)


def grouped(flt: Filters) -> Grouped:
    """Grouped, from one read of the period: PostgreSQL counts the four groupings in one
    pass (GROUPING SETS); SQLite, which has none, gets the same rows from a UNION ALL of
    the four GROUP BYs. The customers' names are joined to their counts only."""
    return once(("grouped", flt), lambda: _grouped(flt))


def _grouped(flt: Filters) -> Grouped:
    keys = {_CATEGORY: (Ticket.category,), _CUSTOMER: (Ticket.customer_id,),
            _PLAN: (Ticket.plan_name, Ticket.severity), _ASSIGNEE: (Ticket.assignee_id,)}
    every = [column for columns in keys.values() for column in columns]
    counts = (sa.func.count(Ticket.id).label("n"),
              sa.func.count(Ticket.resolved_at).label("resolved"),
              *(c.label(name) for c, name in zip(
                  (*_decided(Ticket.response_due_at, Ticket.responded_at,
                             Ticket.response_breached),
                   *_decided(Ticket.resolution_due_at, Ticket.resolved_at,
                             Ticket.resolution_breached)),
                  ("response_decided", "response_met", "resolution_decided", "resolution_met"),
                  strict=True)))
    if postgresql():
        g = sa.case(*((sa.func.grouping(columns[0]) == 0, i) for i, columns in keys.items()
                      if i != _ASSIGNEE), else_=_ASSIGNEE)
        rows = (scope(flt, g.label("g"), *every, *counts).where(*filed(flt))
                .group_by(sa.func.grouping_sets(*(sa.tuple_(*c) for c in keys.values()))))
    else:
        rows = sa.union_all(*(
            scope(flt, sa.literal(i).label("g"),
                  *(c if c in columns else sa.type_coerce(sa.null(), c.type).label(c.name)
                    for c in every), *counts)
            .where(*filed(flt)).group_by(*columns)
            for i, columns in keys.items()))
    rows = rows.subquery("grouped")
    from repairapp.customers.models import Customer
    c = rows.c
    named = sa.case((c.g == _CATEGORY, c.category), (c.g == _CUSTOMER, Customer.name),
                    (c.g == _PLAN, c.plan_name))
    query = (sa.select(c.g, c.category, Customer.name, c.plan_name, c.severity, c.assignee_id,
                       c.n, c.resolved, c.response_decided, c.response_met,
                       c.resolution_decided, c.resolution_met)
             .select_from(rows)
             .outerjoin(Customer, sa.and_(c.g == _CUSTOMER, Customer.id == c.customer_id))
             .order_by(c.g, sa.case((c.g.in_([_CATEGORY, _CUSTOMER]), -c.n)), named,
                       c.severity))
    found: dict[int, list] = {i: [] for i in keys}
    for g, category, customer, plan, severity, assignee, n, *more in db.session.execute(query):
        more = [int(v or 0) for v in more]
        if g == _CATEGORY:
            found[g].append((category, int(n)))
        elif g == _CUSTOMER:
            found[g].append((customer, int(n)))
        elif g == _PLAN:
            found[g].append(Compliance(plan, severity, *more[1:]))
        elif assignee is not None:
            found[g].append((assignee, int(n), more[0], *more[3:]))
    return Grouped(*(tuple(found[i]) for i in keys))


def _decided(due, done, breached):
    decided = sa.and_(due.is_not(None), sa.or_(breached, done.is_not(None)))
    return (sa.func.sum(sa.case((decided, 1), else_=0)),
            sa.func.sum(sa.case((sa.and_(decided, sa.not_(breached)), 1), else_=0)))

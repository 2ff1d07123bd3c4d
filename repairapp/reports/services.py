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

    Three scans, each grouped by bucket (a CASE over the bucket edges, the same on both
    databases): filings, resolutions, and ends (resolved or closed). Open at an edge is
    everything filed before it minus everything ended before it, so the whole history is
    read once per scan, never once per bucket."""
    step = bucket_days(flt)
    starts = [flt.start + timedelta(days=d) for d in range(0, (flt.end - flt.start).days + 1,
                                                             step)]
    ends = [day_start(min(s + timedelta(days=step), flt.end + timedelta(days=1)))
            for s in starts]
    done = sa.func.coalesce(Ticket.resolved_at, Ticket.closed_at, type_=UTCDateTime())
    filed_in = _histogram(Ticket.created_at, ends, flt)
    resolved_in = _histogram(Ticket.resolved_at, ends, flt)
    ended_in = _histogram(done, ends, flt)
    buckets, opened, ended = [], filed_in.get(-1, 0), ended_in.get(-1, 0)
    for i, s in enumerate(starts):  # buckets, not tickets
        opened, ended = opened + filed_in.get(i, 0), ended + ended_in.get(i, 0)
        buckets.append(Bucket(s, filed_in.get(i, 0), resolved_in.get(i, 0), opened - ended))
    return buckets


def _histogram(column, ends: list[datetime], flt: Filters) -> dict[int, int]:
    """How many matching tickets have `column` before the period (-1) and in each bucket."""
    step = int((ends[0] - flt.since).total_seconds()) if len(ends) > 1 else 0
    index = _BucketIndex(column, sa.bindparam("since", flt.since, UTCDateTime()),
                         step or int((flt.until - flt.since).total_seconds()))
    bucket = sa.case((column < flt.since, -1), else_=index)
    rows = db.session.execute(tickets(bucket, sa.func.count(Ticket.id))
                              .where(column < flt.until, *matching(flt)).group_by(bucket))
    return {int(i): n for i, n in rows}


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
    return f"CAST(floor(EXTRACT(EPOCH FROM ({column} - {since})) / {seconds}) AS INTEGER)"


# -- Fault distribution -------------------------------------------------------------------

def distribution(flt: Filters, by: str) -> list[tuple[str, int]]:
    """Tickets filed in the period per category, asset model, site or customer, most first
    (a site is named with its customer)."""
    from repairapp.customers.models import Customer, Site

    if by == "category":
        key, query = Ticket.category, tickets(Ticket.category)
    elif by == "model":
        key, query = Asset.model, tickets(Asset.model)
    elif by == "site":
        key = Site.id
        query = tickets(Customer.name + " · " + Site.name).join(
            Site, Site.id == Asset.site_id).join(Customer, Customer.id == Site.customer_id)
        query = query.group_by(Customer.name, Site.name)
    else:
        key, query = Customer.id, tickets(Customer.name).join(
            Customer, Customer.id == Ticket.customer_id).group_by(Customer.name)
    count = sa.func.count(Ticket.id)
    query = query.add_columns(count).where(*filed(flt)).group_by(key).order_by(
        count.desc(), *query.selected_columns[:1])
    return [(label.value if isinstance(label, Category) else label, n)
            for label, n in db.session.execute(query)]


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

    One query for all four: each duration is ranked among the tickets that have it
    (ROW_NUMBER, which both databases have), and the rows either side of each percentile's
    position are picked by rank, so no row is read into Python."""
    ranked = []
    for name, column in DURATIONS.items():
        has = sa.case((column.is_(None), 1), else_=0)
        ranked += [column.label(name),
                   sa.func.row_number().over(partition_by=has, order_by=column).label(
                       name + "_rank"),
                   sa.func.count(column).over().label(name + "_n")]
    inner = tickets(*ranked).where(*filed(flt)).subquery("ranked")
    picked = []
    for name in DURATIONS:
        value, rank, n = inner.c[name], inner.c[name + "_rank"], inner.c[name + "_n"]
        def at(position, value=value, rank=rank):
            return sa.func.max(sa.case((sa.and_(value.is_not(None), rank == position), value)))
        picked += [sa.func.max(n), sa.func.avg(value),
                   at((n - 1) // 2 + 1), at((n - 1) // 2 + 2),
                   at((n - 1) * 9 // 10 + 1), at((n - 1) * 9 // 10 + 2)]
    row = db.session.execute(sa.select(*picked).select_from(inner)).one()
    return {name: _spread(row[6 * i:6 * i + 6]) for i, name in enumerate(DURATIONS)}


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
        tickets(Ticket.plan_name, Ticket.severity, *_decided(Ticket.response_due_at,
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

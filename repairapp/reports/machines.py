"""The report's figures per machine, from one read of the period: faults by model and by
site (services.distribution), MTBF and MTTR per model (quality.reliability) and per machine
(care.machines), and the machines that failed 3 or more times in 90 days
(quality.repeated).

The tickets are counted once per machine, from the period's index alone (and, for the 90
days up to the period's end, from as far back as those start); those few thousand counts
are then summed per model and per site, ranked per machine, and only then joined with the
machines, sites and customers for their names. The four results come back as the rows of
one statement (a UNION ALL, each arm with its own kind and rank), so the tickets are read
once for all of them.
"""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from repairapp.assets.models import Asset
from repairapp.customers.models import Customer, Site
from repairapp.extensions import db
from repairapp.reports.services import Filters, matching, once, scope
from repairapp.tickets.models import Ticket

#: Machines per machine figure: care.machines' top, quality.repeated's as the page lists it.
MACHINES, REPEATED = 20, 50
#: "Failed 3 or more times in 90 days".
TIMES, DAYS = 3, 90


@dataclass(frozen=True)
class PerModel:
    """One model's tickets in the period and its failures (duplicates aside) with the sum and
    count of their stored resolution times; `machines` is its fleet (None: none on record
    within the filters)."""

    model: str
    tickets: int
    failures: int
    working_sum: int
    working_n: int
    wall_sum: int
    wall_n: int
    machines: int | None


@dataclass(frozen=True)
class PerMachine:
    #: (model, tickets) of the models with tickets, most first (services.distribution).
    models_filed: tuple[tuple[str, int], ...]
    #: ("Customer · Site", tickets) of the sites with tickets, most first.
    sites: tuple[tuple[str, int], ...]
    #: Models with failures, most failures first (quality.reliability).
    models_failed: tuple[PerModel, ...]
    #: (tag, name, model, "Customer · Site", failures, resolved, working_sum, working_n,
    #: wall_sum, wall_n) of the machines with the most failures (care.machines' order).
    machines: tuple[tuple, ...]
    #: (tag, name, model, tickets) of the machines that failed TIMES or more times in the
    #: DAYS days up to the period's end, most first (quality.repeated's order).
    repeated: tuple[tuple[str, str, str, int], ...]


_MODEL, _SITE, _MACHINE, _REPEATED = range(4)


def per_machine(flt: Filters, machines: int = MACHINES, repeated: int = REPEATED) -> PerMachine:
    """PerMachine for these filters, the first `machines` and `repeated` machines listed."""
    return once(("per_machine", flt, machines, repeated),
                lambda: _per_machine(flt, machines, repeated))


def _per_machine(flt: Filters, shown: int, repeated: int) -> PerMachine:
    recent = flt.until - timedelta(days=DAYS)
    in_period = Ticket.created_at >= flt.since
    failure = sa.and_(in_period, Ticket.merged_into_id.is_(None))

    def of_failures(column):
        return sa.case((failure, column))

    per = (scope(flt, Ticket.asset_id.label("asset_id"),
                 sa.func.count().filter(in_period).label("tickets"),
                 sa.func.count().filter(failure).label("failures"),
                 sa.func.sum(of_failures(Ticket.resolution_working_minutes)).label("working_sum"),
                 sa.func.count(of_failures(Ticket.resolution_working_minutes)).label("working_n"),
                 sa.func.sum(of_failures(Ticket.resolution_wall_minutes)).label("wall_sum"),
                 sa.func.count(of_failures(Ticket.resolution_wall_minutes)).label("wall_n"),
                 sa.func.count().filter(Ticket.created_at >= recent,
                                        Ticket.merged_into_id.is_(None)).label("recent"))
           .where(Ticket.created_at >= min(flt.since, recent), Ticket.created_at < flt.until,
                  *matching(flt))
           .group_by(Ticket.asset_id).cte("per_machine"))
    # The machines' names, models and sites, joined once to the counts.
    named = (sa.select(*per.c, Asset.tag, Asset.name, Asset.model, Asset.site_id)
             .join(Asset, Asset.id == per.c.asset_id).cte("named"))
    p = named.c
    site = Customer.name + " · " + Site.name
    number = sa.BigInteger()

    def arm(kind: int, texts: list, numbers: list, rank, select_from, where=None,
            group_by=None):
        """One kind of row: up to 4 texts and 8 numbers, and its rank within its kind."""
        texts = texts + [sa.null()] * (4 - len(texts))
        numbers = numbers + [sa.null()] * (8 - len(numbers))
        query = sa.select(sa.literal(kind).label("kind"),
                          *(sa.cast(t, sa.String).label(f"t{i}") for i, t in enumerate(texts)),
                          *(sa.cast(n, number).label(f"n{i}") for i, n in enumerate(numbers)),
                          rank.label("rank")).select_from(select_from)
        if where is not None:
            query = query.where(where)
        if group_by is not None:
            query = query.group_by(*group_by)
        return query

    fleet = _fleet(flt)
    # Per model: its tickets (for the distribution) and failures (for MTBF and MTTR), then
    # its fleet joined to those few rows, with a rank for each figure's order; the rows are
    # picked per figure below.
    per_model = (sa.select(p.model, *(sa.func.sum(column).label(column.name) for column in (
        p.tickets, p.failures, p.working_sum, p.working_n, p.wall_sum, p.wall_n)))
        .where(p.tickets > 0).group_by(p.model).subquery("per_model"))
    m = per_model.c
    models = arm(
        _MODEL, [m.model],
        [m.tickets, m.failures, m.working_sum, m.working_n, m.wall_sum, m.wall_n,
         fleet.c.machines, sa.func.row_number().over(order_by=(m.failures.desc(), m.model))],
        sa.func.row_number().over(order_by=(m.tickets.desc(), m.model)),
        sa.outerjoin(per_model, fleet, fleet.c.model == m.model))
    # Per site: summed from the machines, then named.
    per_site = (sa.select(p.site_id, sa.func.sum(p.tickets).label("tickets"))
                .where(p.tickets > 0).group_by(p.site_id).subquery("per_site"))
    sites = arm(
        _SITE, [site], [per_site.c.tickets],
        sa.func.row_number().over(order_by=(per_site.c.tickets.desc(), site)),
        sa.join(per_site, Site, Site.id == per_site.c.site_id)
        .join(Customer, Customer.id == Site.customer_id))
    # The machines with the most failures, then the longest mean wall-clock resolution (none
    # last), then by tag: ranked over the counts, the first ones named with their site.
    # (ORDER BY ... LIMIT keeps the first few while reading, where ranking them all would
    # sort every machine; the rank is then taken over those few, in the same order.)
    wall = sa.case((p.wall_n > 0, sa.cast(p.wall_sum, sa.Float) / p.wall_n)).label("wall")
    order = (p.failures.desc(), sa.nulls_last(wall.desc()), p.tag, p.asset_id)
    first = (sa.select(p.asset_id, p.tag, p.name, p.model, p.site_id, p.failures,
                       p.working_sum, p.working_n, p.wall_sum, p.wall_n, wall)
             .where(p.failures > 0).order_by(*order).limit(shown).subquery("first"))
    r = first.c
    top = arm(_MACHINE, [r.tag, r.name, r.model, site],
              [r.failures, r.wall_n, r.working_sum, r.working_n, r.wall_sum, r.wall_n],
              sa.func.row_number().over(order_by=(
                  r.failures.desc(), sa.nulls_last(r.wall.desc()), r.tag, r.asset_id)),
              sa.join(first, Site, Site.id == r.site_id)
              .join(Customer, Customer.id == Site.customer_id))
    failing = (sa.select(p.recent, p.tag, p.name, p.model).where(p.recent >= TIMES)
               .order_by(p.recent.desc(), p.tag).limit(repeated).subquery("failing"))
    f = failing.c
    again = arm(_REPEATED, [f.tag, f.name, f.model], [f.recent],
                sa.func.row_number().over(order_by=(f.recent.desc(), f.tag)), failing)
    rows = sa.union_all(models, sites, top, again).subquery("rows")
    found: dict[int, list] = {kind: [] for kind in range(4)}
    for row in db.session.execute(sa.select(rows).order_by(rows.c.kind, rows.c.rank)):
        found[row[0]].append((row[1:5], [None if n is None else int(n) for n in row[5:13]]))
    failed = sorted((row for row in found[_MODEL] if row[1][1] > 0), key=lambda row: row[1][7])
    return PerMachine(
        models_filed=tuple((t[0], n[0]) for t, n in found[_MODEL] if n[0] > 0),
        sites=tuple((t[0], n[0]) for t, n in found[_SITE]),
        models_failed=tuple(PerModel(t[0], *n[:7]) for t, n in failed),
        machines=tuple((*t, *(v or 0 for v in n[:6])) for t, n in found[_MACHINE]),
        repeated=tuple((*t[:3], n[0]) for t, n in found[_REPEATED]))


def _fleet(flt: Filters):
    """Per model, its machines (not archived) within the customer, site and model filters."""
    fleet = sa.select(Asset.model.label("model"), sa.func.count(Asset.id).label("machines"))
    fleet = fleet.where(Asset.is_archived.is_(False))
    if flt.customer_id or flt.site_id:
        fleet = fleet.join(Site, Site.id == Asset.site_id)
        fleet = fleet.where(*([Site.customer_id == flt.customer_id] if flt.customer_id else []),
                            *([Asset.site_id == flt.site_id] if flt.site_id else []))
    if flt.model:
        fleet = fleet.where(Asset.model == flt.model)
    return fleet.group_by(Asset.model).subquery("fleet")

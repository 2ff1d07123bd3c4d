"""The report as tables (header and rows of plain values), each with its chart: the page
shows them and the downloads write them, so both always hold the same numbers."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from repairapp.reports import charts, services
from repairapp.reports.services import Filters
from repairapp.tickets.models import Category
from repairapp.wording import CATEGORY, SEVERITY


@dataclass
class Table:
    key: str
    title: str
    header: list
    rows: list[list] = field(default_factory=list)
    chart: Markup | None = None
    #: Shown under the title: what exactly the figure counts.
    note: str = ""


def _volume(flt: Filters) -> Table:
    buckets = services.volume(flt)
    step = services.bucket_days(flt)
    label = lambda b: b.start.isoformat()  # noqa: E731
    table = Table("volume", _l("Tickets filed and resolved"),
                  [_l("From"), _l("To"), _l("Filed"), _l("Resolved"), _l("Open at the end")],
                  note=_l("Open at the end: filed by then and not yet resolved or closed."))
    for b in buckets:
        last = min(b.start + timedelta(days=step - 1), flt.end)
        table.rows.append([b.start.isoformat(), last.isoformat(), b.filed, b.resolved,
                           b.backlog])
    table.chart = charts.lines(str(table.title), [label(b) for b in buckets], {
        str(_l("Filed")): [b.filed for b in buckets],
        str(_l("Resolved")): [b.resolved for b in buckets],
        str(_l("Open at the end")): [b.backlog for b in buckets]})
    return table


BY = {"category": _l("Faults by category"), "model": _l("Faults by model"),
      "site": _l("Faults by site"), "customer": _l("Faults by customer")}
COLUMN = {"category": _l("Category"), "model": _l("Model"), "site": _l("Site"),
          "customer": _l("Customer")}


def _distribution(by: str) -> Callable[[Filters], Table]:
    def build(flt: Filters) -> Table:
        rows = services.distribution(flt, by)
        if by == "category":
            rows = [(str(CATEGORY[Category(value)]), n) for value, n in rows]
        rows = [(label or "—", n) for label, n in rows]
        table = Table("by_" + by, BY[by], [COLUMN[by], _l("Tickets")], [list(r) for r in rows])
        table.chart = charts.bars(str(table.title), rows[:15]) if rows else None
        return table
    return build


DURATION_NAMES = {
    "response_working": _l("Response, working time"),
    "response_wall": _l("Response, wall clock"),
    "resolution_working": _l("Resolution, working time"),
    "resolution_wall": _l("Resolution, wall clock"),
}


def _minutes(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _durations(flt: Filters) -> Table:
    spreads = services.durations(flt)
    table = Table("durations", _l("Time to respond and to resolve (minutes)"),
                  [_l("Duration"), _l("Tickets"), _l("Mean"), _l("Median"),
                   _l("90th percentile")],
                  note=_l("Working time counts the plan's service hours only, without time "
                          "spent waiting for the customer; wall clock counts every minute "
                          "from filing."))
    for key, name in DURATION_NAMES.items():
        s = spreads[key]
        table.rows.append([str(name), s.count, _minutes(s.mean), _minutes(s.median),
                           _minutes(s.p90)])
    table.chart = charts.grouped(str(table.title), [str(n) for n in DURATION_NAMES.values()], {
        str(_l("Mean")): [r[2] for r in table.rows],
        str(_l("Median")): [r[3] for r in table.rows],
        str(_l("90th percentile")): [r[4] for r in table.rows]})
    return table


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)


def _compliance(flt: Filters) -> Table:
    table = Table("compliance", _l("SLA compliance by plan and severity"),
                  [_l("Plan"), _l("Severity"), _l("Responses decided"), _l("Responses met"),
                   _l("Response compliance %"), _l("Resolutions decided"),
                   _l("Resolutions met"), _l("Resolution compliance %")],
                  note=_l("A target counts once it is met or breached; breaches are as "
                          "recorded when they happened."))
    for c in services.compliance(flt):
        table.rows.append([c.plan or "—", str(SEVERITY[c.severity]) if c.severity else "—",
                           c.response_decided, c.response_met, _percent(c.response_rate),
                           c.resolution_decided, c.resolution_met,
                           _percent(c.resolution_rate)])
    if table.rows:
        table.chart = charts.grouped(str(table.title), [f"{r[0]} · {r[1]}" for r in table.rows], {
            str(_l("Response compliance %")): [r[4] for r in table.rows],
            str(_l("Resolution compliance %")): [r[7] for r in table.rows]})
    return table


#: Every table of the report, in page order, by key.
TABLES: dict[str, Callable[[Filters], Table]] = {
    "volume": _volume,
    **{"by_" + by: _distribution(by) for by in BY},
    "durations": _durations,
    "compliance": _compliance,
}


def report(flt: Filters) -> list[Table]:
    """Every table of the report for these filters."""
    return [build(flt) for build in TABLES.values()]

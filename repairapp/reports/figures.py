"""The report as tables (header and rows of plain values), each with its chart: the page
shows them and the downloads write them, so both always hold the same numbers."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from repairapp.reports import care, charts, machines, quality, services
from repairapp.reports.services import Filters
from repairapp.tickets.models import Category
from repairapp.wording import BILLING, CATEGORY, SEVERITY


@dataclass
class Table:
    key: str
    title: str
    header: list
    rows: list[list] = field(default_factory=list)
    chart: Markup | None = None
    #: Shown under the title: what exactly the figure counts.
    note: str = ""

    def __post_init__(self):
        # Translated once: the page repeats a column's name in every cell (phone cards).
        self.header = [str(name) for name in self.header]


def rows_html(table: Table) -> Markup:
    """The table's rows as the page shows them (every cell after the first labelled with its
    column, for the phone's cards; an empty table says so), written here in one pass: the
    template's loop over thousands of cells was a good part of the page's time. Every
    value and label is escaped."""
    if not table.rows:
        return Markup('<tr><td colspan="{}">{}</td></tr>').format(
            len(table.header), getattr(table, "empty", "") or _l("No tickets match."))
    labels = [""] + [f' data-label="{escape(name)}"' for name in table.header[1:]]
    return Markup("\n    ".join(  # noqa: S704 -- every value and label escaped here
        "<tr>" + "".join(f"<td{label}>{_cell(value)}</td>"
                         for label, value in zip(labels, row, strict=False)) + "</tr>"
        for row in table.rows))


def _cell(value) -> str:
    """A cell's text, escaped: a count's digits need no escaping (most cells are counts)."""
    if type(value) is int:
        return str(value)
    return escape("—" if value is None else value)


def _volume(flt: Filters) -> Table:
    buckets = services.volume(flt)
    step = services.bucket_days(flt)
    label = lambda b: b.start.isoformat()  # noqa: E731
    table = Table("volume", _l("Tickets filed and resolved"),
                  [_l("From"), _l("Until"), _l("Filed"), _l("Resolved"), _l("Open at the end")],
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


def _rate(n: int, of: int) -> float | None:
    """n out of `of`, in per cent to one decimal."""
    return round(100 * n / of, 1) if of else None


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


def _quality(flt: Filters) -> Table:
    q = quality.quality(flt)
    table = Table("quality", _l("Fixes, reopens and duplicates"),
                  [_l("Figure"), _l("Tickets"), _l("Out of"), _l("Rate %")],
                  note=_l("First-time fix: resolved with at most one on-site visit and never "
                          "reopened, out of the tickets resolved. Reopened: out of the "
                          "tickets resolved. Duplicates: out of the tickets filed."))
    table.rows = [[str(_l("First-time fix")), q.first_time_fixed, q.resolved,
                   _rate(q.first_time_fixed, q.resolved)],
                  [str(_l("Reopened")), q.reopened, q.resolved, _rate(q.reopened, q.resolved)],
                  [str(_l("Duplicates")), q.duplicates, q.filed, _rate(q.duplicates, q.filed)]]
    table.chart = charts.bars(str(table.title), [(r[0], r[3] or 0) for r in table.rows])
    return table


def _satisfaction(flt: Filters) -> Table:
    s = quality.satisfaction(flt)
    table = Table("satisfaction", _l("Satisfaction"), [_l("Stars"), _l("Tickets")],
                  note=_l("Average %(average)s from %(rated)d ratings; %(share)s%% of the "
                          "%(finished)d finished tickets were rated.",
                          average="—" if s.average is None else f"{s.average:.2f}",
                          rated=s.rated, finished=s.finished,
                          share="—" if not s.finished else
                          f"{100 * s.rated / s.finished:.1f}"))
    table.rows = [[n, s.by_stars[n]] for n in range(5, 0, -1)]
    table.chart = charts.bars(str(table.title), [("★" * n, s.by_stars[n])
                                                 for n in range(5, 0, -1)])
    return table


def _technicians(flt: Filters) -> Table:
    table = Table("technicians", _l("Technicians"),
                  [_l("Technician"), _l("Jobs"), _l("Resolved"), _l("Minutes logged"),
                   _l("Visits"), _l("Resolution compliance %")],
                  note=_l("Jobs: tickets filed in the period and assigned to them; minutes "
                          "and visits: logged in the period."))
    for t in quality.technicians(flt):
        table.rows.append([t.name, t.jobs, t.resolved, t.minutes, t.visits,
                           _percent(services.Compliance.rate(t.resolution_met,
                                                             t.resolution_decided))])
    if table.rows:
        table.chart = charts.bars(str(_l("Jobs")), [(r[0], r[1]) for r in table.rows[:15]])
    return table


def _chargeable(flt: Filters) -> Table:
    table = Table("chargeable", _l("Chargeable work"),
                  [_l("Kind"), _l("Quantity"), _l("Amount (tax included)")])
    rows = quality.chargeable(flt)
    table.rows = [[str(BILLING.get(kind, kind)), q, a] for kind, q, a in rows]
    if rows:
        table.rows.append([str(_l("Total")), None, sum((a for _, _, a in rows),
                                                       Decimal("0.00"))])
        table.chart = charts.bars(str(table.title), [(r[0], float(r[2]))
                                                     for r in table.rows[:-1]])
    return table


#: Machines listed that failed 3 or more times (a fleet can have thousands).
REPEATED_SHOWN = machines.REPEATED


def _repeated(flt: Filters) -> Table:
    table = Table("repeated", _l("Machines that failed 3 or more times in 90 days"),
                  [_l("Tag"), _l("Name"), _l("Model"), _l("Tickets")],
                  note=_l("The %(n)d machines with the most tickets filed in the 90 days up "
                          "to the period's end, duplicates aside.", n=REPEATED_SHOWN))
    table.rows = [list(r) for r in quality.repeated(flt, limit=REPEATED_SHOWN)]
    return table


def _reliability(flt: Filters) -> Table:
    table = Table("reliability", _l("MTBF and MTTR per model"),
                  [_l("Model"), _l("Machines"), _l("Failures"), _l("MTBF (hours)"),
                   _l("MTTR, working minutes"), _l("MTTR, wall-clock minutes")],
                  note=_l("MTBF: the model's machines times the hours in the period, divided "
                          "by the failures filed in it (duplicates aside). MTTR: the mean "
                          "resolution time of those failures."))
    for r in quality.reliability(flt):
        table.rows.append([r.model or "—", r.machines, r.failures, _minutes(r.mtbf_hours),
                           _minutes(r.mttr_working), _minutes(r.mttr_wall)])
    if table.rows:
        table.chart = charts.bars(str(_l("MTBF (hours)")),
                                  [(str(r[0]), r[3] or 0) for r in table.rows[:15]])
    return table


def _counts(rows: list[tuple]) -> list[list]:
    """Rows of (label, number, out of) with the rate; a total's or an average's row has no
    "out of" (None) and no rate."""
    return [[str(label), n, of, None if of is None else _rate(n, of)] for label, n, of in rows]


def _followups(flt: Filters) -> Table:
    c = care.followups(flt)
    table = Table("followups", _l("Follow-ups"),
                  [_l("Figure"), _l("Follow-ups"), _l("Out of"), _l("Rate %")],
                  note=_l("Follow-ups due in the period, after tickets and key customers' "
                          "calls alike. Late: done after the due time, or not done and past "
                          "it now. Still fixed: of those asked whether the repair held."))
    table.rows = _counts([
        (_l("Due in the period"), c.total, None), (_l("Done"), c.done, c.total),
        (_l("Rated by the requester"), c.by_requester, c.done),
        (_l("Called by the desk"), c.by_desk, c.done), (_l("Late"), c.late, c.total),
        (_l("Not done yet"), c.open, c.total), (_l("Not done, past due"), c.overdue, c.open),
        (_l("Average satisfaction (1–5)"), c.average_satisfaction, None),
        (_l("Still fixed"), c.stays_fixed, c.asked_fixed)])
    return table


def _complaints(flt: Filters) -> Table:
    c = care.complaints(flt)
    table = Table("complaints", _l("Complaints"),
                  [_l("Figure"), _l("Complaints"), _l("Out of"), _l("Rate %")],
                  note=_l("Complaints filed in the period; past due as of now. Time to close: "
                          "from filing to closing, of those closed."))
    table.rows = _counts([
        (_l("Total"), c.total, None),
        (_l("From the tracking page"), c.from_tracking, c.total),
        (_l("Logged by staff"), c.from_staff, c.total), (_l("Closed"), c.closed, c.total),
        (_l("Closed after the due time"), c.closed_late, c.closed),
        (_l("Still open"), c.open, c.total), (_l("Open past due"), c.overdue, c.open),
        (_l("Mean time to close (hours)"), c.average_hours_to_close, None)])
    return table


def _machines(flt: Filters) -> Table:
    table = Table("machine_reliability", _l("MTBF and MTTR per machine"),
                  [_l("Tag"), _l("Name"), _l("Model"), _l("Site"), _l("Failures"),
                   _l("Resolved"), _l("MTBF (hours)"), _l("MTTR, working minutes"),
                   _l("MTTR, wall-clock minutes")],
                  note=_l("The 20 machines with the most failures (tickets filed in the "
                          "period, duplicates aside), then the longest wall-clock MTTR. MTBF: "
                          "the hours in the period divided by the machine's failures. MTTR: "
                          "the mean resolution time of those resolved."))
    table.rows = [[m.tag, m.name, m.model or "—", m.site, m.failures, m.resolved,
                   _minutes(m.mtbf_hours), _minutes(m.mttr_working), _minutes(m.mttr_wall)]
                  for m in care.machines(flt)]
    return table


#: Every table of the report, in page order, by key.
TABLES: dict[str, Callable[[Filters], Table]] = {
    "volume": _volume,
    **{"by_" + by: _distribution(by) for by in BY},
    "durations": _durations,
    "compliance": _compliance,
    "quality": _quality,
    "satisfaction": _satisfaction,
    "followups": _followups,
    "complaints": _complaints,
    "technicians": _technicians,
    "chargeable": _chargeable,
    "repeated": _repeated,
    "reliability": _reliability,
    "machine_reliability": _machines,
}


def report(flt: Filters) -> list[Table]:
    """Every table of the report for these filters (the queries several tables share run
    once: services.one_read)."""
    with services.one_read():
        return [build(flt) for build in TABLES.values()]


# Preventive maintenance's tables, after the others (their own module builds on Table).
from repairapp.reports.inspection_tables import TABLES as INSPECTION_TABLES  # noqa: E402

TABLES.update(INSPECTION_TABLES)

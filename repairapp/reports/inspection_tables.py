"""The report's tables on preventive maintenance (巡检), from `inspections`: figures.py adds
them to its TABLES, so the page shows them and the downloads write them like the others.
Imported by figures.py only (it builds on figures.Table)."""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from repairapp.reports import charts, inspections
from repairapp.reports.figures import Table, _counts, _rate
from repairapp.reports.services import Filters


@dataclass
class InspectionTable(Table):
    #: Said in the table when it has no rows (the page's default speaks of tickets).
    empty: str = ""


def _visits(flt: Filters) -> Table:
    v = inspections.visits(flt)
    table = Table("inspections", _l("Inspections due and done"),
                  [_l("Figure"), _l("Inspection visits"), _l("Out of"), _l("Rate %")],
                  note=_l("Maintenance visits due in the period (a ticket category does not "
                          "apply to them). On time: done on or before the due date (Beijing "
                          "time); out of the visits done or overdue. Overdue: not done and "
                          "past its due date now."))
    table.rows = _counts([
        (_l("Due in the period"), v.due, None),
        (_l("Done on time"), v.on_time, v.decided), (_l("Done late"), v.late, v.decided),
        (_l("Overdue now"), v.overdue, v.decided), (_l("Not due yet"), v.upcoming, v.due),
        (_l("Cancelled"), v.cancelled, v.due)])
    table.chart = charts.bars(str(table.title), [(r[0], r[1]) for r in table.rows[1:]])
    return table


def _failure_row(r: inspections.Failures) -> list:
    return [r.visits, r.judged, r.failed, _rate(r.failed, r.judged), r.tickets,
            r.tickets_open]


FAILURE_HEADER = [_l("Visits done"), _l("Checks judged"), _l("Checks failed"), _l("Failed %"),
                  _l("Tickets opened"), _l("Tickets still open")]


def _by_model(flt: Filters) -> Table:
    rows = inspections.by_model(flt)
    table = InspectionTable("inspection_models", _l("Failed inspection checks by model"),
                  [_l("Model"), *FAILURE_HEADER],
                  note=_l("Checks judged pass or fail on the visits due in the period and "
                          "done; each failed check opened a repair ticket. Still open: "
                          "neither resolved nor closed now."),
                  empty=_l("No inspections done."))
    table.rows = [[r.name or "—", *_failure_row(r)] for r in rows]
    if rows:
        table.rows.append([str(_l("Total")), *_failure_row(inspections.totals(rows))])
        table.chart = charts.bars(str(_l("Checks failed")), [(r.name or "—", r.failed)
                                                      for r in rows[:15]])
    return table


def _by_item(flt: Filters) -> Table:
    table = InspectionTable("inspection_items", _l("Failed inspection checks by check"),
                  [_l("Maintenance plan"), _l("Checklist item"), *FAILURE_HEADER],
                  note=_l("The %(n)d checks that failed most often; visits done: those that "
                          "recorded the check.", n=inspections.ITEMS_SHOWN),
                  empty=_l("No inspection check failed."))
    table.rows = [[r.plan, r.name, *_failure_row(r)] for r in inspections.by_item(flt)]
    return table


#: The tables, in page order, by key.
TABLES: dict[str, Callable[[Filters], Table]] = {
    "inspections": _visits,
    "inspection_models": _by_model,
    "inspection_items": _by_item,
}

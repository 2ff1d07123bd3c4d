"""Figures on preventive maintenance (巡检): the visits due in the period and how they went,
and the checks that failed on them. Each figure is one SQL aggregation (conditional counts),
so a report runs the same few queries whatever the number of visits and results.

Which visits: those whose due date falls in the period (whole days; a visit moved off a
closed day counts on the day it was moved to). The filters name the visit's machine: its
customer and site (where the machine is now), its model; the technician is the visit's
assignee; a plan (contract tier) keeps the visits of machines a contract of that plan covered
on the due day. A ticket category does not apply to visits and is ignored here.

Done on time: completed on or before the due date, in the report's zone (the visit's
completion before midnight at the end of its due day, Beijing time). Overdue: not done nor
cancelled, and its due date is before today.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles

from repairapp.assets.models import Asset
from repairapp.contracts.models import Contract, contract_assets
from repairapp.customers.models import Site
from repairapp.extensions import db
from repairapp.maintenance.models import (
    OPEN_VISITS,
    ChecklistItem,
    MaintenancePlan,
    MaintenanceVisit,
    VisitResult,
    VisitStatus,
)
from repairapp.reports.services import ZONE, Filters
from repairapp.tickets.models import Ticket

Visit, Result = MaintenanceVisit, VisitResult

#: Checks listed by name at most (a fleet's plans can hold many).
ITEMS_SHOWN = 50


def _count(condition):
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _conditions(flt: Filters) -> list:
    """The conditions on Visit (joined with its Asset, and Site for a customer)."""
    conditions = [Visit.due_date >= flt.start, Visit.due_date <= flt.end]
    if flt.customer_id:
        conditions.append(Site.customer_id == flt.customer_id)
    if flt.site_id:
        conditions.append(Asset.site_id == flt.site_id)
    if flt.model:
        conditions.append(Asset.model == flt.model)
    if flt.technician_id:
        conditions.append(Visit.assignee_id == flt.technician_id)
    if flt.plan_id:
        conditions.append(sa.exists().where(
            contract_assets.c.asset_id == Visit.asset_id,
            Contract.id == contract_assets.c.contract_id, Contract.plan_id == flt.plan_id,
            Contract.start_date <= Visit.due_date, Contract.end_date >= Visit.due_date))
    return conditions


def _visits(flt: Filters, *columns):
    """SELECT columns FROM the visits due in the period that match the filters."""
    query = sa.select(*columns).select_from(Visit).join(Asset, Asset.id == Visit.asset_id)
    if flt.customer_id:
        query = query.join(Site, Site.id == Asset.site_id)
    return query.where(*_conditions(flt))


class _DayEnd(sa.sql.expression.FunctionElement):
    """The first moment after a date column's day in the report's zone, as naive UTC (how
    times are stored). Asia/Shanghai keeps one offset all year (no daylight saving since
    1991), so the day ends at a fixed number of minutes past the date's UTC midnight."""

    type = sa.DateTime()
    inherit_cache = True


def _minutes_to_day_end() -> int:
    offset = ZoneInfo(ZONE).utcoffset(datetime(2000, 1, 1))
    return int((timedelta(days=1) - offset).total_seconds()) // 60


@compiles(_DayEnd, "sqlite")
def _day_end_sqlite(element, compiler, **kw):
    # Stored times read "YYYY-MM-DD HH:MM:SS.ffffff": they compare as text with this.
    column = compiler.process(element.clauses, **kw)
    return f"datetime({column}, '+{_minutes_to_day_end()} minutes')"


@compiles(_DayEnd, "postgresql")
def _day_end_postgresql(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    return f"(CAST({column} AS TIMESTAMP) + INTERVAL '{_minutes_to_day_end()} minutes')"


@dataclass(frozen=True)
class Visits:
    """The visits due in the period, by how they went (the five parts add up to `due`)."""

    due: int
    on_time: int
    late: int
    overdue: int
    #: Not done yet, due today or later.
    upcoming: int
    cancelled: int

    @property
    def decided(self) -> int:
        """Visits whose punctuality is known: done, or overdue."""
        return self.on_time + self.late + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.decided if self.decided else None


def visits(flt: Filters, today: date | None = None) -> Visits:
    """How the visits due in the period went, overdue as of `today` (the report zone's)."""
    today = today or datetime.now(ZoneInfo(ZONE)).date()
    done = Visit.status == VisitStatus.DONE
    open_ = Visit.status.in_(OPEN_VISITS)
    on_time = sa.and_(done, Visit.done_at < _DayEnd(Visit.due_date))
    row = db.session.execute(_visits(
        flt, sa.func.count(Visit.id), _count(on_time),
        _count(sa.and_(done, Visit.done_at >= _DayEnd(Visit.due_date))),
        _count(sa.and_(open_, Visit.due_date < today)),
        _count(sa.and_(open_, Visit.due_date >= today)),
        _count(Visit.status == VisitStatus.CANCELLED))).one()
    return Visits(*(int(n or 0) for n in row))


@dataclass(frozen=True)
class Failures:
    """Checks judged (pass or fail) and failed on the done visits, and the repair tickets
    the failures opened (still open: neither resolved nor closed now)."""

    #: The model, or the check's label.
    name: str
    #: Visits done (by check: those that recorded it).
    visits: int
    judged: int
    failed: int
    tickets: int
    tickets_open: int
    #: By check: the plan whose checklist holds it.
    plan: str = ""


def _failure_counts():
    failed = Result.passed.is_(False)
    ticket_open = sa.and_(Result.ticket_id.is_not(None), Ticket.resolved_at.is_(None),
                          Ticket.closed_at.is_(None))
    return (sa.func.count(sa.distinct(Visit.id)), sa.func.count(Result.passed), _count(failed),
            sa.func.count(Result.ticket_id), _count(ticket_open))


def _with_results(query):
    """The done visits with their results (a visit without any still counts as done)."""
    return (query.outerjoin(Result, Result.visit_id == Visit.id)
            .outerjoin(Ticket, Ticket.id == Result.ticket_id)
            .where(Visit.status == VisitStatus.DONE))


def by_model(flt: Filters) -> list[Failures]:
    """Per model of the machines visited: visits done, checks judged, failed, tickets opened
    and still open; most failures first."""
    failed = _count(Result.passed.is_(False))
    query = _with_results(_visits(flt, Asset.model, *_failure_counts()))
    rows = db.session.execute(query.group_by(Asset.model)
                              .order_by(failed.desc(), Asset.model))
    return [Failures(model or "", *(int(n or 0) for n in counts)) for model, *counts in rows]


def by_item(flt: Filters, limit: int = ITEMS_SHOWN) -> list[Failures]:
    """Per check (of a plan) that failed at least once: visits that recorded it, judged,
    failed, tickets opened and still open; the `limit` with the most failures."""
    failed = _count(Result.passed.is_(False))
    query = (_with_results(_visits(flt, MaintenancePlan.name, ChecklistItem.label,
                                   *_failure_counts()))
             .join(ChecklistItem, ChecklistItem.id == Result.item_id)
             .join(MaintenancePlan, MaintenancePlan.id == ChecklistItem.plan_id)
             .group_by(ChecklistItem.id, MaintenancePlan.name, ChecklistItem.label)
             .having(failed > 0)
             .order_by(failed.desc(), MaintenancePlan.name, ChecklistItem.label,
                       ChecklistItem.id)
             .limit(limit))
    return [Failures(label, *(int(n or 0) for n in counts), plan=plan)
            for plan, label, *counts in db.session.execute(query)]


def totals(rows: list[Failures]) -> Failures:
    """The sum of per-model rows (every result counts in exactly one model)."""
    return Failures("", sum(r.visits for r in rows), sum(r.judged for r in rows),
                    sum(r.failed for r in rows), sum(r.tickets for r in rows),
                    sum(r.tickets_open for r in rows))

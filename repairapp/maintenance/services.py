"""Generating visits (the sweep), and the visits a technician or the desk sees."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from repairapp.assets.models import Asset
from repairapp.contracts.models import contract_assets
from repairapp.db import upsert, utcnow
from repairapp.extensions import db
from repairapp.maintenance.models import (
    OPEN_VISITS,
    Anchor,
    MaintenancePlan,
    MaintenanceVisit,
    Target,
    VisitStatus,
)
from repairapp.maintenance.schedule import SEARCH_DAYS, add_interval, fixed_dates, moved
from repairapp.sla.calendar import Calendar

HORIZON_DAYS = 60


def local_today(now: datetime, tz: str) -> date:
    return now.astimezone(ZoneInfo(tz)).date()


def plan_assets(plan: MaintenancePlan) -> list[Asset]:
    """The machines a plan covers now (archived machines get no visits)."""
    query = sa.select(Asset).where(Asset.is_archived.is_(False)).options(
        joinedload(Asset.site))
    if plan.target is Target.ASSET:
        query = query.where(Asset.id == plan.asset_id)
    elif plan.target is Target.MODEL:
        query = query.where(Asset.model == plan.model)
    else:
        query = query.join(contract_assets, contract_assets.c.asset_id == Asset.id).where(
            contract_assets.c.contract_id == plan.contract_id)
    return list(db.session.scalars(query.order_by(Asset.id)))


@dataclass(frozen=True)
class Occurrence:
    period_key: str  #: the nominal day, ISO
    due_date: date   #: moved off closed days


def occurrences(plan: MaintenancePlan, calendar: Calendar | None, today: date,
                horizon: int, last_done: date | None = None) -> list[Occurrence]:
    """The plan's visits due from `today` to `horizon` days on (one machine's view)."""
    last = today + timedelta(days=horizon)
    if plan.anchor is Anchor.COMPLETION:
        nominal = [add_interval(last_done, plan.every, plan.unit) if last_done
                   else plan.start_date]
    else:
        nominal = fixed_dates(plan.start_date, plan.every, plan.unit,
                              today - timedelta(days=SEARCH_DAYS),
                              last + timedelta(days=SEARCH_DAYS))
    contract = plan.contract if plan.target is Target.CONTRACT else None
    found = []
    for day in nominal:
        due = moved(day, calendar, plan.shift)
        if plan.anchor is Anchor.FIXED and not today <= due <= last:
            continue
        if plan.anchor is Anchor.COMPLETION and due > last:
            continue
        if contract and not contract.start_date <= day <= contract.end_date:
            continue
        found.append(Occurrence(day.isoformat(), due))
    return found


def _last_done(plan_id: int, asset_id: int, tz: str) -> tuple[bool, date | None]:
    """(an open visit exists, the day the latest visit was done) for a completion anchor."""
    visits = db.session.execute(
        sa.select(MaintenanceVisit.status, MaintenanceVisit.done_at)
        .where(MaintenanceVisit.plan_id == plan_id, MaintenanceVisit.asset_id == asset_id)
    ).all()
    pending = any(v.status in OPEN_VISITS for v in visits)
    done = [v.done_at for v in visits if v.status is VisitStatus.DONE and v.done_at]
    return pending, (local_today(max(done), tz) if done else None)


def _insert(plan: MaintenancePlan, asset_id: int, occurrence: Occurrence,
            now: datetime) -> bool:
    """Insert the visit unless it exists: ON CONFLICT on (plan, machine, period) keeps two
    sweeps at once to one visit (the second waits for the first's commit and skips)."""
    statement = (upsert(MaintenanceVisit, db.engine)
                 .values(plan_id=plan.id, asset_id=asset_id, period_key=occurrence.period_key,
                         due_date=occurrence.due_date, assignee_id=plan.engineer_id,
                         status=VisitStatus.PLANNED, created_at=now)
                 .on_conflict_do_nothing(
                     index_elements=["plan_id", "asset_id", "period_key"])
                 .returning(MaintenanceVisit.id))
    return db.session.scalar(statement) is not None


def generate(now: datetime | None = None, horizon: int | None = None) -> int:
    """Insert every plan's visits due within the horizon (REPAIRAPP_MAINTENANCE_HORIZON_DAYS,
    60) that do not exist yet; returns how many are new. Flushes, never commits."""
    now = now or utcnow()
    horizon = horizon if horizon is not None else current_app.config.get(
        "MAINTENANCE_HORIZON_DAYS", HORIZON_DAYS)
    plans = db.session.scalars(sa.select(MaintenancePlan).where(
        MaintenancePlan.is_archived.is_(False)).order_by(MaintenancePlan.id)).all()
    created = 0
    for plan in plans:
        calendar = plan.calendar.spec() if plan.calendar else None
        for asset in plan_assets(plan):
            tz = asset.site.timezone
            last_done = None
            if plan.anchor is Anchor.COMPLETION:
                pending, last_done = _last_done(plan.id, asset.id, tz)
                if pending:
                    continue
            for occurrence in occurrences(plan, calendar, local_today(now, tz), horizon,
                                          last_done):
                created += _insert(plan, asset.id, occurrence, now)
    return created


def is_overdue(visit: MaintenanceVisit, now: datetime) -> bool:
    return visit.status in OPEN_VISITS and \
        visit.due_date < local_today(now, visit.asset.site.timezone)


def _with_context(query):
    return query.options(joinedload(MaintenanceVisit.plan),
                         joinedload(MaintenanceVisit.asset).joinedload(Asset.site))


def my_visits(user_id: int, now: datetime) -> list[MaintenanceVisit]:
    """The technician's open visits inside their plan's notice, overdue first. One query."""
    visits = db.session.scalars(_with_context(
        sa.select(MaintenanceVisit)
        .where(MaintenanceVisit.assignee_id == user_id,
               MaintenanceVisit.status.in_(OPEN_VISITS))
        .order_by(MaintenanceVisit.due_date, MaintenanceVisit.id))).unique()
    return [v for v in visits if v.due_date - timedelta(days=v.plan.notice_days)
            <= local_today(now, v.asset.site.timezone)]


def desk_visits(view: str) -> sa.Select:
    """The desk's list: "unassigned" (default) or every "open" visit, due first."""
    query = sa.select(MaintenanceVisit).where(MaintenanceVisit.status.in_(OPEN_VISITS))
    if view != "open":
        query = query.where(MaintenanceVisit.assignee_id.is_(None))
    return _with_context(query.order_by(MaintenanceVisit.due_date, MaintenanceVisit.id))


def visits_at(asset_id: int, user) -> list[MaintenanceVisit]:
    """Open visits of this machine a technician at it may start: theirs, or nobody's."""
    return list(db.session.scalars(
        sa.select(MaintenanceVisit)
        .where(MaintenanceVisit.asset_id == asset_id, MaintenanceVisit.status.in_(OPEN_VISITS),
               sa.or_(MaintenanceVisit.assignee_id == user.id,
                      MaintenanceVisit.assignee_id.is_(None)))
        .options(joinedload(MaintenanceVisit.plan))
        .order_by(MaintenanceVisit.due_date, MaintenanceVisit.id)))


"""SLA due times: the one place that turns a plan's targets into deadlines."""

import math
from datetime import datetime, timedelta

import sqlalchemy as sa

from repairapp.contracts.models import ServicePlan, Severity
from repairapp.extensions import db
from repairapp.sla.calendar import Calendar, add_working_minutes

#: {"critical": [response minutes, resolution minutes], ...}; None where nothing is promised.
Targets = dict[str, list[int | None]]


def targets_of(plan: ServicePlan | None) -> Targets:
    """A plan's targets as plain data, to freeze on a ticket."""
    if plan is None:
        return {}
    return {severity.value: list(plan.targets(severity)) for severity in Severity}


def due_times(
    targets: Targets, severity: Severity, start: datetime,
    calendar: Calendar | None = None, tz: str = "Asia/Shanghai",
) -> tuple[datetime | None, datetime | None]:
    """(response due, resolution due) for a ticket filed at `start`; None where no promise.

    Targets count working time of the plan's calendar in the site's time zone (24x7 when
    there is no calendar).
    """
    calendar = calendar or Calendar()
    response, resolution = targets.get(severity.value, (None, None))
    return (
        add_working_minutes(start, response, calendar, tz) if response is not None else None,
        add_working_minutes(start, resolution, calendar, tz) if resolution is not None
        else None,
    )


def plan_named(text: str) -> ServicePlan | None:
    """A service plan by its exact name, else by its id."""
    plan = db.session.scalar(sa.select(ServicePlan).where(ServicePlan.name == text.strip()))
    return plan or (db.session.get(ServicePlan, int(text)) if text.strip().isdigit() else None)


def due_for_plan(plan: ServicePlan, severity: Severity, start: datetime,
                 tz: str) -> tuple[datetime | None, datetime | None]:
    """The due times a ticket filed at `start` under `plan` gets: what intake freezes (the
    plan's targets and its calendar's spec) through due_times."""
    calendar = plan.calendar.spec() if plan.calendar else Calendar()
    return due_times(targets_of(plan), severity, start, calendar, tz)


def urgency(start: datetime, due: datetime | None, now: datetime) -> str:
    """"late" once past due, "soon" in the last quarter of the window (or last hour), else "ok"."""
    if due is None:
        return "ok"
    if now >= due:
        return "late"
    left, window = due - now, due - start
    return "soon" if left <= window / 4 or left <= timedelta(hours=1) else "ok"


def minutes_left(due: datetime, now: datetime) -> int:
    """Whole minutes until `due`; negative once it has passed."""
    return math.floor((due - now).total_seconds() / 60)

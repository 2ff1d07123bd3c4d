"""At the machine: start a visit (proof of presence), record the checklist, open a ticket
for every failed check."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _

from repairapp.contracts.models import Severity
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.maintenance.models import (
    ChecklistItem,
    ItemKind,
    MaintenanceVisit,
    ResultPhoto,
    VisitResult,
    VisitStatus,
)
from repairapp.tickets import services as tickets
from repairapp.tickets.models import Category
from repairapp.tickets.photos import Photo


class NotAllowed(Exception):
    """The visit is someone else's, or not open any more."""


def start(visit: MaintenanceVisit, user, now: datetime | None = None) -> None:
    """The technician scanned the machine's label and starts: an unassigned visit is theirs."""
    if visit.assignee_id not in (None, user.id):
        raise NotAllowed
    changed = db.session.execute(
        sa.update(MaintenanceVisit)
        .where(MaintenanceVisit.id == visit.id,
               MaintenanceVisit.status == VisitStatus.PLANNED,
               sa.or_(MaintenanceVisit.assignee_id.is_(None),
                      MaintenanceVisit.assignee_id == user.id))
        .values(status=VisitStatus.IN_PROGRESS, started_at=now or utcnow(),
                assignee_id=user.id)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(visit)
    if not changed and not (visit.status is VisitStatus.IN_PROGRESS
                            and visit.assignee_id == user.id):
        raise NotAllowed


@dataclass
class Answer:
    """What the technician entered for one check."""

    value: str = ""
    note: str = ""
    photos: list[Photo] = field(default_factory=list)


def judge(item: ChecklistItem, answer: Answer) -> bool | None:
    """Passed, failed, or None (nothing to judge)."""
    value = answer.value.strip()
    if item.kind is ItemKind.PASS_FAIL:
        return {"pass": True, "fail": False}.get(value)
    if item.kind is ItemKind.NUMBER:
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        return (item.min_value is None or number >= item.min_value) and \
            (item.max_value is None or number <= item.max_value)
    return None


def limits(item: ChecklistItem) -> str:
    """A reading's allowed range as shown: "210–230", "–0.5", "10–"."""
    low = "" if item.min_value is None else f"{item.min_value.normalize():f}"
    high = "" if item.max_value is None else f"{item.max_value.normalize():f}"
    return f"{low}–{high}"


def _description(visit: MaintenanceVisit, item: ChecklistItem, answer: Answer) -> str:
    lines = [_("Inspection %(plan)s, due %(day)s: “%(item)s” failed.",
               plan=visit.plan.name, day=visit.due_date.isoformat(), item=item.label)]
    if item.kind is ItemKind.NUMBER:
        lines.append(_("Reading %(value)s, allowed %(limits)s.", value=answer.value.strip(),
                       limits=limits(item)))
    if answer.note.strip():
        lines.append(answer.note.strip())
    return "\n".join(lines)


def complete(visit: MaintenanceVisit, user, answers: dict[int, Answer],
             now: datetime | None = None) -> list[VisitResult]:
    """Record the checklist and close the visit; each failed check opens a ticket for the
    machine (in the dispatch queue) with the check's note and photos. Once only: a second
    submit (another tab, a double tap) finds the visit done and changes nothing."""
    now = now or utcnow()
    changed = db.session.execute(
        sa.update(MaintenanceVisit)
        .where(MaintenanceVisit.id == visit.id,
               MaintenanceVisit.status == VisitStatus.IN_PROGRESS,
               MaintenanceVisit.assignee_id == user.id)
        .values(status=VisitStatus.DONE, done_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        raise NotAllowed
    results = []
    for item in visit.plan.checks:
        answer = answers.get(item.id, Answer())
        result = VisitResult(visit_id=visit.id, item_id=item.id, value=answer.value.strip(),
                             note=answer.note.strip(), passed=judge(item, answer))
        result.photos = [ResultPhoto(content=p.content, width=p.width, height=p.height)
                         for p in answer.photos]
        if result.passed is False:
            result.ticket_id = tickets.file_ticket(
                visit.asset, category=Category.OTHER, severity=Severity.MINOR,
                description=_description(visit, item, answer), requester_name=user.name,
                requester_phone="", idempotency_key=f"inspection-{visit.id}-{item.id}",
                photos=answer.photos, now=now).id
        db.session.add(result)
        results.append(result)
    db.session.flush()
    db.session.expire(visit)
    return results

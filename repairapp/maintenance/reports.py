"""The customer's signed inspection report: one visit, or a whole round in one signature.

What the report shows is frozen as plain JSON values (machine, visit, every check with its
result, reading, note and the ticket a failed check opened, technician, times) and sealed
with the SHA-256 of its canonical JSON, as a job's service sheet is (repairapp.jobreports:
the same seal, signature record and checks). A report is written once; the visits it covers
point at it, each at most one report, so a second signature is refused.
"""

import logging
from datetime import datetime

import sqlalchemy as sa

from repairapp.accounts.models import User
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.jobreports.content import seal, signature_matches, signed_by, stamp
from repairapp.maintenance.inspection import limits
from repairapp.maintenance.models import (
    InspectionReport,
    ItemKind,
    MaintenanceVisit,
    VisitResult,
    VisitStatus,
)
from repairapp.tickets.models import Ticket

log = logging.getLogger(__name__)
FORMAT = 1


class NotSignable(ValueError):
    """A visit is not done, not the signer's technician's, or already in a signed report."""


def can_sign(visits: list[MaintenanceVisit]) -> bool:
    """Every visit done, one technician's, and none in a signed report yet."""
    return bool(visits) and all(
        v.status is VisitStatus.DONE and v.report_id is None
        and v.assignee_id == visits[0].assignee_id for v in visits)


def _check(result: VisitResult, numbers: dict[int, str]) -> dict:
    item = result.item
    return {"label": item.label, "kind": item.kind.value,
            "limits": limits(item) if item.kind is ItemKind.NUMBER else "",
            "value": result.value, "passed": result.passed, "note": result.note,
            "photos": len(result.photos), "ticket": numbers.get(result.ticket_id)}


def _visit(visit: MaintenanceVisit, numbers: dict[int, str]) -> dict:
    asset = visit.asset
    return {"id": visit.id, "plan": visit.plan.name, "period": visit.period_key,
            "due_date": visit.due_date.isoformat(), "started_at": stamp(visit.started_at),
            "done_at": stamp(visit.done_at),
            "machine": {"tag": asset.tag, "name": asset.name, "model": asset.model or "",
                        "serial_number": asset.serial_number or ""},
            "checks": [_check(r, numbers) for r in visit.results]}


def freeze(visits: list[MaintenanceVisit], *, is_round: bool) -> dict:
    """The facts of the visits, in the order given, as the report shows them now."""
    first = visits[0]
    site = first.asset.site
    ticket_ids = {r.ticket_id for v in visits for r in v.results if r.ticket_id}
    numbers = {t.id: t.number for t in db.session.scalars(
        sa.select(Ticket).where(Ticket.id.in_(ticket_ids)))} if ticket_ids else {}
    return {"format": FORMAT, "kind": "round" if is_round else "visit",
            "timezone": site.timezone, "day": first.due_date.isoformat(),
            "customer": site.customer.name,
            "site": {"name": site.name, "address": site.address or "",
                     "contact": site.contact_name or ""},
            "technician": first.assignee.name if first.assignee else "",
            "visits": [_visit(v, numbers) for v in visits]}


def sign(visits: list[MaintenanceVisit], by: User, *, signer_name: str,
         signature_png: bytes | None, is_round: bool,
         now: datetime | None = None) -> InspectionReport:
    """The customer signs the report of these visits (one, or the round in order) on the
    technician's phone. Flushes; the route commits. Raises NotSignable when a visit is not
    done, not `by`'s, or signed already (also when another phone signed it a moment ago)."""
    signer_name = signer_name.strip()
    if not signer_name:
        raise ValueError("the customer's name is required")
    if not can_sign(visits) or visits[0].assignee_id != by.id:
        raise NotSignable
    now = (now or utcnow()).replace(microsecond=0)
    content = {**freeze(visits, is_round=is_round), "made_by": by.name,
               "made_at": stamp(now), "signature": signed_by(signer_name, now, signature_png)}
    first = visits[0]
    report = InspectionReport(is_round=is_round, technician_id=by.id,
                              site_id=first.asset.site_id, day=first.due_date, created_at=now,
                              signed_at=now, signer_name=signer_name,
                              signature_png=signature_png, content=content,
                              content_sha256=seal(content))
    db.session.add(report)
    db.session.flush()
    ids = [v.id for v in visits]
    # Each visit is taken only while no report has it: a second signature (another phone, a
    # double tap) finds it taken and changes nothing.
    taken = db.session.execute(
        sa.update(MaintenanceVisit)
        .where(MaintenanceVisit.id.in_(ids), MaintenanceVisit.report_id.is_(None),
               MaintenanceVisit.status == VisitStatus.DONE)
        .values(report_id=report.id)
        .execution_options(synchronize_session=False)).rowcount
    if taken != len(ids):
        raise NotSignable
    for visit in visits:
        db.session.expire(visit)
    return report


def is_intact(report: InspectionReport) -> bool:
    """The content still hashes to the stored hash, names exactly the visits that point at
    this report, and the row's signer, time and image are the ones it names."""
    content = report.content
    covered = sorted(db.session.scalars(
        sa.select(MaintenanceVisit.id).where(MaintenanceVisit.report_id == report.id)))
    intact = (seal(content) == report.content_sha256
              and sorted(v["id"] for v in content["visits"]) == covered
              and content["kind"] == ("round" if report.is_round else "visit")
              and signature_matches(content.get("signature"), report.signer_name,
                                    report.signed_at, report.signature_png))
    if not intact:
        log.error("inspection report %s failed its integrity check", report.id)
    return intact

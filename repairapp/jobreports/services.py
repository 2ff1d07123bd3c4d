"""Signing a job's service sheet on site, correcting it later, and checking it is intact.

A signed row is never updated: a correction, or a signature after the job was reopened and
resolved again, adds version n + 1 pointing at version n. Services flush; the route commits.
"""

import logging
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from repairapp.accounts.models import User
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.jobreports.content import (
    changed_sections,
    freeze,
    seal,
    signature_matches,
    signed_by,
    stamp,
)
from repairapp.jobreports.models import JobReport
from repairapp.notifications.models import NotificationKind
from repairapp.notifications.services import announce
from repairapp.tickets.models import EventKind, Status, Ticket, WorkType

log = logging.getLogger(__name__)
DONE = (Status.RESOLVED, Status.CLOSED)


class NotSignable(ValueError):
    """The job is not resolved on site, or its sheet is already signed for this resolution."""


class Stale(ValueError):
    """A correction of a version that is no longer the latest."""


def versions(ticket_id: int) -> list[JobReport]:
    """Every version of the ticket's sheet, oldest first."""
    return list(db.session.scalars(sa.select(JobReport).where(JobReport.ticket_id == ticket_id)
                                   .order_by(JobReport.version)))


def latest(ticket_id: int) -> JobReport | None:
    return db.session.scalar(sa.select(JobReport).where(JobReport.ticket_id == ticket_id)
                             .order_by(JobReport.version.desc()).limit(1))


def was_on_site(ticket: Ticket) -> bool:
    """Someone worked at the machine: on-site work logged, or a check-in."""
    return any(log.work_type is WorkType.ON_SITE for log in ticket.work_logs) or any(
        e.kind is EventKind.CHECK_IN for e in ticket.events)


def can_sign(ticket: Ticket, last: JobReport | None = None) -> bool:
    """Resolved (or closed) on site, not merged away, and not yet signed since it was last
    resolved (a job reopened and resolved again is signed again)."""
    if ticket.status not in DONE or ticket.merged_into_id is not None or not was_on_site(ticket):
        return False
    last = last or latest(ticket.id)
    return last is None or last.content["ticket"]["reopen_count"] != ticket.reopen_count


def _last_signature(report: JobReport) -> dict | None:
    """Who signed this version, or the version it corrects, back to the last signature."""
    return report.content["signature"] or (report.content["corrects"] or {}).get("signed")


def _corrects(report: JobReport | None) -> dict | None:
    if report is None:
        return None
    return {"version": report.version, "sha256": report.content_sha256,
            "signed": _last_signature(report)}


def _add(ticket: Ticket, by: User, facts: dict, previous: JobReport | None, now: datetime, *,
         signer_name: str = "", png: bytes | None = None, note: str = "") -> JobReport:
    now = now.replace(microsecond=0)
    version = previous.version + 1 if previous else 1
    signature = signed_by(signer_name, now, png)
    content = {**facts, "version": version, "made_at": stamp(now), "made_by": by.name,
               "corrects": _corrects(previous), "change_note": note,
               "changed": changed_sections(previous.content, facts) if previous else [],
               "signature": signature}
    report = JobReport(ticket_id=ticket.id, version=version, created_at=now, created_by=by,
                       signed_at=now if signature else None, signer_name=signer_name,
                       signature_png=png, content=content, content_sha256=seal(content),
                       supersedes=previous, change_note=note)
    db.session.add(report)
    db.session.flush()  # a second sheet of the same version fails here (unique constraint)
    announce(ticket, NotificationKind.JOB_REPORT, key=f"v{version}")
    return report


def sign(ticket: Ticket, by: User, *, signer_name: str, signature_png: bytes | None,
         tax_percent: Decimal, now: datetime | None = None) -> JobReport:
    """The customer signs the sheet on the technician's phone (drawn, or by typed name)."""
    signer_name = signer_name.strip()
    if not signer_name:
        raise ValueError("the customer's name is required")
    previous = latest(ticket.id)
    if not can_sign(ticket, previous):
        raise NotSignable(ticket.number)
    return _add(ticket, by, freeze(ticket, tax_percent=tax_percent), previous, now or utcnow(),
                signer_name=signer_name, png=signature_png)


def correct(report: JobReport, by: User, *, change_note: str, work_done: str,
            tax_percent: Decimal, now: datetime | None = None) -> JobReport:
    """Staff correct the latest version: a new version with the ticket's facts as they are
    now, the work-done text as edited, and what changed; not signed by the customer."""
    if not change_note.strip():
        raise ValueError("say what changed")
    if latest(report.ticket_id).id != report.id:
        raise Stale(f"{report.ticket.number} v{report.version}")
    facts = freeze(report.ticket, tax_percent=tax_percent, work_done=work_done.strip())
    return _add(report.ticket, by, facts, report, now or utcnow(), note=change_note.strip())


def is_intact(report: JobReport) -> bool:
    """The stored content still hashes to the stored hash, and the row's own columns (ticket,
    version, signer, time, signature image) are the ones the content names."""
    content = report.content
    intact = (seal(content) == report.content_sha256 and content.get("version") == report.version
              and content["ticket"]["number"] == report.ticket.number
              and signature_matches(content.get("signature"), report.signer_name,
                                    report.signed_at, report.signature_png))
    if not intact:
        log.error("job report %s (%s v%s) failed its integrity check", report.id,
                  report.ticket.number, report.version)
    return intact


"""At the machine: start an inspection through the label, fill in the checklist."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from repairapp.accounts.models import Role
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.intake.routes import _asset_or_404
from repairapp.maintenance import inspection, services
from repairapp.maintenance.forms import checklist_form
from repairapp.maintenance.models import (
    ItemKind,
    MaintenanceVisit,
    ResultPhoto,
    VisitResult,
    VisitStatus,
)
from repairapp.maintenance.routes import bp


@bp.app_template_global()
def inspections_here(asset) -> list[MaintenanceVisit]:
    """For the scan page: this machine's visits the technician looking at it may start."""
    if not (current_user.is_authenticated and current_user.role is Role.TECHNICIAN):
        return []
    return services.visits_at(asset.id, current_user)


@bp.post("/r/<code>/start/<int:visit_id>")
def start(code: str, visit_id: int):
    """Start the inspection: reachable only through the machine's own label (presence)."""
    asset = _asset_or_404(code)
    visit = db.session.get(MaintenanceVisit, visit_id)
    if visit is None or visit.asset_id != asset.id:
        abort(404)
    try:
        inspection.start(visit, current_user)
        db.session.commit()
    except inspection.NotAllowed:
        db.session.rollback()
        flash(_("That is not possible for this visit right now."), "error")
        return redirect(url_for("intake.scan", code=code))
    return redirect(url_for(".visit", visit_id=visit.id))


def _visit_or_404(visit_id: int) -> MaintenanceVisit:
    """The assignee's visit; the desk and managers see every one (a technician never learns
    of another's)."""
    visit = db.get_or_404(MaintenanceVisit, visit_id)
    if current_user.role is Role.TECHNICIAN and visit.assignee_id != current_user.id:
        abort(404)
    return visit


def _answers(visit: MaintenanceVisit, form) -> dict[int, inspection.Answer]:
    answers = {}
    for item in visit.plan.checks:
        value = getattr(form, f"value_{item.id}", None)
        data = "" if value is None or value.data is None else str(value.data)
        answers[item.id] = inspection.Answer(
            value=data, note=getattr(form, f"note_{item.id}").data or "",
            photos=form.photo_data.get(f"photos_{item.id}", []))
    return answers


def _missing_photos(visit: MaintenanceVisit, form) -> bool:
    missing = False
    for item in visit.plan.checks:
        if item.kind is ItemKind.PHOTO and item.is_required and \
                not form.photo_data.get(f"photos_{item.id}"):
            getattr(form, f"photos_{item.id}").errors.append(_("Take a photo for this check."))
            missing = True
    return missing


def _page(visit: MaintenanceVisit, form, status: int = 200):
    mine = visit.status is VisitStatus.IN_PROGRESS and visit.assignee_id == current_user.id
    return render_template("maintenance/visit.html", visit=visit, form=form, mine=mine,
                           ItemKind=ItemKind, now=utcnow(), is_overdue=services.is_overdue,
                           VisitStatus=VisitStatus), status


@bp.get("/visits/<int:visit_id>")
def visit(visit_id: int):
    """The checklist while the visit is in progress (its technician), its results after."""
    found = _visit_or_404(visit_id)
    return _page(found, checklist_form(found.plan.checks))


@bp.post("/visits/<int:visit_id>/checklist")
def record(visit_id: int):
    """The technician sends the checklist: results saved, failed checks become tickets."""
    found = _visit_or_404(visit_id)
    if found.assignee_id != current_user.id:
        abort(403)
    if found.status is not VisitStatus.IN_PROGRESS:
        flash(_("This inspection was already sent."), "error")
        return _page(found, checklist_form(found.plan.checks), 409)
    form = checklist_form(found.plan.checks)
    if not form.validate_on_submit() or _missing_photos(found, form):
        return _page(found, form, 422)
    try:
        results = inspection.complete(found, current_user, _answers(found, form))
        db.session.commit()
    except (inspection.NotAllowed, IntegrityError):
        db.session.rollback()
        flash(_("This inspection was already sent."), "error")
        return redirect(url_for(".visit", visit_id=visit_id))
    failed = sum(r.passed is False for r in results)
    flash(_("Inspection done. %(n)d failed check(s) opened repair tickets.", n=failed)
          if failed else _("Inspection done. Every check passed."))
    return redirect(url_for(".visit", visit_id=visit_id))


@bp.get("/visits/<int:visit_id>/photos/<int:photo_id>")
def photo(visit_id: int, photo_id: int):
    _visit_or_404(visit_id)
    content = db.session.scalar(
        sa.select(ResultPhoto.content).join(VisitResult)
        .where(ResultPhoto.id == photo_id, VisitResult.visit_id == visit_id))
    if content is None:
        abort(404)
    return content, 200, {"Content-Type": "image/jpeg", "Cache-Control": "private, max-age=86400"}

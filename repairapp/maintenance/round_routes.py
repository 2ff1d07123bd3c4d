"""Rounds and the customer's signed inspection reports: the round page (order, next visit),
signing one visit or a whole round on the technician's phone, and the report's PDF."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from repairapp.accounts.models import Role
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.jobreports import signature
from repairapp.jobreports.forms import SignForm
from repairapp.maintenance import report_pdf, reports, rounds
from repairapp.maintenance.models import InspectionReport, MaintenanceVisit, VisitStatus
from repairapp.maintenance.routes import bp
from repairapp.maintenance.visit_routes import _visit_or_404
from repairapp.maintenance.wording import check_result


@bp.app_template_global()
def visit_rounds(visits: list[MaintenanceVisit]) -> dict[tuple, int]:
    """For My jobs: how many of the listed visits share each round."""
    return rounds.groups(visits)


@bp.app_template_global()
def visit_round(visit: MaintenanceVisit) -> list[MaintenanceVisit]:
    """For the visit's page: its round, in order."""
    return rounds.round_of(visit)


@bp.record_once
def _template_globals(state) -> None:
    """A check's result in words, on the sign page as in the PDF."""
    state.app.jinja_env.globals["check_result"] = check_result


def _mine(visit: MaintenanceVisit) -> MaintenanceVisit:
    """Only the visit's technician orders its round and has the customer sign."""
    if visit.assignee_id != current_user.id:
        abort(403)
    return visit


@bp.get("/visits/<int:visit_id>/round")
def round_page(visit_id: int):
    """The visit's round: the machines in order, which is next, the round's report."""
    visit = _visit_or_404(visit_id)
    visits = rounds.round_of(visit)
    return render_template("maintenance/round.html", visit=visit, visits=visits,
                           next_visit=rounds.next_visit(visits), now=utcnow(),
                           mine=visit.assignee_id == current_user.id,
                           signable=rounds.is_complete(visits) and reports.can_sign(visits),
                           VisitStatus=VisitStatus)


@bp.post("/visits/<int:visit_id>/round/move")
def move(visit_id: int):
    """Move a visit one place earlier or later in its round (no JavaScript needed)."""
    visit = _mine(_visit_or_404(visit_id))
    sent = request.form.getlist("direction")
    step = {"up": -1, "down": 1}.get(sent[0]) if len(sent) == 1 else None
    if step is None:  # a post the round page could not have sent
        abort(400)
    rounds.move(visit, step)
    db.session.commit()
    return redirect(url_for(".round_page", visit_id=visit.id, _anchor=f"visit-{visit.id}"))


def _sign(visit: MaintenanceVisit, visits: list[MaintenanceVisit], *, is_round: bool):
    """The sign page for these visits, and the signature when it is sent."""
    back = url_for(".round_page" if is_round else ".visit", visit_id=visit.id)
    if not (rounds.is_complete(visits) and reports.can_sign(visits)):
        flash(_("Nothing to sign: the report is signed once every inspection in it is done, "
                "and this one is not finished or is signed already."), "error")
        return redirect(back)
    form = SignForm()
    if request.method == "GET" and not form.signer_name.data:
        form.signer_name.data = visit.asset.site.contact_name or None
    if not form.validate_on_submit():
        return _sign_page(visit, visits, form, is_round,
                          422 if request.method == "POST" else 200)
    readable, png = signature.read(form)
    if not readable:
        return _sign_page(visit, visits, form, is_round, 422)
    try:
        report = reports.sign(visits, current_user, signer_name=form.signer_name.data,
                              signature_png=png, is_round=is_round)
        db.session.commit()
    except (reports.NotSignable, IntegrityError):  # signed on another phone meanwhile
        db.session.rollback()
        flash(_("This inspection report was signed a moment ago; nothing more was saved."),
              "error")
        return redirect(back)
    flash(_("Signed by %(name)s: the inspection report covers %(n)d machine(s).",
            name=report.signer_name, n=len(visits)))
    return redirect(back)


def _sign_page(visit, visits, form, is_round: bool, status: int):
    return render_template("maintenance/sign.html", visit=visit, form=form, is_round=is_round,
                           content=reports.freeze(visits, is_round=is_round)), status


@bp.route("/visits/<int:visit_id>/sign", methods=["GET", "POST"])
def sign_visit(visit_id: int):
    """The customer signs one visit's inspection report."""
    visit = _mine(_visit_or_404(visit_id))
    return _sign(visit, [visit], is_round=False)


@bp.route("/visits/<int:visit_id>/round/sign", methods=["GET", "POST"])
def sign_round(visit_id: int):
    """The site's contact signs once for every visit of the round."""
    visit = _mine(_visit_or_404(visit_id))
    return _sign(visit, rounds.round_of(visit), is_round=True)


@bp.get("/reports/<int:report_id>.pdf")
def report_pdf_file(report_id: int):
    """The signed report, drawn again from its content once the hash checks out. Its
    technician and the desk and managers may download it."""
    report = db.get_or_404(InspectionReport, report_id)
    if current_user.role is Role.TECHNICIAN and report.technician_id != current_user.id:
        abort(404)
    if not reports.is_intact(report):
        return render_template("jobreports/tampered.html", report=report,
                               title=_("Inspection report"),
                               heading=_("This inspection report cannot be shown"),
                               note=f"#{report.id}"), 409
    asked = request.args.get("lang", "")
    locale = asked if asked in report_pdf.LOCALES else "zh"
    response = make_response(report_pdf.render(report, report.signature_png, locale=locale))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = \
        f'inline; filename="inspection-report-{report.id}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response

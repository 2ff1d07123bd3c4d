"""The service sheet: signing on the technician's phone, corrections by the desk, and the PDF
for staff and for the requester's tracking link (no login: the token is the key)."""

from types import SimpleNamespace

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from repairapp.accounts.models import Role
from repairapp.extensions import db
from repairapp.jobreports import pdf, services, signature, words
from repairapp.jobreports.content import freeze
from repairapp.jobreports.forms import CorrectForm, SignForm
from repairapp.jobreports.models import JobReport
from repairapp.tickets import services as tickets
from repairapp.tickets.models import Ticket
from repairapp.tickets.workflow import Actor, actor_for

bp = Blueprint("jobreports", __name__, url_prefix="/job-report")


def _ticket(ticket_id: int, *, reading: bool = False) -> Ticket:
    """The ticket, for its technician and the desk; managers may read, never sign."""
    ticket = db.get_or_404(Ticket, ticket_id)
    if actor_for(current_user, ticket) is None:
        if current_user.role is Role.MANAGER:
            return ticket if reading else abort(403)
        abort(404)
    return ticket


def _sign_page(ticket: Ticket, form: SignForm, status: int = 200):
    facts = freeze(ticket, tax_percent=current_app.config["TAX_RATE_PERCENT"])
    return render_template("jobreports/sign.html", ticket=ticket, form=form,
                           content=facts), status


@bp.route("/ticket/<int:ticket_id>/sign", methods=["GET", "POST"])
@login_required
def sign(ticket_id: int):
    """The summary and the signature pad, on the technician's phone in front of the customer."""
    ticket = _ticket(ticket_id)
    if not services.can_sign(ticket):
        flash(_("Nothing to sign: a service sheet is signed once a job is resolved on site, "
                "and this one is signed already or was not resolved on site."), "error")
        return redirect(url_for("tickets.detail", ticket_id=ticket.id))
    form = SignForm()
    if not form.validate_on_submit():
        return _sign_page(ticket, form, 422 if request.method == "POST" else 200)
    readable, png = signature.read(form)
    if not readable:
        return _sign_page(ticket, form, 422)
    try:
        report = services.sign(ticket, current_user, signer_name=form.signer_name.data,
                               signature_png=png,
                               tax_percent=current_app.config["TAX_RATE_PERCENT"])
        db.session.commit()
    except (services.NotSignable, IntegrityError):  # signed on another phone meanwhile
        db.session.rollback()
        flash(_("This service sheet was signed a moment ago; nothing more was saved."), "error")
        return redirect(url_for("tickets.detail", ticket_id=ticket.id, _anchor="job-report"))
    flash(_signed_message(ticket, report))
    return redirect(url_for("tickets.detail", ticket_id=ticket.id, _anchor="job-report"))


def _signed_message(ticket: Ticket, report: JobReport) -> str:
    text = _("Signed by %(name)s. The service sheet (version %(version)s) is on the "
             "requester's tracking page.", name=report.signer_name, version=report.version)
    if ticket.requester_email:
        text += " " + _("It is also emailed to %(email)s.", email=ticket.requester_email)
    return text


@bp.route("/<int:report_id>/correct", methods=["GET", "POST"])
@login_required
def correct(report_id: int):
    """The desk corrects the latest version: a new version saying what changed."""
    report = db.get_or_404(JobReport, report_id)
    if actor_for(current_user, _ticket(report.ticket_id)) is not Actor.DISPATCHER:
        abort(403)
    form = CorrectForm(version=report.version, work_done=report.content["work_done"])
    if not form.validate_on_submit():
        return _correct_page(report, form, 422 if request.method == "POST" else 200)
    if form.version.data != str(report.version):
        abort(400)
    try:
        new = services.correct(report, current_user, change_note=form.change_note.data,
                               work_done=form.work_done.data,
                               tax_percent=current_app.config["TAX_RATE_PERCENT"])
        db.session.commit()
    except (services.Stale, IntegrityError):
        db.session.rollback()
        flash(_("There is a newer version of this service sheet; correct that one."), "error")
        return redirect(url_for("tickets.detail", ticket_id=report.ticket_id,
                                _anchor="job-report"))
    flash(_("Version %(version)s saved; it says it corrects version %(old)s.",
            version=new.version, old=report.version))
    return redirect(url_for("tickets.detail", ticket_id=report.ticket_id, _anchor="job-report"))


def _correct_page(report: JobReport, form: CorrectForm, status: int):
    return render_template("jobreports/correct.html", report=report, ticket=report.ticket,
                           form=form), status


def _locale(ticket: Ticket) -> str:
    """?lang= if it names one of ours, else the requester's language, else Chinese."""
    asked = request.args.get("lang", "")
    if asked in pdf.LOCALES:
        return asked
    return ticket.requester_locale if ticket.requester_locale in pdf.LOCALES else "zh"


def _pdf(report: JobReport):
    """The PDF, drawn again from the stored content once its hash checks out."""
    if not services.is_intact(report):
        return render_template("jobreports/tampered.html", report=report), 409
    data = pdf.render(report, report.signature_png, locale=_locale(report.ticket))
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = \
        f'inline; filename="service-sheet-{report.ticket.number}-v{report.version}.pdf"'
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:report_id>.pdf")
@login_required
def staff_pdf(report_id: int):
    report = db.get_or_404(JobReport, report_id)
    _ticket(report.ticket_id, reading=True)
    return _pdf(report)


@bp.get("/t/<token>/v<int:version>.pdf")
def public_pdf(token: str, version: int):
    """Whoever holds the tracking link downloads every version of the sheet."""
    ticket = tickets.by_tracking_token(token)
    report = None if ticket is None or ticket.merged_into_id else db.session.scalar(
        db.select(JobReport).filter_by(ticket_id=ticket.id, version=version))
    if report is None:
        abort(404)
    response = _pdf(report)
    if isinstance(response, tuple):
        return response
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.app_template_global("job_sheets")
def job_sheets(ticket: Ticket) -> SimpleNamespace:
    """A ticket's sheet for its pages: every version, and whether it can be signed now."""
    versions = services.versions(ticket.id)
    return SimpleNamespace(versions=versions, latest=versions[-1] if versions else None,
                           can_sign=services.can_sign(ticket, versions[-1] if versions
                                                      else None))


@bp.record_once
def _template_globals(state) -> None:
    """`sheet_words.*` turn a sheet's frozen codes into words on its pages, as in its PDF."""
    state.app.jinja_env.globals["sheet_words"] = words

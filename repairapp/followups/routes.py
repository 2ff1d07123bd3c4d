"""The service desk's follow-ups (回访) and complaints: dispatchers and admins."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from repairapp.accounts.models import User
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.followups import services
from repairapp.followups.forms import ComplaintEditForm, FollowUpForm, StaffComplaintForm
from repairapp.followups.models import Complaint, ComplaintSource, ComplaintStatus, FollowUp
from repairapp.pagination import paginate
from repairapp.tickets.models import Ticket

bp = Blueprint("followups", __name__, url_prefix="/followups")


@bp.before_request
@login_required
def _desk_only():
    """Follow-ups and complaints are the service desk's work."""
    if not current_user.is_dispatcher:
        abort(403)


@bp.get("/")
def index():
    view = request.args.get("view")
    view = view if view in services.VIEWS else "todo"
    now = utcnow()
    return render_template("followups/index.html", view=view, now=now,
                           page=paginate(services.desk_list(view, now)))


@bp.route("/<int:task_id>", methods=["GET", "POST"])
def record(task_id: int):
    """One follow-up: who to call, and the form to record what they said."""
    task = db.get_or_404(FollowUp, task_id)
    if task.by_requester and request.method == "POST":  # their own rating stands
        flash(_("The requester already rated this through their tracking link."), "error")
        return redirect(url_for(".record", task_id=task.id))
    form = FollowUpForm(data=_shown(task))
    if task.ticket_id:  # after a repair the desk asks whether it has held
        form.stays_fixed.validators = [InputRequired(_l("Say whether it has stayed fixed."))]
    if form.validate_on_submit():
        services.record(task, current_user, method=form.method.data,
                        satisfaction=int(form.satisfaction.data),
                        stays_fixed=None if form.stays_fixed.data is None
                        else form.stays_fixed.data == "yes",
                        notes=(form.notes.data or "").strip())
        db.session.commit()
        flash(_("Follow-up recorded."))
        return redirect(url_for(".index"))
    return render_template("followups/record.html", task=task, form=form,
                           now=utcnow()), 422 if form.errors else 200


def _shown(task: FollowUp) -> dict:
    """The form's values from a task the desk already recorded (to correct it)."""
    if not task.is_done or task.by_requester:
        return {}
    fixed = None if task.stays_fixed is None else ("yes" if task.stays_fixed else "no")
    return {"method": task.method, "notes": task.notes, "stays_fixed": fixed,
            "satisfaction": str(task.satisfaction or "")}


def _owners() -> list[SelectChoice]:
    staff = db.session.scalars(sa.select(User).where(User.is_active.is_(True))
                               .order_by(User.name))
    return [SelectChoice("0", _("Nobody yet"))] + [SelectChoice(str(u.id), u.name)
                                                    for u in staff]


def _owner_id(value: str) -> int | None:
    return int(value) if value and value != "0" else None


@bp.get("/complaints")
def complaints():
    view = request.args.get("view")
    view = view if view in ("open", "overdue", "closed", "all") else "open"
    now = utcnow()
    return render_template("followups/complaints.html", view=view, now=now,
                           page=paginate(services.complaint_list(view, now)))


@bp.route("/complaints/new", methods=["GET", "POST"])
def new_complaint():
    """Log a complaint for a caller; from a ticket's page it is about that ticket."""
    ticket_id = request.args.get("ticket", "")
    ticket = db.get_or_404(Ticket, int(ticket_id)) if ticket_id.isdecimal() else None
    form = StaffComplaintForm(obj=None)
    form.owner.choices = _owners()
    if request.method == "GET":
        form.owner.data = str(current_user.id)
        if ticket:
            form.caller_name.data, form.caller_phone.data = (ticket.requester_name,
                                                             ticket.requester_phone)
    if form.validate_on_submit():
        complaint = services.complain(
            source=ComplaintSource.STAFF, description=form.description.data.strip(),
            ticket=ticket, caller_name=form.caller_name.data.strip(),
            caller_phone=(form.caller_phone.data or "").strip(),
            owner_id=_owner_id(form.owner.data), created_by_id=current_user.id)
        db.session.commit()
        flash(_("Complaint logged."))
        return redirect(url_for(".complaint", complaint_id=complaint.id))
    return render_template("followups/new_complaint.html", form=form,
                           ticket=ticket), 422 if form.errors else 200


@bp.route("/complaints/<int:complaint_id>", methods=["GET", "POST"])
def complaint(complaint_id: int):
    """A complaint: change its owner, close it with its outcome (or reopen it)."""
    found = db.get_or_404(Complaint, complaint_id)
    form = ComplaintEditForm()
    form.owner.choices = _owners()
    if request.method == "GET":
        form.owner.data = str(found.owner_id or 0)
        form.status.data, form.outcome.data = found.status.value, found.outcome
    if form.validate_on_submit():
        found.owner_id = _owner_id(form.owner.data)
        found.outcome = (form.outcome.data or "").strip()
        services.settle(found, status=ComplaintStatus(form.status.data))
        db.session.commit()
        flash(_("Complaint saved."))
        return redirect(url_for(".complaints"))
    return render_template("followups/complaint.html", complaint=found, form=form,
                           now=utcnow()), 422 if form.errors else 200

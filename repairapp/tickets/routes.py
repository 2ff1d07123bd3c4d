"""A ticket for staff: details, history, and everything a technician or dispatcher does."""

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from repairapp.accounts.models import Role, User
from repairapp.billing.work import Terms
from repairapp.contracts.models import Severity
from repairapp.extensions import db
from repairapp.followups import services as followups
from repairapp.jobreports import services as job_sheets
from repairapp.tickets import work
from repairapp.tickets.forms import (
    AssignForm,
    MergeForm,
    ResolveForm,
    StatusForm,
    TriageForm,
    WaitForm,
    WorkLogForm,
)
from repairapp.tickets.merge import can_merge
from repairapp.tickets.merge import merge as merge_tickets
from repairapp.tickets.models import Category, Status, Ticket, TicketPhoto, WorkType
from repairapp.tickets.pages import assign_choices, detail_context
from repairapp.tickets.workflow import TransitionError, actor_for, change_status, is_public
from repairapp.wording import STATUS, moved_message

bp = Blueprint("tickets", __name__, url_prefix="/tickets")


@bp.before_request
@login_required
def _staff_only():
    """Every page here needs a logged-in member of staff."""


def _ticket_or_404(ticket_id: int) -> Ticket:
    """The ticket, if this user has a part in it; technicians never see others' jobs."""
    ticket = db.get_or_404(Ticket, ticket_id)
    if actor_for(current_user, ticket) is None:
        if current_user.role is Role.MANAGER:  # reads every ticket, changes none
            return ticket if request.method in ("GET", "HEAD") else abort(403)
        abort(404)
    return ticket


def _apply(ticket_id: int, change, message: str | None = None, target=None):
    """Run the request's one change and commit it, or explain why nothing was written.

    `target` may be a function, called after the change, giving where to go next.
    """
    try:
        change()
        db.session.commit()
    except TransitionError:
        db.session.rollback()
        flash(_("That change is not allowed from the ticket's current status."), "error")
        return redirect(url_for(".detail", ticket_id=ticket_id))
    except StaleDataError:  # raised at flush or commit: a concurrent edit won
        db.session.rollback()
        flash(_("Someone else changed this ticket a moment ago. Check it and try again."),
              "error")
        return redirect(url_for(".detail", ticket_id=ticket_id))
    except ValueError:  # e.g. the chosen technician was deactivated meanwhile
        db.session.rollback()
        flash(_("That change could not be made. Check the form and try again."), "error")
        return redirect(url_for(".detail", ticket_id=ticket_id))
    if message:
        flash(message)
    return redirect((target() if callable(target) else target)
                    or url_for(".detail", ticket_id=ticket_id))


@bp.get("/")
def index():
    """Staff home: dispatchers get the queue, managers their overview, technicians their
    jobs."""
    if current_user.role is Role.MANAGER:
        return redirect(url_for("manager.home"))
    return redirect(url_for("dispatch.index" if current_user.is_dispatcher else "jobs.index"))


@bp.get("/<int:ticket_id>")
def detail(ticket_id: int):
    ticket = _ticket_or_404(ticket_id)
    return render_template("tickets/detail.html", **detail_context(ticket, current_user))


@bp.post("/<int:ticket_id>/status")
def change(ticket_id: int):
    ticket = _ticket_or_404(ticket_id)
    waiting = request.form.get("to") == Status.WAITING_CUSTOMER.value
    form = WaitForm() if waiting else StatusForm()  # waiting needs what is awaited
    if not form.validate_on_submit():
        return _rerender(ticket, wait_form=form) if waiting else abort(400)
    if form.to.data not in {s.value for s in Status}:
        abort(400)
    if form.to.data == Status.RESOLVED.value:  # needs the resolution form
        return redirect(url_for(".detail", ticket_id=ticket_id, _anchor="resolve"))
    start, to = ticket.status, Status(form.to.data)

    def move():
        change_status(ticket, to, actor_for(current_user, ticket), user=current_user,
                      note=(form.note.data or "").strip())
        if to is Status.CLOSED:  # closed by the desk: the follow-up call is still owed
            followups.task_for_closed(ticket)
    return _apply(ticket_id, move, moved_message(start, to, is_public(start, to)))


def _rerender(ticket: Ticket, **forms):
    """The ticket page again, with the failed form and everything typed in it."""
    return render_template("tickets/detail.html",
                           **detail_context(ticket, current_user, **forms)), 422


@bp.post("/<int:ticket_id>/work")
def log_work(ticket_id: int):
    ticket = _ticket_or_404(ticket_id)
    form = WorkLogForm()
    if not form.validate_on_submit():
        return _rerender(ticket, work_form=form)
    return _apply(ticket_id, lambda: work.log_work(
        ticket, current_user, work_type=WorkType(form.work_type.data),
        minutes=form.minutes.data, notes=form.notes.data or "", parts=form.parts_used(),
        photos=form.reencoded), _("Work logged."))


@bp.post("/<int:ticket_id>/resolve")
def resolve(ticket_id: int):
    ticket = _ticket_or_404(ticket_id)
    form = ResolveForm()
    if not form.validate_on_submit():
        return _rerender(ticket, resolve_form=form)
    return _apply(ticket_id, lambda: work.resolve(
        ticket, current_user, resolution_note=form.notes.data,
        work_type=WorkType(form.work_type.data), minutes=form.minutes.data,
        parts=form.parts_used(), photos=form.reencoded,
        terms=Terms.from_config(current_app.config)),
        _("Marked “%(status)s”. The requester sees what was done and is asked to "
          "confirm.", status=STATUS[Status.RESOLVED]),
        # Resolved at the machine: the customer signs the service sheet there and then.
        lambda: url_for("jobreports.sign", ticket_id=ticket_id)
        if form.work_type.data == WorkType.ON_SITE.value and job_sheets.can_sign(ticket)
        else None)


@bp.post("/<int:ticket_id>/assign")
def assign(ticket_id: int):
    ticket = _ticket_or_404(ticket_id)
    form = AssignForm()
    form.technician.choices = assign_choices(ticket, current_user)
    if not form.validate_on_submit():
        return _rerender(ticket, assign_form=form)
    technician = db.session.get(User, int(form.technician.data)) if form.technician.data \
        else None
    if not current_user.is_dispatcher and not (form.reason.data or "").strip():
        form.reason.errors.append(_("Give a reason when you hand a job over."))
        return _rerender(ticket, assign_form=form)
    # A technician who handed the job away can no longer see it: back to their list.
    return _apply(ticket_id, lambda: work.assign(ticket, technician, current_user,
                                                 form.reason.data or ""),
                  _("Assignment saved."),
                  lambda: None if actor_for(current_user, ticket) else url_for("jobs.index"))


@bp.post("/<int:ticket_id>/triage")
def triage(ticket_id: int):
    ticket = _ticket_or_404(ticket_id)
    form = TriageForm()
    if not current_user.is_dispatcher:
        abort(403)
    if not form.validate_on_submit():
        return _rerender(ticket, triage_form=form)
    def regrade():
        work.set_severity(ticket, Severity(form.severity.data), current_user)
        work.set_category(ticket, Category(form.category.data), current_user)

    return _apply(ticket_id, regrade, _("Severity and category saved; due times recomputed."))


@bp.post("/<int:ticket_id>/merge")
def merge(ticket_id: int):
    """Close this ticket as a duplicate of an earlier open one on the same machine."""
    ticket = _ticket_or_404(ticket_id)
    form = MergeForm()
    if not current_user.is_dispatcher:
        abort(403)
    if not form.validate_on_submit():
        abort(400)
    earlier = db.get_or_404(Ticket, form.into.data)
    if not can_merge(ticket, earlier):  # merged, closed or resolved since the page was shown
        flash(_("Nothing was merged: %(later)s and %(earlier)s are no longer an open ticket "
                "and an earlier open one on the same machine.", later=ticket.number,
                earlier=earlier.number), "error")
        return redirect(url_for(".detail", ticket_id=ticket_id))
    back = form.next.data or ""
    back = back if back.startswith("/") and not urlsplit(back).netloc else None
    return _apply(ticket_id, lambda: merge_tickets(ticket, earlier, current_user),
                  _("%(later)s closed as a duplicate of %(earlier)s; its text and photos are "
                    "now on %(earlier)s.", later=ticket.number, earlier=earlier.number),
                  back or url_for(".detail", ticket_id=earlier.id))


@bp.get("/<int:ticket_id>/photos/<int:photo_id>")
def photo(ticket_id: int, photo_id: int):
    _ticket_or_404(ticket_id)
    content = db.session.scalar(sa.select(TicketPhoto.content).where(
        TicketPhoto.id == photo_id, TicketPhoto.ticket_id == ticket_id))
    if content is None:
        abort(404)
    return content, 200, {"Content-Type": "image/jpeg", "Cache-Control": "private, max-age=86400"}

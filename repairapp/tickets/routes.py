"""Minimal staff side: the ticket list, a ticket, and moving its status along."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from repairapp.extensions import db
from repairapp.tickets import services as tickets
from repairapp.tickets.forms import StatusForm
from repairapp.tickets.models import OPEN_STATUSES, Status, Ticket, TicketPhoto

bp = Blueprint("tickets", __name__, url_prefix="/tickets")


@bp.before_request
@login_required
def _staff_only():
    """Every page here needs a logged-in member of staff."""


def _ticket_or_404(ticket_id: int) -> Ticket:
    return db.get_or_404(Ticket, ticket_id)


@bp.get("/")
def index():
    raw = request.args.get("status", "open")
    if raw in {s.value for s in Status}:
        statuses = (Status(raw),)
    else:
        raw, statuses = ("all", None) if raw == "all" else ("open", OPEN_STATUSES)
    rows = tickets.staff_tickets(statuses)
    return render_template("tickets/index.html", tickets=rows, current=raw, statuses=Status)


@bp.get("/<int:ticket_id>")
def detail(ticket_id: int):
    ticket = _ticket_or_404(ticket_id)
    return render_template("tickets/detail.html", ticket=ticket, form=StatusForm(),
                           transitions=tickets.allowed_transitions(ticket))


@bp.post("/<int:ticket_id>/status")
def change_status(ticket_id: int):
    ticket = _ticket_or_404(ticket_id)
    form = StatusForm()
    if not form.validate_on_submit() or form.to.data not in {s.value for s in Status}:
        abort(400)
    try:
        tickets.change_status(ticket, Status(form.to.data), current_user, form.note.data or "")
        db.session.commit()
    except tickets.TransitionError:
        flash(_("That change is not allowed from the ticket's current status."), "error")
    except StaleDataError:
        db.session.rollback()
        flash(_("Someone else changed this ticket a moment ago. Check it and try again."),
              "error")
    return redirect(url_for(".detail", ticket_id=ticket_id))


@bp.get("/<int:ticket_id>/photos/<int:photo_id>")
def photo(ticket_id: int, photo_id: int):
    content = db.session.scalar(sa.select(TicketPhoto.content).where(
        TicketPhoto.id == photo_id, TicketPhoto.ticket_id == ticket_id))
    if content is None:
        abort(404)
    return content, 200, {"Content-Type": "image/jpeg", "Cache-Control": "private, max-age=86400"}

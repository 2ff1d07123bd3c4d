"""The requester's private tracking link /t/<token> (no login: the token is the key)."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from repairapp.extensions import csrf, db
from repairapp.followups import services as followups
from repairapp.followups.forms import ComplaintForm
from repairapp.followups.models import ComplaintSource
from repairapp.main.ratelimit import allow
from repairapp.quotes import pages as quote_pages
from repairapp.quotes import services as quotes
from repairapp.quotes.forms import ApproveForm, DeclineForm
from repairapp.tickets import services as tickets
from repairapp.tickets import work
from repairapp.tickets.merge import followed
from repairapp.tickets.models import EventKind, Status, TicketEvent, TicketPhoto
from repairapp.tickets.workflow import TransitionError, awaited, note_for_customer
from repairapp.tracking.forms import ConfirmForm, ReopenForm

bp = Blueprint("tracking", __name__, url_prefix="/t")


def _ticket_or_404(token: str):
    ticket = tickets.by_tracking_token(token)
    if ticket is None:
        abort(404)
    return ticket


def _shown(ticket) -> dict:
    """What the requester sees of a ticket: public steps and the notes written for them."""
    return {"ticket": ticket, "events": [e for e in ticket.events if e.is_public],
            "awaited": awaited(ticket), "done_note": note_for_customer(ticket)}


def _render(ticket, confirm_form=None, reopen_form=None, complaint_form=None,
            status: int = 200, **quote_forms):
    return render_template(
        "tracking/show.html", **_shown(ticket),
        confirm_form=confirm_form or ConfirmForm(formdata=None),
        reopen_form=reopen_form or ReopenForm(formdata=None),
        complaint_form=complaint_form or ComplaintForm(formdata=None),
        **quote_pages.for_requester(ticket, **quote_forms)), status


@bp.get("/<token>")
def show(token: str):
    ticket = _ticket_or_404(token)
    if ticket.merged_into_id is None:
        return _render(ticket)
    # Merged as a duplicate: the earlier ticket's progress, never its link or its verdict.
    earlier = followed(ticket)
    return render_template("tracking/show.html", merged_from=ticket, **_shown(earlier))


@bp.get("/<token>/submitted")
def submitted(token: str):
    """Confirmation right after filing: number, what happens next, by when, the link."""
    return render_template("tracking/submitted.html", ticket=_ticket_or_404(token))


def _verdict(token: str, form, slot: str, act):
    """Apply the requester's confirm / reopen once; a stale or repeated one is explained."""
    ticket = _ticket_or_404(token)
    if not form.validate_on_submit():
        return _render(ticket, **{slot: form}, status=422)
    if ticket.status is not Status.RESOLVED:
        flash(_("This request is no longer waiting for your confirmation."))
        return redirect(url_for(".show", token=token))
    try:
        act(ticket, form)
        db.session.commit()
    except (TransitionError, StaleDataError):
        db.session.rollback()
        flash(_("This request is no longer waiting for your confirmation."))
    return redirect(url_for(".show", token=token))


# Public forms check their own CSRF token so a failure re-renders with the text kept.
@bp.post("/<token>/confirm")
@csrf.exempt
def confirm(token: str):
    return _verdict(token, ConfirmForm(), "confirm_form", lambda t, f: work.confirm_fixed(
        t, rating=int(f.rating.data), comment=(f.comment.data or "").strip()))


@bp.post("/<token>/reopen")
@csrf.exempt
def reopen(token: str):
    return _verdict(token, ReopenForm(), "reopen_form",
                    lambda t, f: work.reopen_by_requester(t, f.note.data.strip()))


@bp.post("/<token>/complain")
@csrf.exempt
def complain(token: str):
    """The requester complains about the service; the desk owns it from here."""
    ticket = _ticket_or_404(token)
    form = ComplaintForm()
    if not allow("RATE_LIMIT_FILING"):  # public posts share the filing limit
        flash(_("Too many requests from this network just now. Wait a few minutes, then send "
                "it again; what you typed is kept."), "error")
        return _render(ticket, complaint_form=form, status=429)
    if not form.validate_on_submit():
        return _render(ticket, complaint_form=form, status=422)
    followups.complain(source=ComplaintSource.TRACKING, ticket=ticket,
                       description=form.description.data.strip())
    db.session.commit()
    flash(_("We are sorry. Your complaint was passed to our service desk; they will call you."))
    return redirect(url_for(".show", token=token))


def _answer(token: str, form, slot: str, act, done: str):
    """Apply the requester's answer to a quote once; a repeated or stale one is explained."""
    ticket = _ticket_or_404(token)
    if not allow("RATE_LIMIT_FILING"):  # public posts share the filing limit
        flash(_("Too many requests from this network just now. Wait a few minutes, then send "
                "it again; what you typed is kept."), "error")
        return _render(ticket, status=429, **{slot: form})
    if not form.validate_on_submit() or not form.quote.data.isdecimal():
        return _render(ticket, status=422, **{slot: form})
    try:
        act(ticket, int(form.quote.data), form)
        db.session.commit()
        flash(done)
    except (quotes.QuoteClosed, TransitionError, StaleDataError):
        db.session.rollback()
        flash(_("This quote was already answered, or replaced by a newer one. Here is where "
                "your request stands."), "error")
    return redirect(url_for(".show", token=token))


@bp.post("/<token>/quote/approve")
@csrf.exempt
def approve_quote(token: str):
    """The requester approves the quote with their typed name; the work goes ahead."""
    return _answer(token, ApproveForm(), "approve_form", lambda t, q, f: quotes.approve(
        t, q, f.name.data), _("Thank you: the quote is approved and the work goes ahead."))


@bp.post("/<token>/quote/decline")
@csrf.exempt
def decline_quote(token: str):
    """The requester declines the quote with a reason; the request closes."""
    return _answer(token, DeclineForm(), "decline_form", lambda t, q, f: quotes.decline(
        t, q, f.reason.data), _("The quote is declined and your request is closed. Nothing "
                                "is charged."))


@bp.get("/<token>/photos/<int:photo_id>")
def photo(token: str, photo_id: int):
    """A photo of a not-a-quality-fault finding (the requester sees what was found); the
    ticket's other photos stay with staff."""
    ticket = _ticket_or_404(token)
    content = db.session.scalar(
        sa.select(TicketPhoto.content).join(TicketEvent, TicketPhoto.event_id == TicketEvent.id)
        .where(TicketPhoto.id == photo_id, TicketPhoto.ticket_id == ticket.id,
               TicketEvent.kind == EventKind.NOT_QUALITY))
    if content is None:
        abort(404)
    return content, 200, {"Content-Type": "image/jpeg", "Cache-Control": "private, max-age=86400"}

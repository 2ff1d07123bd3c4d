"""Staff prepare and send a ticket's quote, and record a fault that is not a quality fault.
The requester answers on the tracking page (repairapp.tracking)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from repairapp.accounts.models import Role
from repairapp.billing.work import Terms
from repairapp.extensions import db
from repairapp.quotes import pages, services
from repairapp.quotes.entry import lines_from
from repairapp.quotes.forms import NotQualityForm, QuoteForm, SendForm
from repairapp.quotes.models import NotQualityReason, Quote
from repairapp.quotes.wording import LINE_KIND, QUOTE_STATUS, REASON
from repairapp.tickets.models import Ticket
from repairapp.tickets.workflow import TransitionError, actor_for

bp = Blueprint("quotes", __name__, url_prefix="/quotes")


@bp.before_request
@login_required
def _staff_only():
    """Every page here needs a logged-in member of staff."""


@bp.record_once
def _labels(state) -> None:
    state.app.jinja_env.globals.update(QUOTE_LINE_LABEL=LINE_KIND, QUOTE_STATUS_LABEL=QUOTE_STATUS,
                                       NOT_QUALITY_LABEL=REASON)


@bp.app_template_global()
def quote_card(ticket: Ticket) -> dict:
    """For the staff ticket page (templates/quotes/_ticket.html)."""
    return pages.staff_card(ticket)


def _ticket_or_404(ticket_id: int, managers_read: bool = False) -> Ticket:
    """As on the ticket page: its technician and dispatch; managers read the quotes."""
    ticket = db.get_or_404(Ticket, ticket_id)
    if actor_for(current_user, ticket) is None:
        if current_user.role is Role.MANAGER:
            return ticket if managers_read and request.method in ("GET", "HEAD") else abort(403)
        abort(404)
    return ticket


def _page(ticket: Ticket, form: QuoteForm | None = None, status: int = 200):
    return render_template("quotes/edit.html", ticket=ticket, **pages.staff_card(ticket),
                           form=form or QuoteForm(formdata=None),
                           send_form=SendForm(formdata=None)), status


def _commit(ticket: Ticket, change, message: str):
    """The one change of the request, committed; or why nothing was written."""
    try:
        change()
        db.session.commit()
        flash(message)
    except (TransitionError, services.QuoteClosed):
        db.session.rollback()
        flash(_("That is not possible for this ticket now. Check it and try again."), "error")
    except StaleDataError:
        db.session.rollback()
        flash(_("Someone else changed this ticket a moment ago. Check it and try again."),
              "error")
    return redirect(url_for(".edit", ticket_id=ticket.id))


@bp.get("/ticket/<int:ticket_id>")
def edit(ticket_id: int):
    """The ticket's quotes, and the form preparing a draft."""
    return _page(_ticket_or_404(ticket_id, managers_read=True))


@bp.post("/ticket/<int:ticket_id>")
def save(ticket_id: int):
    """Save the draft (its lines replaced by the form's)."""
    ticket = _ticket_or_404(ticket_id)
    form = QuoteForm()
    if not services.may_quote(ticket):
        flash(_("This ticket is covered: no quote is needed unless the fault is not a quality "
                "fault."), "error")
        return redirect(url_for(".edit", ticket_id=ticket.id))
    terms = Terms.from_config(current_app.config)
    lines = lines_from(form, terms) if form.validate_on_submit() else None
    if not lines:
        return _page(ticket, form, 422)
    return _commit(ticket, lambda: services.save_draft(
        ticket, current_user, lines, terms.tax_percent),
        _("Quote saved as a draft. Check it, then send it to the requester."))


@bp.post("/ticket/<int:ticket_id>/send")
def send(ticket_id: int):
    """Send the draft: the ticket waits for the requester's answer; the clock stops."""
    ticket = _ticket_or_404(ticket_id)
    form = SendForm()
    if not form.validate_on_submit() or not form.quote.data.isdecimal():
        abort(400)
    quote = db.session.get(Quote, int(form.quote.data))
    if quote is None or quote.ticket_id != ticket.id:
        abort(404)
    return _commit(ticket, lambda: services.send(quote, current_user), _(
        "Quote sent. The requester approves or declines it on their tracking page; the "
        "deadlines wait meanwhile."))


@bp.route("/ticket/<int:ticket_id>/not-quality", methods=["GET", "POST"])
def not_quality(ticket_id: int):
    """Record that a covered ticket's fault is not a quality fault, with photos."""
    ticket = _ticket_or_404(ticket_id)
    form = NotQualityForm()
    if not pages.may_mark_not_quality(ticket):
        flash(_("This ticket is chargeable already, or was marked before."), "error")
        return redirect(url_for(".edit", ticket_id=ticket.id))
    if not form.validate_on_submit():
        return render_template("quotes/not_quality.html", ticket=ticket, form=form), \
            422 if request.method == "POST" else 200
    return _commit(ticket, lambda: services.mark_not_quality(
        ticket, current_user, reason=NotQualityReason(form.reason.data), note=form.note.data,
        photos=form.reencoded), _("Marked as not a quality fault. Prepare a quote: the work is "
                                  "chargeable once the requester approves it."))

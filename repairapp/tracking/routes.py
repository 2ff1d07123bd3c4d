"""The requester's private tracking link /t/<token> (no login: the token is the key)."""

from flask import Blueprint, abort, render_template

from repairapp.tickets import services as tickets

bp = Blueprint("tracking", __name__, url_prefix="/t")


def _ticket_or_404(token: str):
    ticket = tickets.by_tracking_token(token)
    if ticket is None:
        abort(404)
    return ticket


@bp.get("/<token>")
def show(token: str):
    ticket = _ticket_or_404(token)
    events = [e for e in ticket.events if e.is_public]
    return render_template("tracking/show.html", ticket=ticket, events=events)


@bp.get("/<token>/submitted")
def submitted(token: str):
    """Confirmation right after filing: number, what happens next, by when, the link."""
    return render_template("tracking/submitted.html", ticket=_ticket_or_404(token))

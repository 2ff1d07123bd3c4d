"""Dispatchers' triage queue with filters, and the technicians' load."""

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from repairapp.customers.models import Customer, Site
from repairapp.db import utcnow
from repairapp.dispatch.services import Filters, queue, technician_load
from repairapp.extensions import db
from repairapp.pagination import paginate
from repairapp.tickets.forms import MergeForm
from repairapp.tickets.merge import duplicates_of

bp = Blueprint("dispatch", __name__, url_prefix="/dispatch")


@bp.before_request
@login_required
def _dispatchers_only():
    if not current_user.is_dispatcher:
        abort(403)


def _int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdecimal() else None


@bp.get("/")
def index():
    q = request.args.get("q", "").strip()[:100]
    # A search looks through every ticket unless a view was chosen as well.
    filters = Filters(view=request.args.get("view") or ("all" if q else "triage"),
                      customer_id=_int("customer"), site_id=_int("site"),
                      technician_id=_int("technician"),
                      breached=request.args.get("breached") == "1", q=q)
    page = paginate(queue(filters, utcnow()))
    return render_template(
        "dispatch/index.html", page=page, duplicates=duplicates_of(page.items),
        merge_form=MergeForm(formdata=None), filters=filters, load=technician_load(),
        now=utcnow(), customers=_choices(Customer), sites=_choices(Site))


def _choices(model) -> list:
    """(id, name) rows for a filter's options: hundreds of sites, no ORM object each."""
    return db.session.execute(sa.select(model.id, model.name).order_by(model.name)).all()

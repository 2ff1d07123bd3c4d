"""Admins manage the parts catalogue: search, create, edit, archive, CSV import and export.
Technicians and dispatchers see it through the pickers of work logs and quotes."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from repairapp.accounts.routes import admin_required
from repairapp.billing.money import to_fen
from repairapp.extensions import db
from repairapp.main.imports import import_view
from repairapp.pagination import paginate
from repairapp.parts import csvio
from repairapp.parts.forms import PartForm
from repairapp.parts.models import Part
from repairapp.parts.services import picker

bp = Blueprint("parts", __name__, url_prefix="/parts")


@bp.before_request
@admin_required
def _admins_only():
    """Managing the catalogue is for admins."""


@bp.app_template_global()
def parts_picker() -> list[Part]:
    """The active parts, for templates/parts/_datalist.html (work logs and quotes)."""
    return picker()


@bp.get("/")
def index():
    q = request.args.get("q", "").strip()
    archived = request.args.get("archived") == "1"
    query = sa.select(Part).where(Part.is_archived.is_(archived)).order_by(Part.code)
    if q:
        like = f"%{q}%"
        query = query.where(sa.or_(Part.code.ilike(like), Part.name.ilike(like)))
    page = paginate(query)
    return render_template("parts/index.html", parts=page.items, page=page, q=q,
                           archived=archived)


def _save(form: PartForm, part: Part | None):
    """Create or update; a part number already used becomes a message on the field."""
    code = form.code.data.strip()
    clash = db.session.scalar(sa.select(Part.id).where(Part.code == code))
    if clash is not None and (part is None or clash != part.id):
        form.code.errors.append(_("Another part already has this part number."))
        return None
    if part is None:
        part = Part()
        db.session.add(part)
    form.populate_obj(part)
    part.code, part.name = code, part.name.strip()
    part.unit, part.price = (part.unit or "").strip(), to_fen(form.price.data)
    db.session.commit()
    flash(_("Part saved."))
    return redirect(url_for(".index", q=part.code))


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = PartForm()
    if form.validate_on_submit() and (done := _save(form, None)):
        return done
    return render_template("parts/edit.html", form=form, part=None)


@bp.route("/<int:part_id>", methods=["GET", "POST"])
def edit(part_id: int):
    part = db.get_or_404(Part, part_id)
    form = PartForm(obj=part)
    if form.validate_on_submit() and (done := _save(form, part)):
        return done
    return render_template("parts/edit.html", form=form, part=part)


@bp.route("/import", methods=["GET", "POST"])
def import_csv():
    return import_view(_l("Import parts"), csvio.check, csvio.apply, "parts.index")


@bp.get("/export.csv")
def export_csv():
    return csvio.export(), 200, {"Content-Type": "text/csv; charset=utf-8",
                                 "Content-Disposition": "attachment; filename=parts.csv"}

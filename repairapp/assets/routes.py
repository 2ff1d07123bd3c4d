"""Admins manage assets: search, create, edit, archive, CSV import and export."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from repairapp.accounts.routes import admin_required
from repairapp.assets import csvio
from repairapp.assets.forms import AssetForm
from repairapp.assets.models import Asset
from repairapp.assets.services import contracts_elsewhere, issue_label
from repairapp.contracts.services import coverage_timeline
from repairapp.customers.models import Customer, Site
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.main.imports import import_view
from repairapp.pagination import paginate
from repairapp.tickets.models import Ticket

bp = Blueprint("assets", __name__, url_prefix="/assets")


@bp.before_request
@admin_required
def _admins_only():
    """Managing assets is for admins."""


def _site_choices(current: int | None = None) -> list[tuple[int, str]]:
    """Active sites, plus the asset's own even if archived (so it can still be saved)."""
    rows = db.session.execute(sa.select(Site.id, Customer.name, Site.name).join(Site.customer)
                              .where(sa.or_(Site.is_archived.is_(False), Site.id == current))
                              .order_by(Customer.name, Site.name))
    return [(site_id, f"{customer} · {site}") for site_id, customer, site in rows]


@bp.get("/")
def index():
    q = request.args.get("q", "").strip()
    archived = request.args.get("archived") == "1"
    query = (sa.select(Asset).options(joinedload(Asset.site).joinedload(Site.customer))
             .where(Asset.is_archived.is_(archived)).order_by(Asset.tag, Asset.id))
    if q:
        like = f"%{q}%"
        query = query.where(sa.or_(Asset.tag.ilike(like), Asset.name.ilike(like),
                                   Asset.model.ilike(like), Asset.serial_number.ilike(like)))
    page = paginate(query)
    return render_template("assets/index.html", assets=page.items, page=page, q=q,
                           archived=archived)


def _save(form: AssetForm, asset: Asset | None):
    """Create or update; a tag already used elsewhere becomes a message on the field."""
    clash = db.session.scalar(sa.select(Asset.id).where(Asset.tag == form.tag.data.strip()))
    if clash is not None and (asset is None or clash != asset.id):
        form.tag.errors.append(_("Another asset already has this tag."))
        return None
    if asset is not None and (blocking := contracts_elsewhere(asset, form.site_id.data)):
        form.site_id.errors.append(_("Contract %(number)s of the current customer covers this "
                                     "asset: remove it there first.", number=blocking))
        return None
    if asset is None:
        asset = Asset()
        db.session.add(asset)
        issue_label(asset)
    form.populate_obj(asset)
    asset.tag = asset.tag.strip()
    db.session.commit()
    flash(_("Asset saved."))
    return redirect(url_for(".edit", asset_id=asset.id))


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = AssetForm()
    form.site_id.choices = _site_choices()
    if form.validate_on_submit() and (done := _save(form, None)):
        return done
    return render_template("assets/edit.html", form=form, asset=None)


@bp.route("/<int:asset_id>", methods=["GET", "POST"])
def edit(asset_id: int):
    asset = db.get_or_404(Asset, asset_id)
    form = AssetForm(obj=asset)
    form.site_id.choices = _site_choices(asset.site_id)
    if form.validate_on_submit() and (done := _save(form, asset)):
        return done
    tickets = db.session.scalars(sa.select(Ticket).where(Ticket.asset_id == asset.id)
                                 .order_by(Ticket.id.desc()).limit(50))
    return render_template("assets/edit.html", form=form, asset=asset, tickets=tickets,
                           timeline=coverage_timeline(asset, utcnow().date()))


@bp.route("/import", methods=["GET", "POST"])
def import_csv():
    return import_view(_l("Import assets"), csvio.check, csvio.apply, "assets.index")


@bp.get("/export.csv")
def export_csv():
    return csvio.export(), 200, {"Content-Type": "text/csv; charset=utf-8",
                                 "Content-Disposition": "attachment; filename=assets.csv"}

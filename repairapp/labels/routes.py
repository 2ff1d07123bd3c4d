"""Admins print QR labels in batches, get a calibration page, and re-issue labels."""

import io

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from repairapp.accounts.routes import admin_required
from repairapp.assets.models import Asset
from repairapp.customers.models import Customer, Site
from repairapp.extensions import db
from repairapp.labels import services
from repairapp.labels.forms import BatchForm, ReissueForm
from repairapp.labels.pdf import calibration
from repairapp.labels.sheets import SHEETS

bp = Blueprint("labels", __name__, url_prefix="/labels")


@bp.before_request
@admin_required
def _admins_only():
    """Label printing is for admins."""


def _pdf(data: bytes, name: str):
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=name)


def _selection(form: BatchForm) -> services.Selection:
    return services.Selection(
        customer_id=form.customer.data or None, site_id=form.site.data or None,
        search=(form.search.data or "").strip(), tag_from=(form.tag_from.data or "").strip(),
        tag_to=(form.tag_to.data or "").strip(), never_printed=form.never_printed.data,
        tags=services.parse_tags(form.tags.data or ""))


@bp.route("/", methods=["GET", "POST"])
def index():
    form = BatchForm()
    form.customer.choices = [(0, "—")] + [(c.id, c.name) for c in db.session.scalars(
        sa.select(Customer).order_by(Customer.name))]
    form.site.choices = [(0, "—")] + [(s.id, s.name) for s in db.session.scalars(
        sa.select(Site).order_by(Site.name))]
    if form.validate_on_submit():
        selection, sheet = _selection(form), SHEETS[form.sheet.data]
        unknown = services.unknown_tags(selection.tags)
        if unknown:  # a partial batch would go unnoticed until a machine has no label
            form.tags.errors.append(_(
                "No machine has these tags, so nothing was printed: %(tags)s. Correct or "
                "remove them and try again.", tags=", ".join(unknown)))
        elif services.count(selection) == 0:
            form.tags.errors.append(_("No asset with a current label matches."))
        else:
            out = io.BytesIO()
            services.print_batch(
                selection, sheet, out, base_url=current_app.config["PUBLIC_URL"],
                vendor=current_app.config["VENDOR_NAME"],
                hotline=current_app.config["VENDOR_HOTLINE"],
                start_slot=(form.start_row.data - 1) * sheet.cols + form.start_col.data - 1,
                user=current_user)
            db.session.commit()
            return _pdf(out.getvalue(), f"labels-{sheet.key}.pdf")
    return render_template("labels/index.html", form=form, sheets=SHEETS,
                           too_fine=services.too_fine(current_app.config["PUBLIC_URL"])), \
        422 if form.errors else 200


@bp.get("/calibration/<key>")
def calibration_page(key: str):
    sheet = SHEETS.get(key) or abort(404)
    out = io.BytesIO()
    calibration(out, sheet)
    return _pdf(out.getvalue(), f"calibration-{key}.pdf")


@bp.get("/assets/<int:asset_id>")
def asset(asset_id: int):
    """An asset's labels (current and revoked) and when each was printed."""
    item = db.get_or_404(Asset, asset_id)
    return render_template("labels/asset.html", asset=item, history=services.history(item),
                           sheets=SHEETS)


@bp.route("/assets/<int:asset_id>/reissue", methods=["GET", "POST"])
def reissue(asset_id: int):
    """Replacing a label: a page that says what happens to the old one, then the change."""
    item = db.get_or_404(Asset, asset_id)
    current = item.active_label
    form = ReissueForm(replaces=current.code if current else "")
    if not form.validate_on_submit():
        return render_template("labels/reissue.html", asset=item, current=current, form=form)
    try:
        label = services.reissue(item, form.replaces.data or "")
    except services.LabelChanged:
        flash(_("That label was already replaced; nothing more was changed."), "error")
        return redirect(url_for(".asset", asset_id=asset_id))
    db.session.commit()
    flash(_("Label %(old)s replaced by %(new)s. Print the new label now and stick it on the "
            "machine: the old one no longer works.", old=form.replaces.data or "—",
            new=label.code))
    return redirect(url_for(".asset", asset_id=asset_id))

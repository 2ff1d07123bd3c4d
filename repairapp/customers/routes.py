"""Admins manage customers and their sites."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from repairapp.accounts.models import User
from repairapp.accounts.routes import admin_required
from repairapp.customers.forms import CustomerEditForm, CustomerForm, SiteForm
from repairapp.customers.models import Customer, Site
from repairapp.extensions import db
from repairapp.main.saving import commit_or_explain

bp = Blueprint("customers", __name__, url_prefix="/customers")


@bp.before_request
@admin_required
def _admins_only():
    """Managing customers is for admins."""


@bp.route("/", methods=["GET", "POST"])
def index():
    form = CustomerForm()
    if form.validate_on_submit():
        customer = Customer()
        form.populate_obj(customer)
        db.session.add(customer)
        if commit_or_explain(form.name):
            return redirect(url_for(".edit", customer_id=customer.id))
    q = request.args.get("q", "").strip()
    archived = request.args.get("archived") == "1"
    query = sa.select(Customer).where(Customer.is_archived.is_(archived)).order_by(Customer.name)
    if q:
        query = query.where(Customer.name.ilike(f"%{q}%"))
    return render_template("customers/index.html", customers=db.session.scalars(query),
                           form=form, q=q, archived=archived)


@bp.route("/<int:customer_id>", methods=["GET", "POST"])
def edit(customer_id: int):
    customer = db.get_or_404(Customer, customer_id)
    form = CustomerEditForm(obj=customer, account_manager_id=customer.account_manager_id or 0)
    form.account_manager_id.choices = [(0, _("Nobody"))] + [
        (u.id, u.name) for u in db.session.scalars(
            sa.select(User).where(sa.or_(User.is_active.is_(True),
                                         User.id == customer.account_manager_id))
            .order_by(User.name))]
    site_form = SiteForm(formdata=None)
    if form.validate_on_submit():
        form.populate_obj(customer)
        customer.account_manager_id = customer.account_manager_id or None
        customer.report_emails = (customer.report_emails or "").strip()
        if commit_or_explain(form.name):
            flash(_("Customer saved."))
            return redirect(url_for(".edit", customer_id=customer.id))
    return render_template("customers/edit.html", customer=customer, form=form,
                           site_form=site_form)


@bp.route("/<int:customer_id>/sites", methods=["POST"])
@bp.route("/sites/<int:site_id>", methods=["GET", "POST"], endpoint="site")
def site(customer_id: int | None = None, site_id: int | None = None):
    """Add a site to a customer, or edit one."""
    existing = db.get_or_404(Site, site_id) if site_id else None
    customer = existing.customer if existing else db.get_or_404(Customer, customer_id)
    form = SiteForm(obj=existing)
    if form.validate_on_submit():
        target = existing or Site(customer=customer)
        form.populate_obj(target)
        db.session.add(target)
        db.session.commit()
        flash(_("Site saved."))
        return redirect(url_for(".edit", customer_id=customer.id))
    return render_template("customers/site.html", customer=customer, site=existing,
                           form=form), 422 if form.errors else 200

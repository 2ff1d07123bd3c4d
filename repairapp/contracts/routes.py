"""Admins manage service plans and contracts (and which assets each contract covers)."""

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from repairapp.accounts.routes import admin_required
from repairapp.assets.models import Asset
from repairapp.billing.forms import PaymentForm
from repairapp.billing.services import contract_money
from repairapp.contracts import csvio
from repairapp.contracts.forms import ContractForm, PlanForm
from repairapp.contracts.models import Contract, PlanKind, ServiceLevel, ServicePlan
from repairapp.contracts.services import lapses_before
from repairapp.customers.models import Customer, Site
from repairapp.extensions import db
from repairapp.labels.services import parse_tags
from repairapp.main.imports import import_view
from repairapp.main.saving import commit_or_explain
from repairapp.sla.admin import calendar_choices

bp = Blueprint("contracts", __name__, url_prefix="/contracts")


@bp.before_request
@admin_required
def _admins_only():
    """Managing contracts is for admins."""


@bp.get("/")
def index():
    q = request.args.get("q", "").strip()
    archived = request.args.get("archived") == "1"
    query = (sa.select(Contract).options(joinedload(Contract.customer), joinedload(Contract.plan))
             .where(Contract.is_archived.is_(archived)).order_by(Contract.end_date.desc()))
    if q:
        query = query.join(Contract.customer).where(sa.or_(
            Contract.number.ilike(f"%{q}%"), Customer.name.ilike(f"%{q}%")))
    return render_template("contracts/index.html", contracts=db.session.scalars(query), q=q,
                           archived=archived)


def _choices(form: ContractForm, contract: Contract | None) -> None:
    """Active customers and plans, plus the contract's own even if archived."""
    customer_id = contract.customer_id if contract else None
    plan_id = contract.plan_id if contract else None
    form.customer_id.choices = [(c.id, c.name) for c in db.session.scalars(
        sa.select(Customer).where(sa.or_(Customer.is_archived.is_(False),
                                         Customer.id == customer_id)).order_by(Customer.name))]
    form.plan_id.choices = [(p.id, p.name) for p in db.session.scalars(
        sa.select(ServicePlan).where(sa.or_(ServicePlan.is_archived.is_(False),
                                            ServicePlan.id == plan_id))
        .order_by(ServicePlan.name))]


def _covered_assets(form: ContractForm) -> list[Asset] | None:
    """The assets named in the form, all of the chosen customer; None after a field error."""
    tags = parse_tags(form.tags.data or "")
    assets = list(db.session.scalars(sa.select(Asset).join(Asset.site).where(
        Asset.tag.in_(tags), Site.customer_id == form.customer_id.data))) if tags else []
    unknown = sorted(set(tags) - {a.tag for a in assets})
    if unknown:
        form.tags.errors.append(_("Not assets of this customer: %(tags)s",
                                  tags=", ".join(unknown)))
        return None
    return assets


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:contract_id>", methods=["GET", "POST"])
def edit(contract_id: int | None = None):
    contract = db.get_or_404(Contract, contract_id) if contract_id else None
    form = _contract_form(contract)
    if form.validate_on_submit() and (assets := _covered_assets(form)) is not None:
        target = contract or Contract()
        target.assets = assets  # first: loading the old list flushes, and a taken number
        form.populate_obj(target)  # must fail at the commit below, not there (a 500)
        db.session.add(target)
        if commit_or_explain(form.number, _("Another contract has this number.")):
            flash(_("Contract saved."))
            return redirect(url_for(".edit", contract_id=target.id))
    return contract_page(contract, form)


def _contract_form(contract: Contract | None, from_post: bool = True) -> ContractForm:
    """The contract's form: as posted, or (a GET, or another form's post) as stored."""
    form = ContractForm(obj=contract) if from_post else \
        ContractForm(formdata=None, obj=contract)
    if contract and (request.method == "GET" or not from_post):
        form.tags.data = "\n".join(sorted(a.tag for a in contract.assets))
    _choices(form, contract)
    return form


def contract_page(contract: Contract | None, form: ContractForm | None = None,
                  payment_form: PaymentForm | None = None):
    """The contract's page: its form, the lapse it renewed after, and its money (fee, payment,
    renewal notices; repairapp/billing), whose payment form posts elsewhere."""
    if form is None:
        form = _contract_form(contract, from_post=False)
    if payment_form is None:
        payment_form = PaymentForm(formdata=None, obj=contract)
    lapses = lapses_before(contract) if contract else []
    money = contract_money(contract, current_app.config["TAX_RATE_PERCENT"]) \
        if contract else None
    return render_template("contracts/edit.html", form=form, contract=contract,
                           lapses=lapses, money=money, payment_form=payment_form), \
        422 if form.errors or payment_form.errors else 200


@bp.route("/import", methods=["GET", "POST"])
def import_csv():
    return import_view(_l("Import contracts"), csvio.check, csvio.apply, "contracts.index")


@bp.get("/export.csv")
def export_csv():
    return csvio.export(), 200, {"Content-Type": "text/csv; charset=utf-8",
                                 "Content-Disposition": "attachment; filename=contracts.csv"}


@bp.get("/plans")
def plans():
    return render_template("contracts/plans.html", plans=db.session.scalars(
        sa.select(ServicePlan).order_by(ServicePlan.is_archived, ServicePlan.name)))


@bp.route("/plans/new", methods=["GET", "POST"])
@bp.route("/plans/<int:plan_id>", methods=["GET", "POST"])
def plan(plan_id: int | None = None):
    existing = db.get_or_404(ServicePlan, plan_id) if plan_id else None
    form = PlanForm(obj=existing)
    form.calendar_id.choices = [SelectChoice("", _("None: around the clock"))] + [
        SelectChoice(str(calendar_id), name) for calendar_id, name in calendar_choices()]
    if existing and request.method == "GET":
        form.kind.data = existing.kind.name
        form.service_level.data = existing.service_level.name if existing.service_level else ""
    if form.validate_on_submit():
        target = existing or ServicePlan()
        form.populate_obj(target)
        target.kind = PlanKind[form.kind.data]
        target.service_level = ServiceLevel[form.service_level.data] \
            if form.service_level.data else None
        db.session.add(target)
        if commit_or_explain(form.name):
            flash(_("Service plan saved. Tickets already filed keep the targets they had."))
            return redirect(url_for(".plans"))
    return render_template("contracts/plan.html", form=form, plan=existing), \
        422 if form.errors else 200

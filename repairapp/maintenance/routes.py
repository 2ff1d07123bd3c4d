"""Maintenance plans (admins) and the desk's list of visits (dispatchers and admins)."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from repairapp.accounts.models import Role, User
from repairapp.accounts.routes import admin_required
from repairapp.assets.models import Asset
from repairapp.contracts.models import Contract
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.maintenance import inspection, plans, services, wording
from repairapp.maintenance.forms import AssignForm, PlanForm
from repairapp.maintenance.models import MaintenancePlan, MaintenanceVisit
from repairapp.pagination import paginate
from repairapp.sla.models import ServiceCalendar

bp = Blueprint("maintenance", __name__, url_prefix="/maintenance")


@bp.record_once
def _template_globals(state) -> None:
    """Labels and the overdue rule for templates here and the includes on other pages."""
    state.app.jinja_env.globals.update(
        TARGET_LABEL=wording.TARGET, UNIT_LABEL=wording.UNIT,
        VISIT_STATUS_LABEL=wording.VISIT_STATUS, visit_overdue=services.is_overdue,
        check_limits=inspection.limits)


@bp.before_request
@login_required
def _staff_only():
    """Every page here is for logged-in staff; each view narrows it further."""


def _desk_only():
    if not current_user.is_dispatcher:
        abort(403)


@bp.get("/")
@admin_required
def index():
    query = sa.select(MaintenancePlan).order_by(MaintenancePlan.is_archived,
                                                MaintenancePlan.name, MaintenancePlan.id)
    return render_template("maintenance/index.html", page=paginate(query))


def _technicians() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(
        User.role == Role.TECHNICIAN, User.is_active.is_(True)).order_by(User.name)))


def _plan_choices(form: PlanForm) -> None:
    form.contract_id.choices = [SelectChoice("0", "—")] + [
        SelectChoice(str(c.id), f"{c.number} · {c.customer.name}") for c in db.session.scalars(
            sa.select(Contract).where(Contract.is_archived.is_(False)).order_by(Contract.number))]
    form.calendar_id.choices = [SelectChoice("0", _("Every day (no calendar)"))] + [
        SelectChoice(str(c.id), c.name) for c in db.session.scalars(
            sa.select(ServiceCalendar).order_by(ServiceCalendar.name))]
    form.engineer_id.choices = [SelectChoice("0", _("Nobody: dispatch assigns each visit"))] + [
        SelectChoice(str(u.id), u.name) for u in _technicians()]


@bp.route("/plan", methods=["GET", "POST"])
@bp.route("/plan/<int:plan_id>", methods=["GET", "POST"])
@admin_required
def plan(plan_id: int | None = None):
    found = db.get_or_404(MaintenancePlan, plan_id) if plan_id else None
    form = PlanForm(data=plans.form_data(found) if found and request.method == "GET" else None)
    _plan_choices(form)
    if form.validate_on_submit():
        asset = None
        if form.target.data == "asset":
            asset = db.session.scalar(sa.select(Asset).where(
                Asset.tag == form.asset_tag.data.strip()))
            if asset is None:
                form.asset_tag.errors.append(_("No machine has this tag."))
        if not form.errors:
            saved = plans.save(found, form, asset)
            db.session.commit()
            flash(_("Maintenance plan saved. The next sweep plans its visits."))
            return redirect(url_for(".plan", plan_id=saved.id))
    return render_template("maintenance/plan.html", form=form, plan=found), \
        422 if form.errors else 200


def _assign_form() -> AssignForm:
    form = AssignForm()
    form.technician.choices = [SelectChoice(str(u.id), u.name) for u in _technicians()]
    return form


def _visits_page(view: str, form: AssignForm):
    return render_template("maintenance/visits.html", page=paginate(services.desk_visits(view)),
                           view=view, form=form, now=utcnow(), is_overdue=services.is_overdue)


@bp.get("/visits")
def visits():
    _desk_only()
    view = request.args.get("view", "unassigned")
    return _visits_page(view if view in ("unassigned", "open") else "unassigned",
                        _assign_form())


@bp.post("/visits/<int:visit_id>/assign")
def assign(visit_id: int):
    _desk_only()
    visit = db.get_or_404(MaintenanceVisit, visit_id)
    form = _assign_form()
    if not form.validate_on_submit():
        return _visits_page("unassigned", form)
    if visit.status in services.OPEN_VISITS:
        visit.assignee_id = int(form.technician.data)
        db.session.commit()
        flash(_("Visit assigned."))
    else:
        flash(_("That is not possible for this visit right now."), "error")
    return redirect(url_for(".visits"))


from repairapp.maintenance import round_routes, visit_routes  # noqa: E402, F401  (routes on bp)

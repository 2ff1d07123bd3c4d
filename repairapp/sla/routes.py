"""Admins manage service calendars: weekly hours, China's holidays, closed and extra days."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from repairapp.accounts.routes import admin_required
from repairapp.extensions import db
from repairapp.main.saving import commit_or_explain
from repairapp.sla import admin
from repairapp.sla.forms import CalendarForm, DayForm, day_name
from repairapp.sla.models import CalendarDay, ServiceCalendar
from repairapp.sla.wording import week_runs

bp = Blueprint("sla", __name__, url_prefix="/sla")
#: Calendars belong to no site; their preview starts from today where most sites are.
PREVIEW_TZ = "Asia/Shanghai"


@bp.before_request
@admin_required
def _admins_only():
    """Managing service calendars is for admins."""


@bp.get("/")
def calendars():
    return render_template(
        "sla/calendars.html", plans=admin.plans_by_calendar(), week_runs=week_runs,
        format_intervals=admin.format_intervals,
        calendars=db.session.scalars(sa.select(ServiceCalendar).order_by(ServiceCalendar.name)),
        day_names=_day_names())


def _day_names() -> list:
    return [day_name(weekday, "abbreviated") for weekday in range(7)]


def _preview_start() -> date:
    """?from=YYYY-MM-DD (years 1900-2999, so the 14 days stay on the calendar), else today."""
    try:
        start = date.fromisoformat(request.args.get("from", ""))
        if 1900 <= start.year <= 2999:
            return start
    except ValueError:
        pass
    return datetime.now(ZoneInfo(PREVIEW_TZ)).date()


def _page(form: CalendarForm, calendar: ServiceCalendar | None, day_form: DayForm | None = None):
    """The edit page; a saved calendar also gets its entered days and the preview."""
    start = _preview_start()
    preview = admin.preview(calendar.spec(), start, {d.day: d.note for d in calendar.days}) \
        if calendar else []
    return render_template(
        "sla/calendar.html", form=form, calendar=calendar, preview=preview, start=start,
        day_form=day_form or DayForm(formdata=None), day_names=_day_names(),
        plans=admin.plans_by_calendar().get(calendar.id, []) if calendar else [],
    ), 422 if form.errors or (day_form and day_form.errors) else 200


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:calendar_id>", methods=["GET", "POST"])
def calendar(calendar_id: int | None = None):
    existing = db.get_or_404(ServiceCalendar, calendar_id) if calendar_id else None
    form = CalendarForm(obj=existing)
    if existing and request.method == "GET":
        form.set_hours(existing.hours)
    if form.validate_on_submit():
        target = existing or ServiceCalendar()
        target.name, target.china_holidays = form.name.data, form.china_holidays.data
        target.hours = form.hours()
        db.session.add(target)
        if commit_or_explain(form.name):
            flash(_("Calendar saved. Tickets already filed keep the due times they had."))
            return redirect(url_for(".calendar", calendar_id=target.id))
    return _page(form, existing)


@bp.post("/<int:calendar_id>/days")
def add_day(calendar_id: int):
    existing = db.get_or_404(ServiceCalendar, calendar_id)
    day_form = DayForm()
    if day_form.validate_on_submit():
        admin.add_day(existing, day_form.day.data, day_form.is_working.data == "working",
                      day_form.note.data or "")
        if commit_or_explain(day_form.day, _("This day is already entered; remove it first.")):
            flash(_("Day added."))
            return redirect(url_for(".calendar", calendar_id=calendar_id))
    form = CalendarForm(formdata=None, obj=existing)
    form.set_hours(existing.hours)
    return _page(form, existing, day_form)


@bp.post("/days/<int:day_id>/delete")
def remove_day(day_id: int):
    entered = db.get_or_404(CalendarDay, day_id)
    calendar_id = entered.calendar_id
    db.session.delete(entered)
    db.session.commit()
    flash(_("Day removed."))
    return redirect(url_for(".calendar", calendar_id=calendar_id))


@bp.post("/<int:calendar_id>/delete")
def delete(calendar_id: int):
    existing = db.get_or_404(ServiceCalendar, calendar_id)
    users = admin.delete_calendar(existing)
    if users:
        flash(_("Not deleted: service plans use this calendar (%(plans)s). Give them another "
                "calendar first.", plans=", ".join(users)), "error")
        return redirect(url_for(".calendar", calendar_id=calendar_id))
    db.session.commit()
    flash(_("Calendar deleted."))
    return redirect(url_for(".calendars"))

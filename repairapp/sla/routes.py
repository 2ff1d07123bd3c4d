"""Admins manage service calendars: weekly hours, China's holidays, closed and extra days."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from repairapp.accounts.routes import admin_required
from repairapp.contracts.models import ServicePlan, Severity
from repairapp.extensions import db
from repairapp.main.saving import commit_or_explain
from repairapp.sla import admin, holidays
from repairapp.sla.calendar import rule_holidays, source_of
from repairapp.sla.forms import (
    CalendarForm,
    DayForm,
    DueCheckForm,
    ScheduleForm,
    day_name,
)
from repairapp.sla.models import CalendarDay, OfficialDay, ServiceCalendar
from repairapp.sla.services import due_for_plan
from repairapp.sla.wording import week_runs
from repairapp.wording import SEVERITY

bp = Blueprint("sla", __name__, url_prefix="/sla")
#: Calendars belong to no site; their preview starts from today where most sites are.
PREVIEW_TZ = "Asia/Shanghai"


@bp.before_request
@admin_required
def _admins_only():
    """Managing service calendars is for admins."""


@bp.app_template_global()
def holiday_years_awaiting() -> list[int]:
    """Years whose official holiday schedule is still unknown, for the warning partial."""
    return holidays.years_awaiting(_today())


def _today() -> date:
    return datetime.now(ZoneInfo(PREVIEW_TZ)).date()


@bp.get("/")
def calendars():
    check = _due_check()
    return render_template(
        "sla/calendars.html", plans=admin.plans_by_calendar(), week_runs=week_runs,
        format_intervals=admin.format_intervals,
        calendars=db.session.scalars(sa.select(ServiceCalendar).order_by(ServiceCalendar.name)),
        day_names=_day_names(), check=check, tz=PREVIEW_TZ,
        due=_due(check) if "filed" in request.args and check.validate() else None)


def _due_check() -> DueCheckForm:
    form = DueCheckForm(request.args if "filed" in request.args else None)
    form.plan.choices = [(p.id, p.name) for p in db.session.scalars(
        sa.select(ServicePlan).order_by(ServicePlan.name))]
    form.severity.choices = [(s.value, SEVERITY[s]) for s in Severity]
    return form


def _due(form: DueCheckForm) -> dict:
    """What the check form asks: the plan, severity and both due times (Shanghai clock)."""
    plan, severity = db.session.get(ServicePlan, form.plan.data), Severity(form.severity.data)
    start = form.filed.data.replace(tzinfo=ZoneInfo(PREVIEW_TZ))
    response, resolution = due_for_plan(plan, severity, start, PREVIEW_TZ)
    return {"plan": plan.name, "severity": SEVERITY[severity], "response": response,
            "resolution": resolution}


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
    return _today()


def _page(form: CalendarForm, calendar: ServiceCalendar | None, day_form: DayForm | None = None):
    """The edit page; a saved calendar also gets its entered days and the preview."""
    start = _preview_start()
    preview = admin.preview(
        calendar.spec(), start, {d.day: d.note for d in calendar.days},
        get_locale().language, {d.day: d.note for d in db.session.scalars(
            sa.select(OfficialDay))}) if calendar else []
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


@bp.get("/holidays/")
def holidays_page():
    """The first year still waiting for its schedule, else next year."""
    return redirect(url_for(".schedule", year=(holiday_years_awaiting() or
                                                [_today().year + 1])[0]))


@bp.route("/holidays/<int:year>", methods=["GET", "POST"])
def schedule(year: int):
    if not 2000 <= year <= 2999:
        return redirect(url_for(".holidays_page"))
    form = ScheduleForm(year)
    if request.method == "GET":
        form.days.data = holidays.schedule_text(holidays.entered(year))
    if form.validate_on_submit():
        holidays.save_schedule(year, form.days.entries)
        db.session.commit()
        flash(_("China's holiday schedule for %(year)s saved: it applies to every calendar that "
                "follows China's holidays, for tickets filed from now on.", year=year)
              if form.days.entries else
              _("Schedule for %(year)s removed: holidays computed by rule apply again.",
                year=year))
        return redirect(url_for(".schedule", year=year))
    return render_template(
        "sla/holidays.html", form=form, year=year, source=source_of(year),
        rules=rule_holidays(year, "zh_CN" if get_locale().language == "zh" else "en_US"),
    ), 422 if form.errors else 200

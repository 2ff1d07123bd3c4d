"""Admin pages for service calendars: weekly hours, entered days, preview, use by plans."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa
from sla.test_calendar import at, local

import factories as f
from repairapp.accounts.models import Role
from repairapp.contracts.models import Severity
from repairapp.extensions import db
from repairapp.sla.models import CalendarDay, ServiceCalendar

SH = "Asia/Shanghai"
OFFICE_TEXT = "09:00-12:00, 13:00-17:00"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def office_fields(name: str = "Office", **days) -> dict:
    """The calendar form for Monday to Friday office hours with a lunch break."""
    fields = {"name": name, "china_holidays": "y",
              **{day: OFFICE_TEXT for day in WEEKDAYS[:5]}}
    return {**fields, **days}


def create(admin, **fields) -> ServiceCalendar:
    admin.post("/sla/new", office_fields(**fields))
    return db.session.scalar(sa.select(ServiceCalendar).order_by(ServiceCalendar.id.desc()))


def calendar_page(client, calendar: ServiceCalendar, start: str) -> str:
    return client.get(f"/sla/{calendar.id}?from={start}").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.TECHNICIAN])
@pytest.mark.parametrize("url", ["/sla/", "/sla/new"])
def test_only_admins(client, auth, role, url):
    """Dispatchers and technicians get 403 on the calendar pages."""
    auth.login(f.user(role).email)
    assert client.get(url).status_code == 403


def test_create_with_lunch_break(client, admin):
    """Monday to Friday 09:00-12:00 and 13:00-17:00 become two intervals a day; weekends close."""
    calendar = create(admin)
    spec = calendar.spec()
    assert spec.hours == {day: ((540, 720), (780, 1020)) for day in range(5)}
    assert spec.china_holidays and not spec.is_working_day(date(2026, 11, 28))


def test_interval_may_end_at_midnight(client, admin):
    """A 16-hour site: 08:00-24:00 is stored as minutes 480 to 1440."""
    calendar = create(admin, sat="08:00-24:00")
    assert calendar.spec().hours[5] == ((480, 1440),)


def test_list_shows_hours_holidays_and_plans(client, admin):
    """The list sums up each calendar's week, its holiday setting and the plans using it."""
    calendar = create(admin, sat="09:00-12:00")
    f.plan(name="Gold", calendar_id=calendar.id)
    page = client.get("/sla/").get_data(as_text=True)
    assert f"Mon–Fri {OFFICE_TEXT}" in page and "Sat 09:00-12:00" in page
    assert "Yes" in page and "Gold" in page


@pytest.mark.parametrize(("text", "message"), [
    ("9-12", "“9-12” is not an interval like 09:00-12:00."),
    ("09:00-24:30", "24:30 is not a time of day (00:00 to 24:00)."),
    ("12:00-09:00", "12:00-09:00 ends before it starts."),
])
def test_bad_interval_text_is_explained_and_kept(client, admin, text, message):
    """Unreadable hours: a message on that day, nothing saved, everything typed still there."""
    response = admin.post("/sla/new", office_fields(name="Night shift", tue=text))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert f'value="{text}"' in page and 'value="Night shift"' in page
    assert db.session.scalar(sa.select(sa.func.count(ServiceCalendar.id))) == 0


@pytest.mark.parametrize("text", ["09:00-12:00, 11:00-13:00", "13:00-17:00, 09:00-12:00"])
def test_overlapping_or_unordered_intervals_are_refused(client, admin, text):
    """Intervals must come in order without overlapping."""
    response = admin.post("/sla/new", office_fields(wed=text))
    assert response.status_code == 422
    assert "list intervals in order, without overlaps" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(ServiceCalendar)) is None


def test_a_week_without_hours_is_refused(client, admin):
    """All days empty is refused: no hours at all would mean around the clock."""
    response = admin.post("/sla/new", {"name": "Empty"})
    assert "Enter working hours for at least one day." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(ServiceCalendar)) is None


def test_duplicate_name_is_a_form_error(client, admin):
    """A second calendar with a taken name is refused on the name field, not with a 500."""
    create(admin, name="Office")
    response = admin.post("/sla/new", office_fields(name="Office"))
    assert response.status_code == 422
    assert "This name is already used." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ServiceCalendar.id))) == 1


def test_editing_hours_replaces_them(client, admin):
    """Saving an existing calendar replaces its week; a day emptied becomes closed."""
    calendar = create(admin)
    admin.post(f"/sla/{calendar.id}", office_fields(fri="", sat="09:00-12:00"))
    db.session.refresh(calendar)
    assert 4 not in calendar.spec().hours and calendar.spec().hours[5] == ((540, 720),)


def test_preview_shows_china_holidays_and_make_up_days(client, admin):
    """Around National Day 2026 the preview shows the holiday and the make-up Saturday."""
    page = calendar_page(client, create(admin), "2026-09-28")
    assert "2026-09-30 Wed</td>\n      <td>" + OFFICE_TEXT in page
    assert "Public holiday: National Day" in page
    assert f"{OFFICE_TEXT} · Make-up working day (National Day)" in page
    assert "Not working" in page  # Sunday 11 October


@pytest.mark.parametrize("start", ["9999-12-30", "0001-01-01", "tomorrow"])
def test_a_preview_date_off_the_calendar_shows_today(client, admin, start):
    """A hand-edited ?from= far outside the calendar falls back to today, not a 500."""
    calendar = create(admin)
    response = client.get(f"/sla/{calendar.id}?from={start}")
    assert response.status_code == 200 and "Next 14 days" in response.get_data(as_text=True)


def test_closed_and_extra_days_change_the_calendar(client, admin):
    """A closed Tuesday and an extra working Saturday show in the preview and the arithmetic."""
    calendar = create(admin)
    url, page_url = f"/sla/{calendar.id}/days", f"/sla/{calendar.id}"
    admin.post(url, {"day": "2026-12-01", "is_working": "closed", "note": "Stocktaking"},
               page_url=page_url)
    admin.post(url, {"day": "2026-12-05", "is_working": "working"}, page_url=page_url)
    db.session.refresh(calendar)
    spec = calendar.spec()
    assert not spec.is_working_day(date(2026, 12, 1)) and spec.is_working_day(date(2026, 12, 5))
    page = calendar_page(client, calendar, "2026-11-30")
    assert "Closed day · Stocktaking" in page
    assert f"{OFFICE_TEXT} · Extra working day" in page


def test_a_day_entered_twice_is_refused(client, admin):
    """The same date twice gets a message on the date, not a 500."""
    calendar = create(admin)
    url, page_url = f"/sla/{calendar.id}/days", f"/sla/{calendar.id}"
    admin.post(url, {"day": "2026-12-01", "is_working": "closed"}, page_url=page_url)
    response = admin.post(url, {"day": "2026-12-01", "is_working": "working"}, page_url=page_url)
    assert response.status_code == 422
    assert "This day is already entered" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(CalendarDay.id))) == 1


def test_remove_an_entered_day(client, admin):
    """Removing an entered day gives the date back to the weekly hours."""
    calendar = create(admin)
    page_url = f"/sla/{calendar.id}"
    admin.post(f"{page_url}/days", {"day": "2026-12-01", "is_working": "closed"},
               page_url=page_url)
    entered = db.session.scalar(sa.select(CalendarDay))
    admin.post(f"/sla/days/{entered.id}/delete", {}, page_url=page_url)
    db.session.refresh(calendar)
    assert calendar.days == [] and calendar.spec().is_working_day(date(2026, 12, 1))


def test_plan_form_picks_a_calendar(client, admin):
    """The plan form offers the calendars, and none (around the clock)."""
    calendar = create(admin)
    plan = f.plan(name="Gold")
    fields = {"name": "Gold", "kind": "EXTENDED", "service_level": "A", "fee_rate_percent": "8"}
    admin.post(f"/contracts/plans/{plan.id}", {**fields, "calendar_id": str(calendar.id)})
    db.session.refresh(plan)
    assert plan.calendar_id == calendar.id
    admin.post(f"/contracts/plans/{plan.id}", {**fields, "calendar_id": ""})
    db.session.refresh(plan)
    assert plan.calendar_id is None


def test_new_tickets_follow_the_edited_hours(client, admin):
    """Filed Friday 16:00 with 4 h to fix: Monday 12:00; once Monday opens at 08:00, 11:00."""
    calendar = create(admin)
    url = f"/sla/{calendar.id}"  # the test session must not load the old hours again
    plans = f.standard_plans()
    plans["A"].calendar_id = calendar.id
    db.session.commit()
    machine = f.asset(accepted=date(2020, 1, 1))
    f.contract(machine, plans["A"], date(2020, 1, 1), date(2099, 1, 1))
    filed = at(SH, 2026, 11, 27, 16, 0)
    before = f.ticket(machine, severity=Severity.CRITICAL, now=filed)
    admin.post(url, office_fields(mon="08:00-12:00, 13:00-17:00"))
    after = f.ticket(machine, severity=Severity.CRITICAL, now=filed)
    assert local(before.resolution_due_at) == datetime(2026, 11, 30, 12, 0)
    assert local(after.resolution_due_at) == datetime(2026, 11, 30, 11, 0)


def test_delete_is_refused_while_a_plan_uses_the_calendar(client, admin):
    """A calendar a plan uses stays, and the admin is told which plans use it."""
    calendar = create(admin)
    f.plan(name="Gold", calendar_id=calendar.id)
    response = admin.post(f"/sla/{calendar.id}/delete", {}, page_url=f"/sla/{calendar.id}",
                          follow_redirects=True)
    assert "Not deleted: service plans use this calendar (Gold)." in response.get_data(
        as_text=True)
    assert db.session.get(ServiceCalendar, calendar.id) is not None


def test_delete_an_unused_calendar(client, admin):
    """An unused calendar goes, with its entered days."""
    calendar = create(admin)
    page_url = f"/sla/{calendar.id}"
    admin.post(f"{page_url}/days", {"day": "2026-12-01", "is_working": "closed"},
               page_url=page_url)
    admin.post(f"{page_url}/delete", {}, page_url=page_url)
    assert db.session.scalar(sa.select(ServiceCalendar)) is None
    assert db.session.scalar(sa.select(CalendarDay)) is None

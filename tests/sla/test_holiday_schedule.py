"""China's holiday schedule for a year the library lacks: the admin page, what it changes
for every calendar and for tickets, and the warning from 60 days before the year."""

from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from sla.test_calendar import at, local

import factories as f
from repairapp.accounts.models import Role
from repairapp.contracts.models import ServiceLevel
from repairapp.extensions import db
from repairapp.sla import holidays, routes
from repairapp.sla.holidays import Entry, ScheduleError, parse_schedule
from repairapp.sla.models import OfficialDay, ServiceCalendar

SH = "Asia/Shanghai"
SCHEDULE_2027 = """2027-01-01 holiday 元旦
2027-02-05..2027-02-13 holiday 春节
2027-02-20 workday 春节
2027-01-31 班
"""


def office(name="Office", china=True) -> ServiceCalendar:
    """Monday to Friday 09:00-17:00, saved."""
    calendar = ServiceCalendar(name=name, china_holidays=china,
                               hours={str(d): [[540, 1020]] for d in range(5)})
    db.session.add(calendar)
    db.session.commit()  # the app's requests see it from their own session
    return calendar


def save_2027(admin, text=SCHEDULE_2027):
    return admin.post("/sla/holidays/2027", {"days": text}, follow_redirects=True)


def test_parse_lines_ranges_and_chinese_words():
    """Ranges expand to days; 班/workday mark make-up days; the note is kept."""
    entries = parse_schedule(SCHEDULE_2027, 2027)
    assert len(entries) == 12
    assert Entry(date(2027, 2, 9), False, "春节") in entries
    assert Entry(date(2027, 2, 20), True, "春节") in entries
    assert Entry(date(2027, 1, 31), True, "") in entries


@pytest.mark.parametrize("text,message", [
    ("2027-13-01 holiday", "Line 1: 2027-13-01 is not a date."),
    ("\n2026-12-31 holiday", "Line 2: 2026-12-31 is not in 2027."),
    ("2027-02-10..2027-02-05 holiday", "Line 1: the range ends before it starts."),
    ("2027-02-05 party", "Line 1: “2027-02-05 party” is not like"),
    ("2027-02-05..2027-02-07 holiday\n2027-02-07 workday",
     "Line 2: 2027-02-07 is already entered above."),
])
def test_parse_names_the_wrong_line(app, text, message):
    """Each mistake names its line and what is wrong."""
    with app.test_request_context(), force_locale("en"):
        with pytest.raises(ScheduleError) as error:
            parse_schedule(text, 2027)
        assert str(error.value.args[0]).startswith(message)


def test_admin_enters_the_schedule_for_every_china_calendar(client, admin):
    """Saved once, the schedule is carried by every calendar that follows China's holidays
    and by none that does not; the page shows it back as ranges."""
    china, plain = office("China"), office("Plain", china=False)
    page = save_2027(admin).get_data(as_text=True)
    assert "holiday schedule for 2027 saved" in page
    assert "2027-02-05..2027-02-13 holiday 春节" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OfficialDay)) == 12
    assert china.spec().official_on == {date(2027, 2, 20), date(2027, 1, 31)}
    assert not china.spec().is_working_day(date(2027, 2, 11))
    assert plain.spec().official_years == frozenset()


def test_a_mistake_keeps_the_typed_text_and_saves_nothing(client, admin):
    """A wrong line comes back with the message, the text as typed, status 422."""
    typed = "2027-01-01 holiday 元旦\n2027-02-30 holiday"
    response = save_2027(admin, typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Line 2: 2027-02-30 is not a date." in page
    assert "2027-02-30 holiday</textarea>" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OfficialDay)) == 0


def test_the_message_comes_in_chinese(client, auth):
    """On a Chinese page the line's mistake is explained in Chinese."""
    auth.login(f.user(Role.ADMIN).email)
    client.set_cookie("lang", "zh")
    page = auth.post("/sla/holidays/2027", {"days": "2026-12-31 休"}).get_data(as_text=True)
    assert "第 1 行：2026-12-31 不在 2027 年内。" in page


def test_emptying_the_schedule_brings_the_rules_back(client, admin):
    """Saving an empty form removes the year's schedule."""
    save_2027(admin)
    page = save_2027(admin, "").get_data(as_text=True)
    assert "holidays computed by rule apply again" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OfficialDay)) == 0


def test_page_lists_the_rule_based_holidays(client, admin):
    """Without a schedule the page shows what the rules close (Spring Festival 2027)."""
    page = client.get("/sla/holidays/2027").get_data(as_text=True)
    assert "2027-02-06 · Chinese New Year (Spring Festival)" in page
    assert "no data for 2027" in page


def test_a_year_the_library_knows_says_so(client, admin):
    """For 2026 the installed chinesecalendar decides; the page says entries are not used."""
    assert "it decides" in client.get("/sla/holidays/2026").get_data(as_text=True)


def test_tickets_freeze_the_entered_schedule(client, admin):
    """A ticket filed after the schedule was entered freezes it (its due time skips the
    entered holiday); one filed before froze the rules."""
    plan = f.plan(level=ServiceLevel.H8, response=60, resolution=120, calendar=office())
    machine = f.asset(accepted=date(2020, 1, 1))
    f.contract(machine, plan, date(2020, 1, 1), date(2099, 12, 31))
    before = f.ticket(machine, now=at(SH, 2027, 2, 4, 16, 0))
    assert local(before.resolution_due_at) == local(at(SH, 2027, 2, 11, 10, 0))
    save_2027(admin)
    after = f.ticket(machine, now=at(SH, 2027, 2, 4, 16, 0))
    assert local(after.resolution_due_at) == local(at(SH, 2027, 2, 15, 10, 0))
    assert after.sla_calendar["official"]["on"] == ["2027-01-31", "2027-02-20"]
    assert before.sla_calendar["official"]["years"] == []


@pytest.mark.parametrize("today,years", [
    (date(2026, 11, 1), []),  # 61 days before 2027
    (date(2026, 11, 2), [2027]),  # 60 days before
    (date(2027, 6, 1), [2027]),  # during the year
    (date(2025, 12, 31), []),  # the library knows 2026
])
def test_warning_from_60_days_before_a_year_without_data(today, years):
    """The years awaiting their schedule, while a calendar follows China's holidays."""
    office()
    assert holidays.years_awaiting(today) == years


def test_no_warning_without_china_calendars_or_once_entered(client, admin):
    """Nobody needs the schedule without a China calendar; entered, the warning stops."""
    assert holidays.years_awaiting(date(2026, 12, 2)) == []
    office()
    assert holidays.years_awaiting(date(2026, 12, 2)) == [2027]
    save_2027(admin)
    assert holidays.years_awaiting(date(2026, 12, 2)) == []


@pytest.mark.parametrize("today,shown", [(date(2026, 11, 1), False), (date(2026, 11, 2), True)])
def test_warning_on_the_calendar_and_dispatch_pages(client, admin, monkeypatch, today, shown):
    """From 60 days before 2027 the calendar list, a calendar's page and the dispatch page
    warn that 2027's make-up working days are not known yet and link to the schedule."""
    monkeypatch.setattr(routes, "_today", lambda: today)  # the clock is the only seam
    calendar = office()
    for url in ("/sla/", f"/sla/{calendar.id}", "/dispatch/"):
        page = client.get(url).get_data(as_text=True)
        assert ("holiday schedule for 2027 is not known yet" in page) is shown, url
        assert ('href="/sla/holidays/2027"' in page) is shown, url


def test_dispatchers_see_the_warning_without_the_admin_link(client, auth, monkeypatch):
    """A dispatcher is told to ask an admin; the schedule page itself is for admins."""
    monkeypatch.setattr(routes, "_today", lambda: date(2026, 12, 2))
    office()
    auth.login(f.user(Role.DISPATCHER).email)
    client.set_cookie("lang", "en")
    page = client.get("/dispatch/").get_data(as_text=True)
    assert "Ask an admin to enter it" in page
    assert client.get("/sla/holidays/2027").status_code == 403


def test_preview_names_rule_and_entered_holidays(client, admin):
    """The calendar preview names 2027's Spring Festival by rule, then as entered."""
    calendar = office()
    page = client.get(f"/sla/{calendar.id}?from=2027-02-08").get_data(as_text=True)
    assert "Public holiday: Chinese New Year (Spring Festival) · computed by rule" in page
    save_2027(admin)
    page = client.get(f"/sla/{calendar.id}?from=2027-02-08").get_data(as_text=True)
    assert "Public holiday: 春节 · as entered from the official schedule" in page


def test_the_schedule_page_warns_without_linking_to_itself(client, admin, monkeypatch):
    """On 2027's own schedule page the warning points below instead of linking there."""
    monkeypatch.setattr(routes, "_today", lambda: date(2026, 12, 2))
    office()
    page = client.get("/sla/holidays/2027").get_data(as_text=True)
    assert "Enter it below once the State Council publishes it." in page
    assert 'href="/sla/holidays/2027"' not in page

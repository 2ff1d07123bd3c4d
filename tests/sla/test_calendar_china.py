"""Every demo calendar (and a 7-day one) against China's holidays: ordinary weekdays and
weekends follow the week, statutory holidays close, make-up days (调休) open, a year the
library lacks uses holidays computed by rule, an entered schedule changes the answers, and
a library that knows the year takes over."""

from datetime import date, datetime

import pytest
from sla.test_calendar import at, local

from repairapp.demo.data import _calendars as demo_calendars
from repairapp.extensions import db
from repairapp.sla import calendar as sla_calendar
from repairapp.sla.calendar import (
    Calendar,
    Schedule,
    Source,
    add_working_minutes,
    source_of,
)

SH = "Asia/Shanghai"
OFFICE_DAY = ((510, 720), (780, 1050))  # 08:30-12:00, 13:00-17:30
FIVE_BY_EIGHT = ((540, 1020),)
SIXTEEN = ((480, 1440),)
SEVEN_DAYS = ((480, 1200),)  # 08:00-20:00 every day


@pytest.fixture
def calendars() -> dict[str, Calendar]:
    """The demo's calendars as saved (china_holidays from the column default), plus a 7-day
    calendar that follows China's holidays."""
    saved = demo_calendars()
    db.session.add_all(saved.values())
    db.session.flush()
    specs = {key: c.spec() for key, c in saved.items()}
    return {**specs, "7d": Calendar({d: SEVEN_DAYS for d in range(7)}, china_holidays=True)}


def entered_2027(spec: Calendar) -> Calendar:
    """`spec` carrying an entered 2027 schedule: Spring Festival 02-05..02-13 off, make-up
    working Saturday 02-20 and Sunday 01-31."""
    off = {date(2027, 1, 1)} | {date(2027, 2, d) for d in range(5, 14)}
    return Calendar(spec.hours, spec.china_holidays, spec.closed, spec.extra,
                    official_years=frozenset({2027}), official_off=frozenset(off),
                    official_on=frozenset({date(2027, 2, 20), date(2027, 1, 31)}))


# (day, what it is) -> expected intervals for office, 5x8, 16h, 7-day
CASES = [
    (date(2026, 11, 24), "ordinary Tuesday", OFFICE_DAY, FIVE_BY_EIGHT, SIXTEEN, SEVEN_DAYS),
    (date(2026, 11, 28), "ordinary Saturday", (), (), SIXTEEN, SEVEN_DAYS),
    (date(2026, 11, 29), "ordinary Sunday", (), (), (), SEVEN_DAYS),
    (date(2026, 10, 1), "National Day (Thursday)", (), (), (), ()),
    (date(2026, 10, 3), "National Day (Saturday)", (), (), (), ()),
    (date(2026, 10, 10), "make-up Saturday", OFFICE_DAY, FIVE_BY_EIGHT, SIXTEEN, SEVEN_DAYS),
    (date(2026, 9, 20), "make-up Sunday", OFFICE_DAY, FIVE_BY_EIGHT, SIXTEEN, SEVEN_DAYS),
    (date(2027, 2, 8), "2027 Spring Festival by rule (Monday)", (), (), (), ()),
    (date(2027, 2, 6), "2027 Spring Festival by rule (Saturday)", (), (), (), ()),
    (date(2027, 2, 11), "2027 Thursday after the holiday by rule", OFFICE_DAY, FIVE_BY_EIGHT,
     SIXTEEN, SEVEN_DAYS),
    (date(2027, 2, 13), "2027 ordinary Saturday", (), (), SIXTEEN, SEVEN_DAYS),
    (date(2027, 2, 20), "2027 Saturday (make-up day unknown)", (), (), SIXTEEN, SEVEN_DAYS),
]


@pytest.mark.parametrize("day,what,office,five,sixteen,seven", CASES,
                         ids=[c[1] for c in CASES])
def test_each_demo_calendar_on_each_kind_of_day(calendars, day, what, office, five, sixteen,
                                                seven):
    """Holidays close, make-up days open (a missing weekday works Monday's hours), every
    other day follows the calendar's own week."""
    found = {key: calendars[key].intervals(day) for key in ("office", "5x8", "16h", "7d")}
    assert found == {"office": office, "5x8": five, "16h": sixteen, "7d": seven}


def test_ordinary_saturday_runs_the_clock_of_a_mon_sat_calendar(calendars):
    """Filed Saturday 28 November 2026 at 10:00 under 16 h: 2 h later is 12:00 the same day."""
    due = add_working_minutes(at(SH, 2026, 11, 28, 10, 0), 120, calendars["16h"], SH)
    assert local(due) == datetime(2026, 11, 28, 12, 0)


def test_lunch_break_of_the_office_calendar(calendars):
    """Office hours: filed 11:30, one working hour ends 13:30 after the lunch break."""
    due = add_working_minutes(at(SH, 2026, 11, 24, 11, 30), 60, calendars["office"], SH)
    assert local(due) == datetime(2026, 11, 24, 13, 30)


def test_spring_festival_2027_by_rule(calendars):
    """Filed Thursday 4 February 2027 at 17:00: Spring Festival by rule (eve 02-05 to 02-10)
    closes the 5×8 calendar until Thursday 11 February."""
    due = add_working_minutes(at(SH, 2027, 2, 4, 16, 0), 120, calendars["5x8"], SH)
    assert local(due) == datetime(2027, 2, 11, 10, 0)
    assert source_of(2027) is Source.RULES


@pytest.mark.parametrize("key,filed,by_rule,entered", [
    ("office", (2027, 2, 4, 17, 0), (2027, 2, 11, 10, 0), (2027, 2, 15, 10, 0)),
    ("5x8", (2027, 2, 4, 16, 0), (2027, 2, 11, 10, 0), (2027, 2, 15, 10, 0)),
    ("16h", (2027, 2, 4, 23, 0), (2027, 2, 11, 9, 0), (2027, 2, 15, 9, 0)),
    ("7d", (2027, 2, 4, 19, 0), (2027, 2, 11, 9, 0), (2027, 2, 14, 9, 0)),
])
def test_an_entered_schedule_changes_the_answers(calendars, key, filed, by_rule, entered):
    """Two working hours from Thursday 4 February 2027: by rule Spring Festival ends on
    02-10; with the entered schedule (off through Saturday 02-13) the clock waits longer."""
    start = at(SH, *filed)
    assert local(add_working_minutes(start, 120, calendars[key], SH)) == datetime(*by_rule)
    spec = entered_2027(calendars[key])
    assert local(add_working_minutes(start, 120, spec, SH)) == datetime(*entered)


def test_an_entered_make_up_day_opens_a_closed_weekend(calendars):
    """Entered make-up working Saturday 20 February 2027 opens the office with Monday's
    hours, and Sunday 31 January the 16 h calendar too."""
    office, sixteen = entered_2027(calendars["office"]), entered_2027(calendars["16h"])
    assert calendars["office"].intervals(date(2027, 2, 20)) == ()
    assert office.intervals(date(2027, 2, 20)) == OFFICE_DAY
    assert sixteen.intervals(date(2027, 1, 31)) == SIXTEEN
    assert calendars["16h"].intervals(date(2027, 1, 31)) == ()


def test_admin_days_still_win_over_the_entered_schedule(calendars):
    """A day the admin declared closed on the calendar stays closed on a make-up day."""
    base = entered_2027(calendars["office"])
    spec = Calendar(base.hours, True, closed=frozenset({date(2027, 2, 20)}),
                    official_years=base.official_years, official_off=base.official_off,
                    official_on=base.official_on)
    assert spec.intervals(date(2027, 2, 20)) == ()


def test_a_library_that_knows_the_year_takes_over(calendars, monkeypatch):
    """A chinesecalendar that knows 2027 decides over the entered schedule and the rules:
    its make-up Sunday 2027-02-14 opens, its holiday ends on 02-10, the entered 02-20 and
    02-11 no longer count."""
    newer = Schedule(sla_calendar.LIBRARY.years | {2027},
                     {**sla_calendar.LIBRARY.off,
                      **{date(2027, 2, d): "Spring Festival" for d in range(5, 11)}},
                     {**sla_calendar.LIBRARY.on, date(2027, 2, 14): "Spring Festival"})
    monkeypatch.setattr(sla_calendar, "LIBRARY", newer)
    spec = entered_2027(calendars["office"])
    assert source_of(2027, spec.official_years) is Source.LIBRARY
    assert spec.intervals(date(2027, 2, 14)) == OFFICE_DAY
    assert spec.intervals(date(2027, 2, 11)) == OFFICE_DAY
    assert spec.intervals(date(2027, 2, 20)) == ()
    assert spec.intervals(date(2027, 2, 9)) == ()


def test_calendars_frozen_before_schedules_existed_still_load(calendars):
    """A ticket's calendar frozen without the "official" key reads as no entered schedule
    (2027 then follows the rules); one frozen with it keeps its entered days."""
    old = {"hours": {"0": [[540, 1020]]}, "china_holidays": True, "closed": [], "extra": []}
    assert Calendar.from_json(old).official_years == frozenset()
    assert not Calendar.from_json(old).is_working_day(date(2027, 2, 8))
    spec = entered_2027(calendars["office"])
    assert Calendar.from_json(spec.to_json()) == spec


def test_a_calendar_without_china_holidays_ignores_them():
    """Without China's holidays National Day is an ordinary Thursday."""
    plain = Calendar({d: FIVE_BY_EIGHT for d in range(5)}, china_holidays=False)
    assert plain.intervals(date(2026, 10, 1)) == FIVE_BY_EIGHT
    assert plain.intervals(date(2026, 10, 10)) == ()

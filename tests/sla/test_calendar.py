"""Working-time arithmetic: weekends, holidays, make-up days, lunch breaks, DST, after hours."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from repairapp.sla.calendar import (
    Calendar,
    add_working_minutes,
    weekly,
    working_minutes_between,
)

SH = "Asia/Shanghai"
OFFICE = weekly(range(5), ("09:00", "12:00"), ("13:00", "17:00"))  # Mon-Fri, lunch break
SITE_16H = weekly(range(7), ("08:00", "24:00"), china=False)


def at(tz: str, *args) -> datetime:
    """A local wall-clock time at the site, as an aware UTC instant."""
    return datetime(*args, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def local(value: datetime, tz: str = SH) -> datetime:
    return value.astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def test_24x7_is_plain_addition():
    """Without hours the clock never stops."""
    start = at(SH, 2026, 11, 21, 23, 30)  # a Saturday night
    assert add_working_minutes(start, 120, Calendar(), SH) == start + timedelta(hours=2)


def test_within_one_morning():
    """Filed at 10:00 on a Tuesday, 2 h of working time is noon."""
    due = add_working_minutes(at(SH, 2026, 11, 24, 10, 0), 120, OFFICE, SH)
    assert local(due) == datetime(2026, 11, 24, 12, 0)


def test_lunch_break_does_not_count():
    """Filed at 11:00, 2 h is 14:00: the hour from 12:00 to 13:00 is skipped."""
    due = add_working_minutes(at(SH, 2026, 11, 24, 11, 0), 120, OFFICE, SH)
    assert local(due) == datetime(2026, 11, 24, 14, 0)


def test_after_hours_the_clock_starts_at_the_next_opening():
    """Filed Friday 20:00: 2 h of working time ends Monday 11:00."""
    due = add_working_minutes(at(SH, 2026, 11, 27, 20, 0), 120, OFFICE, SH)
    assert local(due) == datetime(2026, 11, 30, 11, 0)


def test_weekend_is_skipped():
    """Filed Friday 16:00, 4 h: 1 h Friday, then 3 h on Monday morning."""
    due = add_working_minutes(at(SH, 2026, 11, 27, 16, 0), 240, OFFICE, SH)
    assert local(due) == datetime(2026, 11, 30, 12, 0)


def test_national_day_holiday_is_skipped():
    """Filed 30 September 2026 at 16:00: 1 h that day, then the 1-7 October holiday."""
    due = add_working_minutes(at(SH, 2026, 9, 30, 16, 0), 120, OFFICE, SH)
    assert local(due) == datetime(2026, 10, 8, 10, 0)


def test_make_up_working_saturday_counts():
    """Saturday 10 October 2026 is a make-up working day (调休): the clock runs."""
    due = add_working_minutes(at(SH, 2026, 10, 10, 9, 0), 60, OFFICE, SH)
    assert local(due) == datetime(2026, 10, 10, 10, 0)


def test_admin_closed_and_extra_days_win():
    """A closure an admin entered stops the clock; an extra working Sunday runs it."""
    closed = Calendar(OFFICE.hours, True, closed=frozenset({date(2026, 11, 24)}))
    due = add_working_minutes(at(SH, 2026, 11, 24, 10, 0), 60, closed, SH)
    assert local(due) == datetime(2026, 11, 25, 10, 0)
    extra = Calendar(OFFICE.hours, True, extra=frozenset({date(2026, 11, 29)}))
    due = add_working_minutes(at(SH, 2026, 11, 29, 9, 0), 30, extra, SH)
    assert local(due) == datetime(2026, 11, 29, 9, 30)


def test_16h_site_until_midnight():
    """A 16 h site (08:00-24:00): 3 h from 22:30 ends at 09:30 next morning."""
    due = add_working_minutes(at(SH, 2026, 11, 24, 22, 30), 180, SITE_16H, SH)
    assert local(due) == datetime(2026, 11, 25, 9, 30)


@pytest.mark.parametrize("tz,day", [("Europe/Berlin", (2026, 3, 27)),
                                    ("America/New_York", (2026, 3, 6))])
def test_dst_change_over_the_weekend_keeps_wall_clock_hours(tz, day):
    """Across a spring-forward weekend, Monday still opens at 09:00 local time."""
    due = add_working_minutes(at(tz, *day, 16, 0), 120, weekly(range(5), ("09:00", "17:00"),
                                                               china=False), tz)
    monday = date(*day) + timedelta(days=3)
    assert local(due, tz) == datetime(monday.year, monday.month, monday.day, 10, 0)
    assert due.astimezone(ZoneInfo(tz)).utcoffset() != at(tz, *day, 16, 0).astimezone(
        ZoneInfo(tz)).utcoffset()


def test_minutes_between_counts_only_working_time():
    """Friday 16:00 to Monday 10:00 is 2 working hours in an office calendar."""
    assert working_minutes_between(at(SH, 2026, 11, 27, 16, 0), at(SH, 2026, 11, 30, 10, 0),
                                   OFFICE, SH) == 120


def test_years_the_library_does_not_know_follow_the_rules():
    """For a year without official data, ordinary weekdays count (holidays come by rule)."""
    due = add_working_minutes(at(SH, 2031, 1, 3, 16, 0), 120, OFFICE, SH)  # a Friday
    assert local(due) == datetime(2031, 1, 6, 10, 0)


def test_json_round_trip():
    """A calendar frozen on a ticket as JSON comes back the same."""
    calendar = Calendar(OFFICE.hours, True, closed=frozenset({date(2026, 12, 24)}))
    assert Calendar.from_json(calendar.to_json()) == calendar

"""Visit dates: months end on their last day, closed days move, make-up days (调休) work."""

from datetime import date

from repairapp.maintenance.models import Shift, Unit
from repairapp.maintenance.schedule import add_months, fixed_dates, moved
from repairapp.sla.calendar import weekly

OFFICE = weekly(range(5), ("09:00", "17:00"))  # Mon-Fri, China's holidays


def test_the_31st_falls_on_the_last_day_of_shorter_months_without_drifting():
    """Counted from the start each time: 31 Jan, 28 Feb, 31 Mar, 30 Apr, not 28th onwards."""
    assert fixed_dates(date(2026, 1, 31), 1, Unit.MONTH, date(2026, 1, 1),
                       date(2026, 4, 30)) == [date(2026, 1, 31), date(2026, 2, 28),
                                              date(2026, 3, 31), date(2026, 4, 30)]
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)  # leap year
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)


def test_quarters_and_years():
    """A quarter is three months; a year from 29 February ends on 28 February."""
    assert fixed_dates(date(2025, 1, 1), 1, Unit.QUARTER, date(2025, 6, 1),
                       date(2026, 1, 1)) == [date(2025, 7, 1), date(2025, 10, 1),
                                             date(2026, 1, 1)]
    assert fixed_dates(date(2024, 2, 29), 1, Unit.YEAR, date(2025, 1, 1),
                       date(2025, 12, 31)) == [date(2025, 2, 28)]


def test_a_visit_on_national_day_moves_after_or_before_the_holiday():
    """1 Oct 2025 is in the 1-8 October holiday: after is Thu 9 Oct, before is Tue 30 Sep."""
    assert moved(date(2025, 10, 1), OFFICE, Shift.AFTER) == date(2025, 10, 9)
    assert moved(date(2025, 10, 1), OFFICE, Shift.BEFORE) == date(2025, 9, 30)


def test_a_make_up_working_sunday_keeps_its_visit():
    """Sunday 28 Sep 2025 is a make-up working day (调休): the visit stays on it."""
    assert moved(date(2025, 9, 28), OFFICE, Shift.AFTER) == date(2025, 9, 28)
    assert moved(date(2025, 9, 21), OFFICE, Shift.AFTER) == date(2025, 9, 22)  # plain Sunday


def test_a_month_end_on_a_weekend_moves_to_the_nearest_working_day():
    """Sat 31 Jan 2026: before is Fri 30 Jan, after is Mon 2 Feb; Sat 28 Feb 2026 is a
    make-up working day and stays."""
    assert moved(date(2026, 1, 31), OFFICE, Shift.BEFORE) == date(2026, 1, 30)
    assert moved(date(2026, 1, 31), OFFICE, Shift.AFTER) == date(2026, 2, 2)
    assert moved(date(2026, 2, 28), OFFICE, Shift.BEFORE) == date(2026, 2, 28)


def test_without_a_calendar_every_day_works():
    assert moved(date(2025, 10, 1), None, Shift.AFTER) == date(2025, 10, 1)

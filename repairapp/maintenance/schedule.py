"""When a plan's visits fall: interval arithmetic on days, and moving a visit off closed days.

Months follow the Civil Code's rule for periods (art. 202): the corresponding day of the
month, or the month's last day where it has none, so a plan started on 31 January is due on
28 (or 29) February, 31 March, 30 April. Each fixed-anchor visit is counted from the start
date, never from the previous visit, so a short month does not pull later visits forward.
"""

import calendar as month_days
from datetime import date, timedelta

from repairapp.maintenance.models import Shift, Unit
from repairapp.sla.calendar import Calendar

SEARCH_DAYS = 31  # a visit moves at most this far; a calendar closed longer keeps the day


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, month_days.monthrange(year, month + 1)[1]))


def add_interval(day: date, every: int, unit: Unit, times: int = 1) -> date:
    """`day` plus `times` intervals of `every` units."""
    n = every * times
    if unit is Unit.DAY:
        return day + timedelta(days=n)
    if unit is Unit.WEEK:
        return day + timedelta(weeks=n)
    months = {Unit.MONTH: 1, Unit.QUARTER: 3, Unit.YEAR: 12}[unit]
    return add_months(day, n * months)


def is_open(calendar: Calendar | None, day: date) -> bool:
    """A working day of the calendar: China's holidays off, make-up days (调休) on, an
    around-the-clock calendar every day but those an admin closed."""
    if calendar is None:
        return True
    if calendar.is_24x7:
        return day not in calendar.closed
    return calendar.is_working_day(day)


def moved(day: date, calendar: Calendar | None, shift: Shift) -> date:
    """The working day nearest `day` in the plan's direction (`day` itself if it works)."""
    step = timedelta(days=-1 if shift is Shift.BEFORE else 1)
    candidate = day
    for _ in range(SEARCH_DAYS):
        if is_open(calendar, candidate):
            return candidate
        candidate += step
    return day


def fixed_dates(start: date, every: int, unit: Unit, first: date, last: date) -> list[date]:
    """Nominal visit days start + k intervals (k >= 0) between `first` and `last`, inclusive."""
    days, k = [], 0
    # Skip ahead roughly, then walk: a plan started years ago does not loop over its past.
    approx = {Unit.DAY: 1, Unit.WEEK: 7, Unit.MONTH: 31, Unit.QUARTER: 92, Unit.YEAR: 366}
    if first > start:
        k = max(0, (first - start).days // (approx[unit] * every) - 1)
    while (day := add_interval(start, every, unit, k)) <= last:
        if day >= first:
            days.append(day)
        k += 1
    return days

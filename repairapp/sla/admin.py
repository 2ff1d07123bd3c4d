"""Service calendars as admins edit them: weekly hours as text, entered days, a preview."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from repairapp.contracts.models import ServicePlan
from repairapp.extensions import db
from repairapp.sla import calendar as calendar_module
from repairapp.sla.calendar import (
    Calendar,
    ChinaDay,
    Source,
    clock,
    rule_holidays,
    source_of,
)
from repairapp.sla.models import CalendarDay, ServiceCalendar

DAY_END = 24 * 60
_INTERVAL = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-–—~～]\s*(\d{1,2})[:：](\d{2})")
_SEPARATORS = re.compile(r"[,，;；、]")


class HoursError(ValueError):
    """Interval text an admin typed that does not describe a day's working hours."""


def _minute(hours: str, minutes: str, text: str) -> int:
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > DAY_END:
        raise HoursError(_l("%(time)s is not a time of day (00:00 to 24:00).", time=text))
    return value


def parse_intervals(text: str) -> list[list[int]]:
    """"09:00-12:00, 13:00-17:00" -> [[540, 720], [780, 1020]]; empty text: closed all day."""
    spans: list[list[int]] = []
    for part in filter(None, (p.strip() for p in _SEPARATORS.split(text))):
        match = _INTERVAL.fullmatch(part)
        if not match:
            raise HoursError(_l("“%(part)s” is not an interval like 09:00-12:00.", part=part))
        h1, m1, h2, m2 = match.groups()
        start, end = _minute(h1, m1, f"{h1}:{m1}"), _minute(h2, m2, f"{h2}:{m2}")
        if end <= start:
            raise HoursError(_l("%(interval)s ends before it starts.", interval=part))
        if spans and start < spans[-1][1]:
            raise HoursError(_l("%(interval)s starts before the interval ahead of it ends; "
                                "list intervals in order, without overlaps.", interval=part))
        spans.append([start, end])
    return spans


def format_intervals(spans) -> str:
    """[[540, 720], [780, 1020]] -> "09:00-12:00, 13:00-17:00"."""
    return ", ".join(f"{clock(a)}-{clock(b)}" for a, b in spans)


def plans_by_calendar() -> dict[int, list[str]]:
    """Names of the service plans (archived ones too) that use each calendar."""
    found: dict[int, list[str]] = {}
    for calendar_id, name in db.session.execute(
            sa.select(ServicePlan.calendar_id, ServicePlan.name)
            .where(ServicePlan.calendar_id.is_not(None)).order_by(ServicePlan.name)):
        found.setdefault(calendar_id, []).append(name)
    return found


def calendar_choices() -> list[tuple[int, str]]:
    """(id, name) of every calendar, for a plan's calendar select."""
    return [(calendar_id, name) for calendar_id, name in db.session.execute(
        sa.select(ServiceCalendar.id, ServiceCalendar.name).order_by(ServiceCalendar.name))]


def add_day(calendar: ServiceCalendar, day: date, is_working: bool, note: str) -> None:
    """Enter a closed or extra working day; a day already entered fails at the commit."""
    calendar.days.append(CalendarDay(day=day, is_working=is_working, note=note))


def delete_calendar(calendar: ServiceCalendar) -> list[str]:
    """Delete an unused calendar; else delete nothing and return the plans that use it."""
    users = plans_by_calendar().get(calendar.id, [])
    if not users:
        db.session.delete(calendar)
        db.session.flush()
    return users


@dataclass(frozen=True)
class PreviewDay:
    day: date
    hours: str  #: working intervals as text; empty on a day off
    entered: bool  #: an admin entered this day (closed or extra working)
    china: ChinaDay | None  #: a statutory day off or a make-up working day
    holiday: str  #: the name of the holiday behind it, in the visitor's language
    source: Source | None  #: where China's schedule for the day comes from
    note: str = ""


def holiday_name(calendar: Calendar, day: date, language: str, entered_notes: dict) -> str:
    """The holiday's name behind a day off or make-up day, from whichever source decides."""
    source = source_of(day.year, calendar.official_years)
    if source is Source.LIBRARY:
        name = calendar_module.LIBRARY.on.get(day) or calendar_module.LIBRARY.off.get(day, "")
        try:
            return chinese_calendar.Holiday(name).chinese if language == "zh" else name
        except ValueError:  # a name the library's Holiday enum does not list
            return name
    if source is Source.ENTERED:
        return entered_notes.get(day, "")
    return rule_holidays(day.year, "zh_CN" if language == "zh" else "en_US").get(day, "")


def preview(calendar: Calendar, start: date, notes: dict[date, str], language: str = "en",
            entered_notes: dict[date, str] | None = None, days: int = 14):
    """What each of `days` days from `start` looks like under the calendar."""
    found = []
    for day in (start + timedelta(days=n) for n in range(days)):
        china = calendar.china_day(day)
        found.append(PreviewDay(
            day=day, hours=format_intervals(calendar.intervals(day)),
            entered=day in calendar.closed or day in calendar.extra, china=china,
            holiday=holiday_name(calendar, day, language, entered_notes or {}) if china else "",
            source=source_of(day.year, calendar.official_years)
            if calendar.china_holidays else None, note=notes.get(day, "")))
    return found

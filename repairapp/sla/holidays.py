"""China's official holiday schedule for years the installed chinesecalendar does not know:
what an admin enters from the State Council's notice, and when to ask for it."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from repairapp.extensions import db
from repairapp.sla import calendar
from repairapp.sla.models import OfficialDay, ServiceCalendar

WARN_DAYS = 60  # ask for a year's schedule from this many days before it starts
_DATE = r"(\d{4}-\d{1,2}-\d{1,2})"
_LINE = re.compile(_DATE + r"(?:\s*(?:\.\.|~|～|–|—|至|到|to)\s*" + _DATE
                   + r")?\s+(\S+)(?:\s+(.*))?")
OFF_WORDS = {"holiday", "off", "休", "放假", "假", "休息"}
ON_WORDS = {"workday", "work", "on", "班", "上班", "补班"}


class ScheduleError(ValueError):
    """Schedule text an admin typed that does not describe a year's holidays."""


@dataclass(frozen=True)
class Entry:
    day: date
    is_working: bool
    note: str = ""


def _day(text: str, number: int) -> date:
    try:
        return date(*map(int, text.split("-")))
    except ValueError:
        raise ScheduleError(_l("Line %(number)s: %(date)s is not a date.", number=number,
                               date=text)) from None


def _line(text: str, number: int, year: int) -> list[Entry]:
    match = _LINE.fullmatch(text)
    kind = match and match.group(3).lower()
    if not match or kind not in OFF_WORDS | ON_WORDS:
        raise ScheduleError(_l("Line %(number)s: “%(line)s” is not like “2027-02-06..2027-02-12"
                               " holiday 春节” or “2027-02-14 workday”.", number=number, line=text))
    first = _day(match.group(1), number)
    last = _day(match.group(2), number) if match.group(2) else first
    if last < first:
        raise ScheduleError(_l("Line %(number)s: the range ends before it starts.", number=number))
    for day in (first, last):
        if day.year != year:
            raise ScheduleError(_l("Line %(number)s: %(date)s is not in %(year)s.",
                                   number=number, date=day.isoformat(), year=year))
    return [Entry(first + timedelta(days=n), kind in ON_WORDS, (match.group(4) or "").strip())
            for n in range((last - first).days + 1)]


def parse_schedule(text: str, year: int) -> list[Entry]:
    """One line per day or range: "2027-02-06..2027-02-12 holiday 春节", "2027-02-14 workday"
    (also 休/放假 and 班/上班); the note is optional. Raises ScheduleError naming the line."""
    entries: dict[date, Entry] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        for entry in _line(line.strip(), number, year):
            if entry.day in entries:
                raise ScheduleError(_l("Line %(number)s: %(date)s is already entered above.",
                                       number=number, date=entry.day.isoformat()))
            entries[entry.day] = entry
    return sorted(entries.values(), key=lambda e: e.day)


def _year(year: int):
    return OfficialDay.day.between(date(year, 1, 1), date(year, 12, 31))


def entered(year: int) -> list[Entry]:
    """The schedule entered for `year`, in date order."""
    return [Entry(d.day, d.is_working, d.note) for d in db.session.scalars(
        sa.select(OfficialDay).where(_year(year)).order_by(OfficialDay.day))]


def save_schedule(year: int, entries: list[Entry]) -> None:
    """Replace the year's schedule (none: the rules apply again)."""
    db.session.execute(sa.delete(OfficialDay).where(_year(year)))
    db.session.add_all(OfficialDay(day=e.day, is_working=e.is_working, note=e.note)
                       for e in entries)
    db.session.flush()


def schedule_text(entries: list[Entry]) -> str:
    """Entries as the form shows them: consecutive days of one kind and note as a range."""
    lines, run = [], []
    for entry in [*entries, None]:
        if run and (entry is None or entry.day != run[-1].day + timedelta(days=1)
                    or (entry.is_working, entry.note) != (run[0].is_working, run[0].note)):
            span = run[0].day.isoformat() + (f"..{run[-1].day.isoformat()}" if len(run) > 1
                                              else "")
            kind = "workday" if run[0].is_working else "holiday"
            lines.append(" ".join(filter(None, (span, kind, run[0].note))))
            run = []
        if entry:
            run.append(entry)
    return "\n".join(lines)


def years_awaiting(today: date) -> list[int]:
    """Years whose make-up working days are unknown (the library lacks them, nobody entered
    them) from WARN_DAYS days before they start and during them, while any calendar
    follows China's holidays."""
    years = [y for y in (today.year, today.year + 1)
             if (date(y, 1, 1) - today).days <= WARN_DAYS and y not in calendar.LIBRARY.years]
    if not years or not db.session.scalar(
            sa.select(sa.exists().where(ServiceCalendar.china_holidays.is_(True)))):
        return []
    known = set(db.session.scalars(sa.select(sa.extract("year", OfficialDay.day)).distinct()))
    return [y for y in years if y not in {int(k) for k in known}]

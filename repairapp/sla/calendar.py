"""Service calendars: when the clock of a promise runs.

A calendar is either 24x7, or weekly working hours in the site's time zone (several
intervals a day allow a lunch break; an interval may end at 24:00), minus public holidays.
China's statutory holidays and make-up working days (调休) come from `chinese_calendar` for
the years it knows; days an admin entered (closed or extra working days) always win; for
years the library does not know yet, plain weekdays count until it is updated.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

#: weekday (0 = Monday) -> ((start minute, end minute), ...) from local midnight, end <= 1440
Hours = dict[int, tuple[tuple[int, int], ...]]
SEARCH_DAYS = 800  # a promise never needs more than two years of calendar


@dataclass(frozen=True)
class Calendar:
    hours: Hours = field(default_factory=dict)  # empty: 24x7
    china_holidays: bool = False
    closed: frozenset[date] = frozenset()
    extra: frozenset[date] = frozenset()

    @property
    def is_24x7(self) -> bool:
        return not self.hours

    def is_working_day(self, day: date) -> bool:
        if day in self.closed:
            return False
        if day in self.extra:
            return True
        if self.china_holidays:
            try:
                return chinese_calendar.is_workday(day)
            except NotImplementedError:  # a year the library has no data for yet
                pass
        return bool(self.hours.get(day.weekday()))

    def intervals(self, day: date) -> tuple[tuple[int, int], ...]:
        """The day's working intervals; a make-up working day on a weekend works Monday's."""
        if not self.is_working_day(day):
            return ()
        return self.hours.get(day.weekday()) or self.hours.get(0) or next(
            (h for h in self.hours.values() if h), ())

    def to_json(self) -> dict:
        return {"hours": {str(k): [list(i) for i in v] for k, v in self.hours.items()},
                "china_holidays": self.china_holidays,
                "closed": sorted(d.isoformat() for d in self.closed),
                "extra": sorted(d.isoformat() for d in self.extra)}

    @classmethod
    def from_json(cls, data: dict | None) -> "Calendar":
        if not data:
            return cls()
        return cls(hours={int(k): tuple(tuple(i) for i in v) for k, v in data["hours"].items()},
                   china_holidays=data.get("china_holidays", False),
                   closed=frozenset(date.fromisoformat(d) for d in data.get("closed", ())),
                   extra=frozenset(date.fromisoformat(d) for d in data.get("extra", ())))


def clock(minute: int) -> str:
    """Minutes from local midnight as "HH:MM" (1440 is "24:00")."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _spans(calendar: Calendar, zone: ZoneInfo, day: date):
    """The day's working intervals as UTC instants (wall-clock times, so DST is right)."""
    midnight = datetime.combine(day, time(0))
    for start, end in calendar.intervals(day):
        lo = (midnight + timedelta(minutes=start)).replace(tzinfo=zone).astimezone(UTC)
        hi = (midnight + timedelta(minutes=end)).replace(tzinfo=zone).astimezone(UTC)
        yield lo, hi


def add_working_minutes(start: datetime, minutes: int, calendar: Calendar,
                        tz: str) -> datetime:
    """The instant `minutes` of working time after `start`; filed outside working hours,
    the clock starts at the next opening."""
    if calendar.is_24x7:
        return start + timedelta(minutes=minutes)
    zone, remaining = ZoneInfo(tz), timedelta(minutes=minutes)
    day = start.astimezone(zone).date()
    for _ in range(SEARCH_DAYS):
        for lo, hi in _spans(calendar, zone, day):
            lo = max(lo, start)
            if hi <= lo:
                continue
            if remaining <= hi - lo:
                return lo + remaining
            remaining -= hi - lo
        day += timedelta(days=1)
    raise ValueError("the calendar has no working time in the next two years")


def working_minutes_between(start: datetime, end: datetime, calendar: Calendar,
                            tz: str) -> int:
    """Working minutes from `start` to `end` (for paused time)."""
    if end <= start:
        return 0
    if calendar.is_24x7:
        return int((end - start).total_seconds() // 60)
    zone, total = ZoneInfo(tz), timedelta()
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    while day <= last:
        for lo, hi in _spans(calendar, zone, day):
            lo, hi = max(lo, start), min(hi, end)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return int(total.total_seconds() // 60)


def weekly(days: range | tuple, *intervals: tuple[str, str], china: bool = True) -> Calendar:
    """Convenience: the same "HH:MM" intervals on each of `days`, e.g. weekly(range(5),
    ("09:00", "12:00"), ("13:00", "17:00"))."""
    def minutes(text: str) -> int:
        hours, mins = text.split(":")
        return int(hours) * 60 + int(mins)

    spans = tuple((minutes(a), minutes(b)) for a, b in intervals)
    return Calendar(hours={d: spans for d in days}, china_holidays=china)

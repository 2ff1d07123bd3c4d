"""Service calendars: when the clock of a promise runs.

A calendar is either 24x7, or weekly working hours in the site's time zone (several
intervals a day allow a lunch break; an interval may end at 24:00), with China's holidays
when it follows them. Per day, in this order:

1. days an admin entered on the calendar (closed, or extra working) always win;
2. China's schedule: a statutory holiday (or a day off in lieu) is closed, a make-up
   working day (调休) is open with that weekday's hours if the week has them, else the
   calendar's usual weekday hours (Monday's, else the first day that has hours);
3. every other day follows the weekly hours (an ordinary Saturday of a Mon-Sat calendar
   works, any weekend day of a 7-day calendar works).

China's schedule for a year comes from, first found: the installed `chinese_calendar`
(official data, with make-up days) -> the schedule an admin entered for the year (carried
in the calendar as plain values, so a ticket's frozen calendar keeps it) -> statutory
holidays computed by rule from the lunar calendar by the `holidays` package (no make-up
days: those are only known once the State Council publishes them).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
import holidays as holiday_rules

#: weekday (0 = Monday) -> ((start minute, end minute), ...) from local midnight, end <= 1440
Hours = dict[int, tuple[tuple[int, int], ...]]
SEARCH_DAYS = 800  # a promise never needs more than two years of calendar


class ChinaDay(Enum):
    """What China's schedule says of a day (None: an ordinary day)."""

    OFF = "off"  #: statutory holiday, or a day off in lieu
    ON = "on"  #: make-up working day (调休)


class Source(Enum):
    """Where a year's schedule comes from, most trusted first."""

    LIBRARY = "library"  #: chinese_calendar's official data
    ENTERED = "entered"  #: an admin entered the State Council's schedule
    RULES = "rules"  #: statutory holidays computed by rule; make-up days unknown


@dataclass(frozen=True)
class Schedule:
    """Official data for some years: days off and make-up working days, with their names."""

    years: frozenset[int]
    off: Mapping[date, object]
    on: Mapping[date, object]

    def day(self, day: date) -> ChinaDay | None:
        return ChinaDay.ON if day in self.on else ChinaDay.OFF if day in self.off else None

    @classmethod
    def from_chinese_calendar(cls) -> "Schedule":
        years = {d.year for d in chinese_calendar.holidays}
        return cls(frozenset(range(min(years), max(years) + 1)), chinese_calendar.holidays,
                   chinese_calendar.workdays)


#: The seam to the installed library: a newer chinesecalendar that knows a year takes over
#: from the entered schedule and the rules. Tests put a Schedule that knows 2027 here.
LIBRARY = Schedule.from_chinese_calendar()


@lru_cache(maxsize=64)
def rule_holidays(year: int, language: str = "en_US") -> Mapping[date, str]:
    """China's statutory holidays of `year` as the `holidays` package computes them."""
    return dict(holiday_rules.China(years=year, language=language))


def source_of(year: int, entered_years: frozenset[int] = frozenset()) -> Source:
    """Which source decides China's holidays in `year`."""
    if year in LIBRARY.years:
        return Source.LIBRARY
    return Source.ENTERED if year in entered_years else Source.RULES


@dataclass(frozen=True)
class Calendar:
    hours: Hours = field(default_factory=dict)  # empty: 24x7
    china_holidays: bool = False
    closed: frozenset[date] = frozenset()
    extra: frozenset[date] = frozenset()
    #: China's schedule as an admin entered it for years the library lacks (every calendar
    #: that follows China's holidays carries it; a ticket freezes it with the rest).
    official_years: frozenset[int] = frozenset()
    official_off: frozenset[date] = frozenset()
    official_on: frozenset[date] = frozenset()

    @property
    def is_24x7(self) -> bool:
        return not self.hours

    def china_day(self, day: date) -> ChinaDay | None:
        """What China's schedule says of `day` (None when the calendar does not follow it)."""
        if not self.china_holidays:
            return None
        source = source_of(day.year, self.official_years)
        if source is Source.LIBRARY:
            return LIBRARY.day(day)
        if source is Source.ENTERED:
            return ChinaDay.ON if day in self.official_on else \
                ChinaDay.OFF if day in self.official_off else None
        return ChinaDay.OFF if day in rule_holidays(day.year) else None

    def is_working_day(self, day: date) -> bool:
        if day in self.closed:
            return False
        if day in self.extra:
            return True
        china = self.china_day(day)
        if china is not None:
            return china is ChinaDay.ON
        return bool(self.hours.get(day.weekday()))

    def intervals(self, day: date) -> tuple[tuple[int, int], ...]:
        """The day's working intervals; a make-up working Sunday of a Mon-Sat calendar (or
        an extra day on a closed weekday) works the usual weekday hours: Monday's."""
        if not self.is_working_day(day):
            return ()
        return self.hours.get(day.weekday()) or self.hours.get(0) or next(
            (h for h in self.hours.values() if h), ())

    def to_json(self) -> dict:
        return {"hours": {str(k): [list(i) for i in v] for k, v in self.hours.items()},
                "china_holidays": self.china_holidays,
                "closed": _days(self.closed), "extra": _days(self.extra),
                "official": {"years": sorted(self.official_years),
                             "off": _days(self.official_off), "on": _days(self.official_on)}}

    @classmethod
    def from_json(cls, data: dict | None) -> "Calendar":
        """A frozen calendar; ones frozen before entered schedules existed have none."""
        if not data:
            return cls()
        official = data.get("official", {})
        return cls(hours={int(k): tuple(tuple(i) for i in v) for k, v in data["hours"].items()},
                   china_holidays=data.get("china_holidays", False),
                   closed=_dates(data.get("closed", ())), extra=_dates(data.get("extra", ())),
                   official_years=frozenset(official.get("years", ())),
                   official_off=_dates(official.get("off", ())),
                   official_on=_dates(official.get("on", ())))


def _days(days: frozenset[date]) -> list[str]:
    return sorted(d.isoformat() for d in days)


def _dates(texts) -> frozenset[date]:
    return frozenset(date.fromisoformat(d) for d in texts)


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

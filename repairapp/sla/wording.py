"""A plan's promise in words: its tier, when the clock runs, and the targets.

Every page and message that states a promise words it here, so the same deadline reads
the same everywhere: `target_phrase` ("2 个工作小时内响应（2026-12-03 10:30 前）"), with
`ticket_targets`/`plan_targets` feeding it a ticket's frozen promise or a plan's for a
request filed now. The describing functions return lazy text, evaluated in the visitor's
language when it is rendered.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, reduce

from babel.dates import get_day_names
from flask import current_app
from flask_babel import LazyString, get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from markupsafe import escape

from repairapp.contracts.models import PlanKind, ServiceLevel, Severity
from repairapp.i18n import site_datetime
from repairapp.sla.calendar import Calendar, Hours, clock
from repairapp.sla.services import due_times, targets_of

LEVEL = {
    ServiceLevel.H8: _l("8 h site"),
    ServiceLevel.H16: _l("16 h site"),
    ServiceLevel.H24: _l("24 h site"),
    ServiceLevel.A: _l("Level A"),
    ServiceLevel.B: _l("Level B"),
    ServiceLevel.C: _l("Level C"),
}
#: A plan without a tier (warranty, per incident) is named by its kind.
KIND = {
    PlanKind.WARRANTY: _l("Warranty"),
    PlanKind.EXTENDED: _l("Service contract"),
    PlanKind.PER_INCIDENT: _l("Per incident"),
}


class Text(LazyString):
    """Lazy text that Jinja escapes like any string (LazyString passes itself off as safe)."""

    def __html__(self) -> str:
        return str(escape(str(self)))


def week_runs(hours: Hours) -> list[tuple[int, int, tuple]]:
    """(first weekday, last weekday, intervals) for each run of consecutive weekdays that
    work the same hours; days off are left out."""
    runs: list[tuple[int, int, tuple]] = []
    for day in range(7):
        spans = tuple(tuple(span) for span in hours.get(day, ()))
        if not spans:
            continue
        if runs and runs[-1][1] == day - 1 and runs[-1][2] == spans:
            runs[-1] = (runs[-1][0], day, spans)
        else:
            runs.append((day, day, spans))
    return runs


def _language() -> str | None:
    """The language gettext answers in now (None outside a request: the default)."""
    locale = get_locale()
    return str(locale) if locale else None


def _week(hours: Hours) -> str:
    """E.g. "Mon–Fri 09:00–12:00, 13:00–17:00; Sat 09:00–12:00" (day names from CLDR)."""
    frozen = tuple((day, tuple(map(tuple, spans))) for day, spans in sorted(hours.items()))
    return _week_worded(_language(), frozen)


@lru_cache(maxsize=512)
def _week_worded(locale: str | None, hours: tuple) -> str:
    """`_week` in one language, worded once per process: a page of cards repeats the same
    few calendars, each otherwise taking a dozen gettext calls."""
    names = get_day_names("abbreviated", locale=locale)
    parts = []
    for first, last, spans in week_runs(dict(hours)):
        days = names[first] if first == last else f"{names[first]}–{names[last]}"
        spans_text = reduce(lambda text, item: gettext("%(list)s, %(item)s", list=text,
                                                       item=item),
                            [f"{clock(a)}–{clock(b)}" for a, b in spans])
        parts.append(f"{days} {spans_text}")
    # Groups and intervals are separated the language's way: "; " and ", " / "；" and "、".
    return reduce(lambda text, item: gettext("%(list)s; %(item)s", list=text, item=item),
                  parts) if parts else ""


def _when(calendar: Calendar, zone: str | None, short: bool) -> str:
    if calendar.is_24x7:
        return gettext("7×24")
    week = _week(calendar.hours)
    if zone:
        week = gettext("%(hours)s %(zone)s time", hours=week, zone=zone)
    if short:
        return week
    if calendar.china_holidays:
        return gettext("working hours only (%(hours)s, except public holidays)", hours=week)
    return gettext("working hours only (%(hours)s)", hours=week)


def describe_hours(calendar: Calendar, *, zone: str | None = None,
                   short: bool = False) -> Text:
    """When the clock runs: "7×24", or "working hours only (Mon–Fri 09:00–17:00, except
    public holidays)"; short: just "Mon–Fri 09:00–17:00". Hours are the site's wall clock;
    name `zone` when readers may be elsewhere."""
    return Text(_when, calendar, zone, short)


def describe_promise(kind: PlanKind | None, level: ServiceLevel | None, calendar: Calendar,
                     *, zone: str | None = None) -> Text | None:
    """The tier and when its clock runs, e.g. "Level A: 7×24"; None without a plan. The
    targets themselves are worded by `target_phrase`, each with its due time."""
    if kind is None:
        return None

    def text() -> str:
        label = LEVEL[level] if level else KIND[kind]
        return gettext("%(level)s: %(when)s", level=label,
                       when=_when(calendar, zone, short=False))

    return Text(text)


def target_length(minutes: int, working: bool) -> str:
    """How long a target is: "2 working hours" in working time (never days: 1,440 working
    minutes are three office days), "4 hours" or "1 day" round the clock."""
    return _length_worded(_language(), minutes, working)


@lru_cache(maxsize=1024)
def _length_worded(locale: str | None, minutes: int, working: bool) -> str:
    """`target_length` in one language (`locale` keys the cache), worded once per process."""
    hours, rest = divmod(minutes, 60)
    if not working and minutes and minutes % 1440 == 0:
        return ngettext("%(num)d day", "%(num)d days", minutes // 1440)
    if hours == 0:
        return (ngettext("%(num)d working minute", "%(num)d working minutes", minutes)
                if working else ngettext("%(num)d minute", "%(num)d minutes", minutes))
    whole = (ngettext("%(num)d working hour", "%(num)d working hours", hours) if working
             else ngettext("%(num)d hour", "%(num)d hours", hours))
    if not rest:
        return whole
    return whole + " " + ngettext("%(num)d minute", "%(num)d minutes", rest)


def due_time(value: datetime | None, tz: str = "Asia/Shanghai") -> str:
    """A due time on the site's wall clock, e.g. "2026-12-03 10:30"; away from the home
    zone it names the zone: "2026-02-10 17:00 Europe/Berlin time"."""
    text, zone = site_datetime(value, tz), foreign_zone(tz)
    return gettext("%(time)s %(zone)s time", time=text, zone=zone) if text and zone else text


def target_phrase(what: str, minutes: int, working: bool, due: datetime | None = None,
                  tz: str = "Asia/Shanghai") -> str:
    """The one wording of a promised deadline, used on every page and message:
    "Response within 2 working hours (by 2026-12-03 10:30)" / "2 个工作小时内响应（2026-12-03
    10:30 前）". `what` is "response" or "fix"; the due time is left out when unknown."""
    length = target_length(minutes, working)
    text = (gettext("Response within %(duration)s", duration=length) if what == "response"
            else gettext("Fix within %(duration)s", duration=length))
    if due is None:
        return text
    return gettext("%(target)s (by %(when)s)", target=text, when=due_time(due, tz))


@dataclass(frozen=True)
class Target:
    """One promised deadline of a ticket (or of a request filed now), worded."""

    what: str  #: "response" or "fix"
    text: str
    due: datetime | None
    done_at: datetime | None = None
    breached: bool = False


# Adapters for templates (Jinja globals and filters, registered in repairapp.wording).

def foreign_zone(tz: str) -> str | None:
    """The site's zone when it is not the installation's own, so times there get named."""
    return None if tz == current_app.config["BABEL_DEFAULT_TIMEZONE"] else tz


def _frozen_hours(data: dict | None) -> Hours:
    """The weekly hours of a frozen calendar (`Calendar.from_json(data).hours`) without
    parsing its days: a list of cards needs only these."""
    if not data:
        return {}
    return {int(k): tuple(tuple(i) for i in v) for k, v in data["hours"].items()}


def ticket_promise(ticket, short: bool = False) -> Text | None:
    """The tier and hours frozen on a ticket; short: just when the clock runs (from frozen
    values only, so a list of cards loads nothing more)."""
    if ticket.plan_id is None:
        return None
    if short:  # the weekly hours are all it words: the holidays are not parsed per card
        return describe_hours(Calendar(hours=_frozen_hours(ticket.sla_calendar)), short=True)
    calendar = Calendar.from_json(ticket.sla_calendar)
    plan = ticket.plan
    if plan is None:
        return None
    return describe_promise(plan.kind, plan.service_level, calendar,
                            zone=foreign_zone(ticket.asset.site.timezone))


def plan_calendar(plan) -> Calendar | None:
    """The plain-value calendar of `plan` (None without a plan); its holidays are a query, so
    a page that needs it twice builds it once and passes it on."""
    if plan is None:
        return None
    return plan.calendar.spec() if plan.calendar else Calendar()


def plan_promise(plan, tz: str, calendar: Calendar | None = None) -> Text | None:
    """A plan's tier and hours, as promised today at a site in zone `tz`; `calendar`: the
    plan's (`plan_calendar`), when the caller already has it."""
    if plan is None:
        return None
    if calendar is None:
        calendar = plan_calendar(plan)
    return describe_promise(plan.kind, plan.service_level, calendar, zone=foreign_zone(tz))


def ticket_targets(ticket) -> list[Target]:
    """The ticket's promised deadlines for its severity, from its frozen targets and due
    times (a deadline met or missed stays listed; staff pages show which)."""
    minutes = (ticket.sla_targets or {}).get(ticket.severity.value) or (None, None)
    working = bool(_frozen_hours(ticket.sla_calendar))  # not 24x7
    tz = ticket.asset.site.timezone
    rows = (("response", minutes[0], ticket.response_due_at, ticket.responded_at,
             ticket.response_breached),
            ("fix", minutes[1], ticket.resolution_due_at, ticket.resolved_at,
             ticket.resolution_breached))
    return [Target(what, target_phrase(what, m, working, due, tz), due, done, bool(missed))
            for what, m, due, done, missed in rows if m is not None]


def plan_targets(plan, severity: Severity, tz: str, now: datetime,
                 calendar: Calendar | None = None) -> list[Target]:
    """What a request filed `now` under `plan` with `severity` would be promised, with the
    due times it would get (the same arithmetic as filing). `calendar`: the plan's, when the
    caller already has it (its holidays are a query)."""
    if plan is None:
        return []
    if calendar is None:
        calendar = plan_calendar(plan)
    dues = due_times(targets_of(plan), severity, now, calendar, tz)
    return [Target(what, target_phrase(what, m, not calendar.is_24x7, due, tz), due)
            for what, m, due in zip(("response", "fix"), plan.targets(severity), dues,
                                    strict=True) if m is not None]

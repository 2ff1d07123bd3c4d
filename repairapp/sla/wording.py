"""A plan's promise in words: its tier, when the clock runs, and the targets.

The describing functions take plain values and return lazy text, evaluated in the
visitor's language when it is rendered. The adapters at the end feed them a ticket's
frozen promise or a plan, for templates.
"""

from collections.abc import Sequence
from datetime import datetime

from babel.dates import get_day_names
from flask import current_app
from flask_babel import LazyString, get_locale, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import escape

from repairapp.contracts.models import PlanKind, ServiceLevel
from repairapp.i18n import duration, site_datetime
from repairapp.sla.calendar import Calendar, Hours, clock

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


def _week(hours: Hours) -> str:
    """E.g. "Mon–Fri 09:00–12:00, 13:00–17:00; Sat 09:00–12:00" (day names from CLDR)."""
    names = get_day_names("abbreviated", locale=get_locale())
    parts = []
    for first, last, spans in week_runs(hours):
        days = names[first] if first == last else f"{names[first]}–{names[last]}"
        parts.append(f"{days} " + ", ".join(f"{clock(a)}–{clock(b)}" for a, b in spans))
    return "; ".join(parts)


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


def _targets(targets: Sequence[int | None], working: bool) -> str:
    response, fix = (list(targets) + [None, None])[:2]
    parts = []
    if response is not None:
        parts.append(gettext("response within %(duration)s",
                             duration=duration(response, days=not working)))
    if fix is not None:
        parts.append(gettext("fix within %(duration)s", duration=duration(fix, days=not working)))
    return ", ".join(parts)


def describe_hours(calendar: Calendar, *, zone: str | None = None,
                   short: bool = False) -> Text:
    """When the clock runs: "7×24", or "working hours only (Mon–Fri 09:00–17:00, except
    public holidays)"; short: just "Mon–Fri 09:00–17:00". Hours are the site's wall clock;
    name `zone` when readers may be elsewhere."""
    return Text(_when, calendar, zone, short)


def describe_promise(kind: PlanKind | None, level: ServiceLevel | None, calendar: Calendar,
                     targets: Sequence[int | None] | None = None, *,
                     zone: str | None = None) -> Text | None:
    """E.g. "Level A: 7×24, response within 1 h, fix within 4 h"; None without a plan.

    `targets` are (response, resolution) minutes for one severity, counted in the
    calendar's working time; leave them out to describe the tier and hours alone.
    """
    if kind is None:
        return None

    def text() -> str:
        label = LEVEL[level] if level else KIND[kind]
        when = _when(calendar, zone, short=False)
        promised = _targets(targets or (), working=not calendar.is_24x7)
        if promised:
            return gettext("%(level)s: %(when)s, %(targets)s", level=label, when=when,
                           targets=promised)
        return gettext("%(level)s: %(when)s", level=label, when=when)

    return Text(text)


# Adapters for templates (Jinja globals and filters, registered in repairapp.wording).

def foreign_zone(tz: str) -> str | None:
    """The site's zone when it is not the installation's own, so times there get named."""
    return None if tz == current_app.config["BABEL_DEFAULT_TIMEZONE"] else tz


def due_time(value: datetime | None, tz: str = "Asia/Shanghai") -> str:
    """A due time on the site's wall clock, e.g. "2026-11-30 18:00 (Europe/Berlin)" away
    from the home zone."""
    text, zone = site_datetime(value, tz), foreign_zone(tz)
    return f"{text} ({zone})" if text and zone else text


def ticket_promise(ticket, short: bool = False) -> Text | None:
    """The promise frozen on a ticket, for its severity; short: when the clock runs (from
    frozen values only, so a list of cards loads nothing more)."""
    if ticket.plan_id is None:
        return None
    calendar = Calendar.from_json(ticket.sla_calendar)
    if short:
        return describe_hours(calendar, short=True)
    plan = ticket.plan
    if plan is None:
        return None
    return describe_promise(plan.kind, plan.service_level, calendar,
                            ticket.sla_targets.get(ticket.severity.value),
                            zone=foreign_zone(ticket.asset.site.timezone))


def plan_promise(plan, tz: str) -> Text | None:
    """A plan's tier and hours, as promised today at a site in zone `tz`."""
    if plan is None:
        return None
    calendar = plan.calendar.spec() if plan.calendar else Calendar()
    return describe_promise(plan.kind, plan.service_level, calendar, zone=foreign_zone(tz))

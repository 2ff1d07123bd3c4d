"""Language choice and locale-aware formatting helpers for templates."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import Flask, request
from flask_babel import get_locale, ngettext

LANGUAGES = {"zh": "中文", "en": "English"}
LANG_COOKIE = "lang"


def select_locale() -> str:
    """The language the visitor chose with the switch, else the browser's best match."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default="zh")


def site_datetime(value: datetime | None, tz: str = "Asia/Shanghai") -> str:
    """A UTC instant shown on the wall clock of the site's time zone."""
    if value is None:
        return ""
    return format_datetime(value.astimezone(ZoneInfo(tz)), "yyyy-MM-dd HH:mm",
                           locale=str(get_locale()))


def site_date(value: date | None) -> str:
    return "" if value is None else format_date(value, "yyyy-MM-dd", locale=str(get_locale()))


def duration(minutes: int | None) -> str:
    """Short human duration of real (calendar) time, for countdowns and time spent: "30 min",
    "2 h", "1 h 30 min", "3 days", "2 days 4 h". Promised targets, which may count working
    time only, are worded by `repairapp.sla.wording.target_phrase` instead."""
    if minutes is None:
        return ""
    if minutes < 60:
        return ngettext("%(num)d min", "%(num)d min", minutes)
    if minutes % 1440 == 0:
        return ngettext("%(num)d day", "%(num)d days", minutes // 1440)
    if minutes > 1440:
        return ngettext("%(num)d day", "%(num)d days", minutes // 1440) + " " + ngettext(
            "%(num)d h", "%(num)d h", minutes % 1440 // 60)
    if minutes % 60 == 0:
        return ngettext("%(num)d h", "%(num)d h", minutes // 60)
    return ngettext("%(num)d h", "%(num)d h", minutes // 60) + " " + ngettext(
        "%(num)d min", "%(num)d min", minutes % 60)


def init_app(app: Flask) -> None:
    from repairapp.sla.services import minutes_left, urgency

    app.jinja_env.filters.update(sitetime=site_datetime, sitedate=site_date, duration=duration)
    app.jinja_env.globals.update(urgency=urgency, minutes_left=minutes_left)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, get_locale=get_locale)

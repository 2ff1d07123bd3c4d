"""Language choice and locale-aware formatting helpers for templates."""

from datetime import date, datetime
from functools import cache
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import flask_babel
from babel import support
from babel.dates import format_date
from flask import Flask, current_app, request
from flask.globals import _cv_app
from flask_babel import Domain, get_locale, ngettext
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path

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
    # Digits only, the same in every language: what format_datetime gives for
    # "yyyy-MM-dd HH:mm", without its pattern parsing (a page of cards shows dozens).
    return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


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


def babel_context() -> SimpleNamespace | None:
    """Flask-Babel's per-request state (`g._flask_babel`), found without going through the
    `g` proxy three times: Flask-Babel asks for it on every gettext, get_locale and format
    call, thousands of times a page, and its own lookup cost ~10 µs each on this machine
    (a fifth of the My jobs page). Same answer: None outside an app context."""
    ctx = _cv_app.get(None)
    if ctx is None:
        return None
    try:
        return ctx.g._flask_babel
    except AttributeError:
        ctx.g._flask_babel = SimpleNamespace()
        return ctx.g._flask_babel


class CachedDomain(Domain):
    """Flask-Babel's message domain, answering a request's gettext calls from the catalogue it
    found first. A page makes thousands of them; each one otherwise looks the locale up
    again and formats its name to find the catalogue (a profile of the My jobs page put a
    fifth of its time there). A `force_locale` block sets another Locale object, so it
    finds its own catalogue."""

    def get_translations(self):
        ctx = babel_context()
        if ctx is None:
            return support.NullTranslations()
        locale = getattr(ctx, "babel_locale", None) or get_locale()
        found = getattr(ctx, "repairapp_translations", None)
        if found is not None and found[0] is locale:
            return found[1]
        translations = super().get_translations()
        ctx.repairapp_translations = (locale, translations)
        return translations


@cache
def _wtforms_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class WTFormsTranslations:
    """WTForms' own messages ("Not a valid choice") in the request's language, from a
    catalogue read once per process and language; Flask-WTF's reads the file again on
    every request that builds a form."""

    def gettext(self, string: str) -> str:
        return _wtforms_catalogue(str(get_locale())).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


WTFORMS_TRANSLATIONS = WTFormsTranslations()


def _install_wtforms_translations() -> None:
    """Every FlaskForm (once per process) takes WTForms' messages from the cached catalogue,
    unless WTF_I18N_ENABLED turns translation off."""
    original = FlaskForm.Meta.get_translations
    if getattr(original, "cached_catalogue", False):
        return

    def get_translations(self, form):
        if not current_app.config.get("WTF_I18N_ENABLED", True):
            return original(self, form)
        return WTFORMS_TRANSLATIONS

    get_translations.cached_catalogue = True
    FlaskForm.Meta.get_translations = get_translations


def init_app(app: Flask) -> None:
    from repairapp.sla.services import minutes_left, urgency

    # Every Flask-Babel function looks the state up by this module-level name.
    flask_babel._get_current_context = babel_context
    babel = app.extensions["babel"]
    babel.instance.domain_instance = CachedDomain(domain=babel.default_domain)
    _install_wtforms_translations()

    app.jinja_env.filters.update(sitetime=site_datetime, sitedate=site_date, duration=duration)
    app.jinja_env.globals.update(urgency=urgency, minutes_left=minutes_left)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, get_locale=get_locale)

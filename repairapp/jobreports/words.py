"""A sheet's frozen codes and values in the current language: shared by the pages and the PDF."""

from datetime import datetime
from decimal import Decimal

from flask_babel import get_locale
from flask_babel import gettext as _

from repairapp.contracts.models import CoverageState, Severity
from repairapp.i18n import site_datetime
from repairapp.tickets.models import Category
from repairapp.wording import BILLING, CATEGORY, COVERAGE, SEVERITY


def section_names() -> dict[str, str]:
    """The sheet's sections by key (a correction names those it changed)."""
    return {"work_done": _("Work done"), "times": _("Times"), "parts": _("Parts used"),
            "amounts": _("Amounts"), "coverage": _("Coverage"), "engineer": _("Engineer")}


def listed(items) -> str:
    """Names in a row: 、 in Chinese, commas in English."""
    return ("、" if get_locale().language == "zh" else ", ").join(i for i in items if i)


def when(stamp: str | None, tz: str) -> str:
    """A time stored in content (UTC, ISO 8601) on the site's clock; — if none."""
    return site_datetime(datetime.fromisoformat(stamp), tz) if stamp else "—"


def yuan(value: str | None) -> str:
    return _("quoted separately") if value is None else f"¥{Decimal(value):,.2f}"


def category(content: dict) -> str:
    return str(CATEGORY[Category(content["ticket"]["category"])])


def severity(content: dict) -> str:
    return str(SEVERITY[Severity(content["ticket"]["severity"])])


def coverage(content: dict) -> str:
    return str(COVERAGE[CoverageState(content["coverage"]["state"])])


def coverage_period(content: dict) -> str:
    period = content["coverage"]
    return _("%(start)s to %(end)s", start=period["start"], end=period["end"] or "…") \
        if period["start"] else ""


def engineers(content: dict) -> str:
    return listed([content["engineer"]["name"], *content["engineer"]["others"]])


def line_name(line: dict) -> str:
    """A work item's name (remote, visit, person-day), a quote line's kind and description,
    or a part's description."""
    kind, description = line["kind"], line["description"]
    if kind.startswith("quote:"):
        label = _quote_kinds().get(kind.removeprefix("quote:"))
        return " · ".join(str(t) for t in (label, description) if t) or kind
    label = BILLING.get(kind)
    return str(label) if label is not None and kind != "part" else description


def _quote_kinds() -> dict:
    try:
        from repairapp.quotes.wording import LINE_KIND
    except ImportError:
        return {}
    return {k.value: v for k, v in LINE_KIND.items()}


def no_charge(content: dict) -> str:
    """Why a sheet without priced lines shows no amount."""
    if content["amounts"]["chargeable"]:
        return _("Chargeable: the amounts follow separately.")
    return _("No charge: covered by %(coverage)s.", coverage=coverage(content))


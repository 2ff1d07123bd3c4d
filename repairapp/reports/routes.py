"""/reports: the service review's figures for admins and managers (GET only)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from repairapp.accounts.routes import manager_required
from repairapp.reports import downloads, export, figures
from repairapp.reports.forms import ReportForm
from repairapp.reports.services import ZONE

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _form() -> tuple[ReportForm, object]:
    """The filters from the query string, and the Filters they choose (None if invalid)."""
    form = ReportForm(request.args or None)
    if request.args and not form.validate():
        return form, None
    return form, form.filters(datetime.now(ZoneInfo(ZONE)).date())


@bp.get("/")
@manager_required
def index():
    form, flt = _form()
    if flt is None:
        return render_template("reports/index.html", form=form, report=None), 422
    return render_template("reports/index.html", form=form, flt=flt,
                           report=figures.report(flt), rows_html=figures.rows_html)


@bp.get("/<key>.<any(csv, xlsx):fmt>")
@manager_required
def download(key: str, fmt: str):
    """One table of the page (same filters), or every matching ticket ("tickets")."""
    if key != "tickets" and key not in figures.TABLES:
        abort(404)
    form, flt = _form()
    if flt is None:
        return render_template("reports/index.html", form=form, report=None), 422
    name = f"{key}-{flt.start.isoformat()}-{flt.end.isoformat()}"
    if key == "tickets":
        return downloads.respond(fmt, name, _("Tickets"), export.HEADER, export.rows(flt))
    table = figures.TABLES[key](flt)
    return downloads.respond(fmt, name, table.title, table.header, table.rows)


# The customer's service report (its own module): /reports/customer and /reports/customer.pdf.
from repairapp.reports import customer_views  # noqa: E402, F401

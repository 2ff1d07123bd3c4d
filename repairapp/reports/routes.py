"""/reports: the service review's figures for admins and managers (GET only)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request

from repairapp.accounts.routes import manager_required
from repairapp.reports import figures
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
                           report=figures.report(flt))

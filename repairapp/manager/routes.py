"""The manager's home page (admins see it too); read-only."""

from flask import Blueprint, current_app, render_template
from flask_babel import format_date

from repairapp.accounts.routes import manager_required
from repairapp.db import utcnow
from repairapp.manager import services


def _month(start) -> str:
    return format_date(start, "yyyy-MM")


bp = Blueprint("manager", __name__, url_prefix="/manager")


@bp.get("/")
@manager_required
def home():
    now, config = utcnow(), current_app.config
    last, this, after = services.month_bounds(now, config["BABEL_DEFAULT_TIMEZONE"])
    breached_total, breached = services.breached_now(now)
    return render_template(
        "manager/home.html", backlog=services.backlog(), breached=breached,
        breached_total=breached_total,
        at_risk=services.at_risk(now, config["NOTIFY_SOON_PERCENT"]),
        soon_percent=config["NOTIFY_SOON_PERCENT"],
        this_month=services.compliance(this, after), last_month=services.compliance(last, this),
        this_label=_month(this), last_label=_month(last), machines=services.worst_machines(now))

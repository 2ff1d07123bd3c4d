"""Display names for enum values, in the visitor's language (Jinja globals)."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from repairapp.contracts.models import CoverageState, Severity
from repairapp.tickets.models import Category, Status

STATUS = {
    Status.NEW: _l("Received"),
    Status.ACKNOWLEDGED: _l("Acknowledged"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.RESOLVED: _l("Resolved"),
    Status.CLOSED: _l("Closed"),
}
SEVERITY = {
    Severity.CRITICAL: _l("Critical: production stopped"),
    Severity.MAJOR: _l("Major: partly working"),
    Severity.MINOR: _l("Minor"),
}
CATEGORY = {
    Category.NO_POWER: _l("Won't start / no power"),
    Category.ERROR: _l("Error or alarm"),
    Category.MECHANICAL: _l("Noise, leak or jam"),
    Category.QUALITY: _l("Poor results"),
    Category.SOFTWARE: _l("Software or network"),
    Category.OTHER: _l("Something else"),
}
COVERAGE = {
    CoverageState.WARRANTY: _l("Warranty"),
    CoverageState.CONTRACT: _l("Service contract"),
    CoverageState.LAPSED: _l("Lapsed"),
    CoverageState.NOT_COVERED: _l("Not covered"),
}


#: Button wording for moving a ticket to a status (verbs, not the status names).
ACTION = {
    Status.ACKNOWLEDGED: _l("Acknowledge"),
    Status.IN_PROGRESS: _l("Start work"),
    Status.RESOLVED: _l("Mark resolved"),
    Status.CLOSED: _l("Close"),
}


def action_label(current: Status, to: Status):
    """"Reopen" when a resolved ticket goes back to work, else the plain verb."""
    if current is Status.RESOLVED and to is Status.IN_PROGRESS:
        return _l("Reopen")
    return ACTION[to]


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(STATUS_LABEL=STATUS, SEVERITY_LABEL=SEVERITY,
                                 CATEGORY_LABEL=CATEGORY, COVERAGE_LABEL=COVERAGE)
    app.jinja_env.globals["action_label"] = action_label
    app.jinja_env.filters["status"] = Status

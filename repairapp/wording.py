"""Display names for enum values, in the visitor's language (Jinja globals)."""

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from repairapp.accounts.models import Role
from repairapp.contracts.models import CoverageState, Severity
from repairapp.notifications.models import DeliveryStatus, NotificationKind, Transport
from repairapp.sla.wording import (
    due_time,
    plan_promise,
    plan_targets,
    ticket_promise,
    ticket_targets,
)
from repairapp.tickets.models import Category, Status, WorkType

STATUS = {
    Status.NEW: _l("Received"),
    Status.ACKNOWLEDGED: _l("Acknowledged"),
    Status.ON_THE_WAY: _l("Technician on the way"),
    Status.ON_SITE: _l("Technician on site"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.WAITING_PARTS: _l("Waiting for parts"),
    Status.WAITING_CUSTOMER: _l("Waiting for customer"),
    Status.RESOLVED: _l("Resolved"),
    Status.CLOSED: _l("Closed"),
}
WORK_TYPE = {
    WorkType.REMOTE: _l("Remote"),
    WorkType.ON_SITE: _l("On site"),
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
    CoverageState.PENDING_PAYMENT: _l("Awaiting payment"),
}


ROLE = {
    Role.ADMIN: _l("Admin"),
    Role.DISPATCHER: _l("Dispatcher"),
    Role.TECHNICIAN: _l("Technician"),
    Role.MANAGER: _l("Service manager"),
}
BILLING = {
    "remote": _l("Remote support, per incident"),
    "visit": _l("On-site visit"),
    "person_day": _l("On-site work, per person-day"),
}
TRANSPORT = {
    Transport.WECOM: _l("WeCom group robot (企业微信)"),
    Transport.DINGTALK: _l("DingTalk group robot (钉钉)"),
    Transport.FEISHU: _l("Feishu group robot (飞书)"),
    Transport.EMAIL: _l("Email"),
}
NOTIFICATION_KIND = {
    NotificationKind.NEW: _l("New request"),
    NotificationKind.ASSIGNED: _l("Assigned to a technician"),
    NotificationKind.RESPONSE_SOON: _l("Response due soon"),
    NotificationKind.RESOLUTION_SOON: _l("Fix due soon"),
    NotificationKind.RESPONSE_BREACHED: _l("Response overdue"),
    NotificationKind.RESOLUTION_BREACHED: _l("Fix overdue"),
    NotificationKind.RESOLVED: _l("Resolved"),
    NotificationKind.JOB_REPORT: _l("Service sheet"),
}
DELIVERY_STATUS = {
    DeliveryStatus.PENDING: _l("Waiting"),
    DeliveryStatus.SENDING: _l("Sending"),
    DeliveryStatus.SENT: _l("Sent"),
    DeliveryStatus.FAILED: _l("Failed"),
}

#: Button wording for moving a ticket to a status (verbs, not the status names).
ACTION = {
    Status.ACKNOWLEDGED: _l("Accept the job"),
    Status.ON_THE_WAY: _l("I'm on my way"),
    Status.ON_SITE: _l("I'm on site"),
    Status.IN_PROGRESS: _l("Work remotely"),
    Status.WAITING_PARTS: _l("Wait for parts"),
    Status.WAITING_CUSTOMER: _l("Wait for the customer"),
    Status.RESOLVED: _l("Resolve remotely"),
    Status.CLOSED: _l("Close"),
}


def action_label(current: Status, to: Status):
    """The button for moving from `current` to `to`: what the tap does, from here."""
    if current is Status.RESOLVED and to is Status.IN_PROGRESS:
        return _l("Reopen")
    if current in (Status.WAITING_PARTS, Status.WAITING_CUSTOMER) and to is Status.IN_PROGRESS:
        return _l("Resume work remotely")
    if current is Status.ON_SITE and to is Status.RESOLVED:
        return _l("Resolve on site")
    if current is Status.ON_SITE and to is Status.IN_PROGRESS:
        return _l("Continue remotely")
    return ACTION[to]


def moved_message(start: Status, to: Status, public: bool) -> str:
    """The confirmation after a tap: the new status, and whether the requester sees it."""
    status = STATUS[to]
    if to is Status.WAITING_CUSTOMER:
        return _("Marked “%(status)s”. The requester sees what you are waiting for; "
                 "the deadlines stop until you resume.", status=status)
    text = (_("Marked “%(status)s”. The requester can see it.", status=status) if public
            else _("Marked “%(status)s”. Only staff see this step.", status=status))
    if start is Status.WAITING_CUSTOMER:
        text += " " + _("The deadlines run again.")
    return text


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(STATUS_LABEL=STATUS, SEVERITY_LABEL=SEVERITY,
                                 CATEGORY_LABEL=CATEGORY, COVERAGE_LABEL=COVERAGE,
                                 WORK_TYPE_LABEL=WORK_TYPE, BILLING_LABEL=BILLING,
                                 NOTIFICATION_KIND_LABEL=NOTIFICATION_KIND,
                                 TRANSPORT_LABEL=TRANSPORT,
                                 DELIVERY_STATUS_LABEL=DELIVERY_STATUS, ROLE_LABEL=ROLE)
    app.jinja_env.globals.update(action_label=action_label, ticket_promise=ticket_promise,
                                 plan_promise=plan_promise, ticket_targets=ticket_targets,
                                 plan_targets=plan_targets)
    app.jinja_env.filters.update(status=Status, severity=Severity, category=Category,
                                 work_type=WorkType, duetime=due_time)

"""A customer's service report: the private link (no account) and the staff list of links."""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from repairapp.accounts.routes import manager_required
from repairapp.customers.models import Customer
from repairapp.extensions import db
from repairapp.pagination import paginate
from repairapp.reports.services import ZONE
from repairapp.servicereports import services
from repairapp.servicereports.forms import IssueForm
from repairapp.servicereports.models import ServiceReport

bp = Blueprint("servicereports", __name__, url_prefix="/service-report")


def _live_or_404(token: str) -> ServiceReport:
    report = services.by_token(token)
    if report is None:
        abort(404)
    return report


def _private(response):
    """Only whoever holds the link: never indexed, never passed on as a referrer."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/<token>")
def view(token: str):
    """The customer's report as a page, in the visitor's language."""
    from repairapp.reports import customer

    report = _live_or_404(token)
    content = customer.build(report.customer_id, report.period_start, report.period_end)
    return _private(make_response(render_template(
        "reports/customer.html", report=content, public=True,
        pdf_url=url_for(".pdf", token=token, lang=str(get_locale())))))


@bp.get("/<token>/report.pdf")
def pdf(token: str):
    """The same report as a PDF: the page's language (?lang=) or the customer's."""
    report = _live_or_404(token)
    locale = request.args.get("lang", "")
    if locale not in services.LOCALES:
        locale = report.customer.report_locale if report.customer.report_locale \
            in services.LOCALES else "zh"
    _content, data = services.render(report, locale)
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = \
        f'inline; filename="{services.pdf_filename(report)}"'
    return _private(response)


def _quarter() -> tuple[str, tuple]:
    """The quarter asked for (?quarter=2026-Q3), else the last full one."""
    asked = request.args.get("quarter", "")
    try:
        period = services.parse_quarter(asked)
    except ValueError:
        period = services.last_quarter(datetime.now(ZoneInfo(ZONE)).date())
    return services.quarter_name(period[0]), period


@bp.get("/")
@manager_required
def index():
    """Every customer's report for a quarter: recipients, link, sent or not."""
    name, (start, end) = _quarter()
    rows = paginate(sa.select(Customer).where(Customer.is_archived.is_(False))
                    .order_by(Customer.name))
    reports = {r.customer_id: r for r in db.session.scalars(sa.select(ServiceReport).where(
        ServiceReport.customer_id.in_([c.id for c in rows.items]),
        ServiceReport.period_start == start, ServiceReport.period_end == end))}
    rows.items = [(c, reports.get(c.id), services.recipients(c)) for c in rows.items]
    return render_template(
        "servicereports/index.html", rows=rows, quarter=name, start=start, end=end,
        quarters=_recent_quarters(), period=services.period_label(start, end),
        issue_form=IssueForm(formdata=None))


def _recent_quarters(count: int = 8) -> list[str]:
    start, _end = services.last_quarter(datetime.now(ZoneInfo(ZONE)).date())
    names = []
    for _i in range(count):
        names.append(services.quarter_name(start))
        start = services.last_quarter(start)[0]
    return names


@bp.post("/issue")
@manager_required
def issue():
    form = IssueForm()
    if not form.validate_on_submit():  # hidden fields: only a forged or stale post fails
        abort(400)
    customer = db.get_or_404(Customer, form.customer.data)
    start, end = services.parse_quarter(form.quarter.data)
    services.issue(customer.id, start, end)
    flash(_("Link created for %(customer)s.", customer=customer.name))
    return redirect(url_for(".index", quarter=form.quarter.data))


def _change(report_id: int, act, message: str):
    report = db.get_or_404(ServiceReport, report_id)
    act(report)
    db.session.commit()
    flash(message % {"customer": report.customer.name})
    return redirect(url_for(".index", quarter=services.quarter_name(report.period_start)))


@bp.post("/<int:report_id>/revoke")
@manager_required
def revoke(report_id: int):
    return _change(report_id, services.revoke,
                   _("The link for %(customer)s no longer opens.", customer="%(customer)s"))


@bp.post("/<int:report_id>/renew")
@manager_required
def renew(report_id: int):
    return _change(report_id, services.renew,
                   _("New link for %(customer)s; the old one no longer opens.",
                     customer="%(customer)s"))

"""/reports/customer: staff preview of a customer's service report, and its PDF (admins and
managers, GET only). The customer's own link to it is servicereports'."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from repairapp.accounts.routes import manager_required
from repairapp.i18n import LANGUAGES
from repairapp.reports import customer
from repairapp.reports.customer_pdf import render_pdf
from repairapp.reports.forms import ReportForm
from repairapp.reports.routes import bp
from repairapp.reports.services import ZONE


def _chosen() -> tuple[ReportForm, customer.CustomerReport | None, int]:
    """The customer and period from the query string (by default the last full quarter),
    the report if a customer is chosen and the input is valid, and the page's status."""
    form = ReportForm(request.args or None)
    if not request.args:
        form.period.data = "last_quarter"
    elif not form.validate():
        return form, None, 422
    flt = form.filters(datetime.now(ZoneInfo(ZONE)).date())
    if not flt.customer_id:
        return form, None, 200
    return form, customer.build(flt.customer_id, flt.start, flt.end), 200


def _args(**more) -> dict:
    """The chosen customer and period, as a query string for the PDF links."""
    args = {k: v for k, v in request.args.items() if k in ("customer", "period", "start", "end")}
    return {**args, **more}


@bp.get("/customer")
@manager_required
def customer_report():
    form, report, status = _chosen()
    here = get_locale().language
    pdfs = {code: url_for(".customer_pdf", **_args(lang=code)) for code in LANGUAGES}
    return render_template("reports/customer.html", report=report, form=form, public=False,
                           pdf_url=pdfs.pop(here, None),
                           other_pdfs=pdfs), status


@bp.get("/customer.pdf")
@manager_required
def customer_pdf():
    """The PDF in ?lang= (zh or en; else the page's language)."""
    form, report, status = _chosen()
    if report is None:
        if status == 200:
            form.customer.errors = [*form.customer.errors, _l("Choose a customer.")]
        return render_template("reports/customer.html", report=None, form=form,
                               public=False), 422
    lang = request.args.get("lang")
    locale = lang if lang in LANGUAGES else get_locale().language
    name = f"service-report-{report.customer_id}-{report.start}-{report.end}-{locale}.pdf"
    return Response(render_pdf(report, locale=locale), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

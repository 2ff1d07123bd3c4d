"""A contract's money next to its page: recording a payment, the renewal quote (page, PDF).

The blueprint shares the /contracts prefix: these pages belong to a contract."""

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from repairapp.accounts.routes import admin_required, manager_required
from repairapp.billing.forms import PaymentForm
from repairapp.billing.money import yuan
from repairapp.billing.pdf import render_pdf
from repairapp.billing.renewals import renewal_quote, today
from repairapp.billing.services import record_payment
from repairapp.billing.words import STEP, fee_basis, gap_rule, payment_state
from repairapp.contracts.models import Contract
from repairapp.contracts.routes import contract_page
from repairapp.extensions import db
from repairapp.i18n import LANGUAGES

bp = Blueprint("billing", __name__, url_prefix="/contracts")
bp.add_app_template_filter(yuan, "yuan")
for _name, _value in {"fee_basis": fee_basis, "payment_state": payment_state,
                      "gap_rule": gap_rule, "RENEWAL_STEP": STEP}.items():
    bp.add_app_template_global(_value, _name)


@bp.post("/<int:contract_id>/payment")
@admin_required
def payment(contract_id: int):
    contract = db.get_or_404(Contract, contract_id)
    form = PaymentForm()
    if form.validate_on_submit():
        record_payment(contract, form.paid_on.data, form.payment_reference.data or "")
        db.session.commit()
        flash(_("Payment recorded.") if contract.paid_on else _("Marked as unpaid."))
        return redirect(url_for("contracts.edit", contract_id=contract.id))
    return contract_page(contract, payment_form=form)


def _quote(contract_id: int):
    contract = db.get_or_404(Contract, contract_id)
    return renewal_quote(contract, today(), current_app.config["TAX_RATE_PERCENT"])


@bp.get("/<int:contract_id>/renewal")
@manager_required
def renewal(contract_id: int):
    quote = _quote(contract_id)
    here = get_locale().language
    pdfs = {code: url_for(".renewal_pdf", contract_id=contract_id, lang=code)
            for code in LANGUAGES}
    return render_template("billing/renewal.html", quote=quote, pdf_url=pdfs.pop(here, None),
                           other_pdfs=pdfs)


@bp.get("/<int:contract_id>/renewal.pdf")
@manager_required
def renewal_pdf(contract_id: int):
    """The quote as a PDF in ?lang= (zh or en; else the page's language)."""
    quote = _quote(contract_id)
    lang = request.args.get("lang")
    locale = lang if lang in LANGUAGES else get_locale().language
    name = f"renewal-{quote.contract.id}-{quote.start:%Y%m%d}-{locale}.pdf"
    return Response(render_pdf(quote, locale=locale), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

"""Contract money in words, in the active language: one wording for the contract page, the
renewal quote page, its PDF and the renewal notice."""

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from repairapp.billing.fees import Gap, pro_rata
from repairapp.billing.money import yuan
from repairapp.billing.renewals import DOWN, SAME, UP, Option, RenewalQuote
from repairapp.contracts.models import Contract, ServicePlan

STEP = {SAME: _l("Same plan"), UP: _l("One tier up"), DOWN: _l("One tier down")}


def fee_basis(plan: ServicePlan) -> str:
    """How the plan's annual fee is set: "8% of the contract amount a year", or fixed."""
    if plan.fee_rate_percent is not None:
        return _("%(rate)s%% of the contract amount a year", rate=_percent(plan.fee_rate_percent))
    if plan.fee_annual is not None:
        return _("fixed, %(amount)s a year", amount=yuan(plan.fee_annual))
    return _("no fee on record")


def _percent(rate: Decimal) -> str:
    """8.00 -> "8", 8.50 -> "8.5"."""
    text = f"{rate:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def payment_state(contract: Contract) -> str:
    if contract.paid_on is None:
        return _("Unpaid")
    if contract.payment_reference:
        return _("Paid on %(date)s, reference %(reference)s", date=contract.paid_on.isoformat(),
                 reference=contract.payment_reference)
    return _("Paid on %(date)s", date=contract.paid_on.isoformat())


def gap_rule(gap: Gap, annual: Decimal | None = None) -> str:
    """The back-payment rule (断保补费), with the days it covers."""
    text = _("Back-payment for the lapse: coverage must be paid from the day after the "
             "warranty or the previous contract ended, %(start)s, to the day before the new "
             "term starts, %(end)s: %(days)s days at the annual fee / 365 per day.",
             start=gap.start.isoformat(), end=gap.end.isoformat(), days=gap.days)
    if annual is not None:
        text += " " + _("At %(annual)s a year: %(amount)s.", annual=yuan(annual),
                        amount=yuan(pro_rata(annual, gap.start, gap.end)))
    return text


def option_line(option: Option, tax_percent: Decimal) -> str:
    """"Same plan, 16h site: 10,240.00 (tax 579.62 included)" for lists and emails."""
    name = f"{STEP[option.step]} · {option.plan.name}"
    if option.price is None:
        return _("%(plan)s: price on request", plan=name)
    if option.price.back_payment:
        return _("%(plan)s: %(total)s in all (term %(term)s + back-payment %(back)s), "
                 "tax %(tax)s included", plan=name, total=yuan(option.price.total),
                 term=yuan(option.price.term), back=yuan(option.price.back_payment),
                 tax=yuan(option.price.tax(tax_percent)))
    return _("%(plan)s: %(total)s, tax %(tax)s included", plan=name,
             total=yuan(option.price.total), tax=yuan(option.price.tax(tax_percent)))


def quote_summary(quote: RenewalQuote) -> list[str]:
    """The quote in a few lines: the next term, each option, the back-payment rule."""
    lines = [_("Next term: %(start)s to %(end)s", start=quote.start.isoformat(),
               end=quote.end.isoformat())]
    lines += ["- " + option_line(option, quote.tax_percent) for option in quote.options]
    if quote.gap:
        lines.append(gap_rule(quote.gap))
    if quote.contract.plan.is_pay_first:
        lines.append(_("Pay first, then service: the new term is covered once its fee is "
                       "paid."))
    return lines

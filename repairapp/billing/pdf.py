"""The renewal quote as an A4 PDF (reportlab platypus) in Chinese or English, with the CJK
TrueType font of the labels embedded."""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from repairapp import pdfdoc
from repairapp.billing.money import yuan
from repairapp.billing.renewals import RenewalQuote
from repairapp.billing.words import STEP, fee_basis, gap_rule
from repairapp.labels.pdf import cjk_font
from repairapp.pdfdoc import para as _p

MARGIN = 18 * mm
#: Option, plan, annual fee, term, back-payment, total, tax contained (mm).
OPTION_COLUMNS = (20, 42, 22, 22, 22, 24, 22)


def render_pdf(quote: RenewalQuote, *, locale: str) -> bytes:
    """The quote as PDF bytes in `locale` ("zh" or "en")."""
    with force_locale(locale):
        styles = _styles(cjk_font(), locale)
        title = _("Renewal quote %(number)s", number=quote.contract.number)
        story = _head(quote, title, styles) + _options(quote, styles) + _notes(quote, styles)
        return pdfdoc.build(story, font=styles["font"], locale=locale, title=title,
                            author=current_app.config["VENDOR_NAME"], margin=MARGIN)


def _styles(font: str, locale: str) -> dict:
    return pdfdoc.styles(font, locale, leading=1.4, title={"fontSize": 17, "spaceAfter": 3 * mm},
                         h2={"spaceAfter": 2 * mm}, body={"spaceAfter": 1.5 * mm},
                         cell={"fontSize": 8.5})


def _table(rows, widths, styles, head: bool) -> Table:
    """A grid; shaded: the header row, or (a list of facts) the first column."""
    shaded = pdfdoc.HEADER_ROW if head else pdfdoc.FIRST_COLUMN
    return pdfdoc.grid(rows, widths, styles["font"], shaded=[shaded])


def _head(quote: RenewalQuote, title: str, styles: dict) -> list:
    config, contract = current_app.config, quote.contract
    facts = [
        (_("Customer"), contract.customer.name),
        (_("Contract"), contract.number),
        (_("Service plan"), contract.plan.name),
        (_("Current term"), _("%(start)s to %(end)s", start=contract.start_date.isoformat(),
                               end=contract.end_date.isoformat())),
        (_("Contract amount"), yuan(contract.amount)),
        (_("Annual fee"), fee_basis(contract.plan)),
        (_("Next term"), _("%(start)s to %(end)s", start=quote.start.isoformat(),
                           end=quote.end.isoformat())),
        (_("Quoted on"), quote.quoted_on.isoformat()),
    ]
    rows = [[_p(label, styles["cell"]), _p(value, styles["cell"])] for label, value in facts]
    return [_p(config["VENDOR_NAME"], styles["body"]), _p(title, styles["title"]),
            _table(rows, (40, 134), styles, head=False)]


def _options(quote: RenewalQuote, styles: dict) -> list:
    header = [_("Option"), _("Service plan"), _("Annual fee"), _("Term fee"),
              _("Back-payment"), _("Total"), _("Tax contained")]
    rows = [[_p(h, styles["cell"]) for h in header]]
    for option in quote.options:
        price = option.price
        amounts = [_("price on request")] + [""] * 4 if price is None else [
            yuan(price.annual), yuan(price.term), yuan(price.back_payment), yuan(price.total),
            yuan(price.tax(quote.tax_percent))]
        rows.append([_p(v, styles["cell"]) for v in [str(STEP[option.step]), option.plan.name,
                                                     *amounts]])
    return [_p(_("Prices for the next term"), styles["h2"]),
            _table(rows, OPTION_COLUMNS, styles, head=True)]


def _notes(quote: RenewalQuote, styles: dict) -> list:
    config = current_app.config
    notes = []
    if quote.gap:
        notes.append(_p(gap_rule(quote.gap), styles["body"]))
    if quote.contract.plan.is_pay_first:
        notes.append(_p(_("Pay first, then service: the new term is covered once its fee is "
                          "paid."), styles["body"]))
    notes.append(_p(_("All amounts in yuan (¥) include %(tax)s%% tax. The fee of a term is "
                      "its whole years at the annual fee plus each further day at the annual "
                      "fee / 365.", tax=quote.tax_percent), styles["body"]))
    notes.append(_p(_("Questions: %(vendor)s %(hotline)s", vendor=config["VENDOR_NAME"],
                      hotline=config["VENDOR_HOTLINE"]), styles["note"]))
    return [Spacer(1, 3 * mm), *notes]

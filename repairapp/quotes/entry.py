"""The quote form's entries as priced lines: fees and person-days at the configured prices,
travel costs as entered, parts at their catalogue price."""

from decimal import Decimal

from flask_babel import gettext as _

from repairapp.billing.money import to_fen
from repairapp.billing.work import Terms
from repairapp.parts.services import find
from repairapp.quotes.forms import QuoteForm
from repairapp.quotes.models import LineKind
from repairapp.quotes.services import Line, on_site_lines

ONE = Decimal(1)


def lines_from(form: QuoteForm, terms: Terms) -> list[Line]:
    """The lines the form asks for; a wrong row gets a message on its field (and no line is
    returned then, nor when the form asks for nothing)."""
    lines = _fees(form, terms) + _travel(form) + _parts(form)
    if form.errors or any(row.errors for row in (*form.travel, *form.parts)):
        return []
    if not lines:
        form.form_errors.append(_("The quote is empty: choose a fee, days on site, travel "
                                  "costs or parts."))
    return lines


def _fees(form: QuoteForm, terms: Terms) -> list[Line]:
    lines = {"remote": [Line(LineKind.REMOTE_FEE, "", ONE, terms.remote)],
             "visit": [Line(LineKind.VISIT_FEE, "", ONE, terms.visit)]}.get(form.service.data, [])
    first, last = form.first_day.data, form.last_day.data
    if first and last:
        lines += on_site_lines(terms, first, last, form.engineers.data, form.travel_days.data)
    elif form.travel_days.data:
        form.travel_days.errors.append(_("Travel days go with days on site: give those too."))
    return lines


def _travel(form: QuoteForm) -> list[Line]:
    lines = []
    for row in form.travel:
        item, amount = (row.item.data or "").strip(), row.amount.data
        if not item and amount is None:
            continue
        if not item or not amount:
            (row.item if not item else row.amount).errors.append(
                _("Say what the cost was and how much."))
            continue
        lines.append(Line(LineKind.TRAVEL_COST, item, ONE, to_fen(amount)))
    return lines


def _parts(form: QuoteForm) -> list[Line]:
    lines = []
    for row in form.parts:
        text = (row.item.data or "").strip()
        if not text:
            continue
        part = find(text)
        if part is None:
            row.item.errors.append(_("%(text)s is not in the parts catalogue.", text=text))
            continue
        lines.append(Line(LineKind.PART, part.name, Decimal(row.quantity.data or 1), part.price,
                          part.id))
    return lines

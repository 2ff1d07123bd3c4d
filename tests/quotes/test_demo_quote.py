"""The demo shows a chargeable repair done to an approved quote, and a parts catalogue."""

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

import factories as f
from repairapp.extensions import db
from repairapp.parts.models import Part
from repairapp.quotes.models import Quote, QuoteStatus
from repairapp.tickets.models import Status, Ticket


def test_demo_has_a_closed_chargeable_ticket_billed_from_its_approved_quote(demo):
    """Visit 2 days + 2 travel days at 2,000 + train 356.40 + belt 45.00 = 8,401.40, the
    default 6 % VAT contained 8,401.40 × 6 / 106 = 475.55; billed the same."""
    demo()
    assert f.count(Part) == 4
    quote = db.session.scalar(sa.select(Quote))
    ticket = db.session.get(Ticket, quote.ticket_id)
    assert quote.status is QuoteStatus.APPROVED and quote.decided_by_name == "周工"
    assert (quote.total, quote.tax) == (Decimal("8401.40"), Decimal("475.55"))
    assert ticket.is_chargeable and ticket.status is Status.CLOSED
    assert sum(i.amount for i in ticket.billable_items) == quote.total
    assert quote.decided_at - quote.sent_at == timedelta(hours=17)
    assert ticket.paused_at is None

"""What the staff and requester pages show of a ticket's quotes (read-only)."""

from repairapp.contracts.models import CoverageState
from repairapp.quotes import services
from repairapp.quotes.forms import ApproveForm, DeclineForm
from repairapp.quotes.models import QuoteStatus
from repairapp.tickets.models import Ticket

#: Coverage a not-quality finding applies to: the warranty, and a service contract (which
#: does not cover misuse either).
COVERED = (CoverageState.WARRANTY, CoverageState.CONTRACT)


def may_mark_not_quality(ticket: Ticket) -> bool:
    return (ticket.is_open and not ticket.is_chargeable and ticket.coverage_state in COVERED
            and services.finding_of(ticket) is None)


def staff_card(ticket: Ticket) -> dict:
    """The ticket page's quote card: every version, the finding, what may be done next."""
    quotes = services.quotes_of(ticket)
    return {"quotes": quotes, "finding": services.finding_of(ticket),
            "may_quote": services.may_quote(ticket),
            "may_mark": may_mark_not_quality(ticket),
            "needs_quote": ticket.is_open and services.may_quote(ticket) and not any(
                q.status is QuoteStatus.APPROVED for q in quotes)}


def for_requester(ticket: Ticket, approve_form=None, decline_form=None) -> dict:
    """The tracking page's part: the latest quote sent (never a draft), the finding, and the
    forms to answer a quote that waits for them."""
    sent = [q for q in services.quotes_of(ticket) if q.status is not QuoteStatus.DRAFT]
    quote = sent[-1] if sent else None
    waiting = quote is not None and quote.status is QuoteStatus.SENT and ticket.is_open
    return {"quote": quote, "finding": services.finding_of(ticket),
            "approve_form": approve_form or ApproveForm(formdata=None,
                                                        quote=quote.id if quote else ""),
            "decline_form": decline_form or DeclineForm(formdata=None,
                                                        quote=quote.id if quote else ""),
            "quote_waiting": waiting}

"""Quotes: prepared by staff, sent to the requester (the clock waits), approved or declined
on the tracking page; and the not-a-quality-fault finding that makes covered work need one.

Money is Decimal: each line's amount is quantity × unit price rounded half up to the fen,
the total is the sum of the amounts, and the tax is shown as contained in the total.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from repairapp.accounts.models import User
from repairapp.billing.money import tax_contained, to_fen
from repairapp.billing.work import Terms
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.quotes.models import (
    LineKind,
    NotQualityFault,
    NotQualityReason,
    Quote,
    QuoteLine,
    QuoteStatus,
)
from repairapp.tickets.models import BillableItem, EventKind, Status, Ticket
from repairapp.tickets.photos import Photo
from repairapp.tickets.services import attach_photos
from repairapp.tickets.workflow import (
    Actor,
    TransitionError,
    actor_for,
    change_status,
    record,
    require_open,
)

#: Where approval may resume the work; from anywhere else (accepted, not yet started) the
#: work resumes "in progress", and the technician moves on from there.
RESUMABLE = (Status.ON_THE_WAY, Status.ON_SITE, Status.IN_PROGRESS, Status.WAITING_PARTS)
#: The kinds billed as the work log's kinds were (the labels and reports know them).
BILLED_AS = {LineKind.REMOTE_FEE: "remote", LineKind.VISIT_FEE: "visit"}


class NotAllowed(PermissionError):
    """This user has no part in this ticket."""


class QuoteClosed(ValueError):
    """The quote was already answered (a second tap, another tab) or replaced."""


class NothingToQuote(ValueError):
    """A quote needs at least one line."""


@dataclass(frozen=True)
class Line:
    """One line as entered, before it is priced into a QuoteLine."""

    kind: LineKind
    description: str
    quantity: Decimal
    unit_price: Decimal
    part_id: int | None = None

    @property
    def amount(self) -> Decimal:
        return to_fen(self.quantity * self.unit_price)


def person_days(first: date, last: date, engineers: int) -> int:
    """Calendar days on site, first and last included, × engineers: Monday to Wednesday with
    two engineers is 6 person-days, however few hours each day had."""
    if last < first or engineers < 1:
        raise ValueError("the last day is before the first, or nobody went")
    return ((last - first).days + 1) * engineers


def on_site_lines(terms: Terms, first: date, last: date, engineers: int,
                  travel_days: int) -> list[Line]:
    """Person-days on site and, at the same price, the days travelling there and back."""
    days = f"{first.isoformat()} – {last.isoformat()} × {engineers}"
    lines = [Line(LineKind.PERSON_DAY, days, Decimal(person_days(first, last, engineers)),
                  terms.person_day)]
    if travel_days:
        lines.append(Line(LineKind.TRAVEL_DAY, f"{travel_days} × {engineers}",
                          Decimal(travel_days * engineers), terms.person_day))
    return lines


def totals(lines, tax_percent: Decimal) -> tuple[Decimal, Decimal]:
    """(total, tax contained) of lines with an `amount`."""
    total = sum((line.amount for line in lines), Decimal("0.00"))
    return total, tax_contained(total, tax_percent)


def quotes_of(ticket: Ticket) -> list[Quote]:
    return list(db.session.scalars(sa.select(Quote).where(Quote.ticket_id == ticket.id)
                                   .order_by(Quote.version)))


def open_quote(ticket: Ticket) -> Quote | None:
    """The draft being prepared or the quote waiting for the requester, if any."""
    return next((q for q in quotes_of(ticket)
                 if q.status in (QuoteStatus.DRAFT, QuoteStatus.SENT)), None)


def approved_quote(ticket: Ticket) -> Quote | None:
    """The latest approved version: what the work is billed from."""
    return next((q for q in reversed(quotes_of(ticket))
                 if q.status is QuoteStatus.APPROVED), None)


def finding_of(ticket: Ticket) -> NotQualityFault | None:
    return db.session.scalar(sa.select(NotQualityFault)
                             .where(NotQualityFault.ticket_id == ticket.id))


def may_quote(ticket: Ticket) -> bool:
    """Chargeable work, or covered work found not to be a quality fault, on an open ticket."""
    return ticket.is_open and (ticket.is_chargeable or finding_of(ticket) is not None)


def _staff(user: User, ticket: Ticket) -> Actor:
    actor = actor_for(user, ticket)
    if actor is None:
        raise NotAllowed(f"user {user.id} on ticket {ticket.id}")
    return actor


def save_draft(ticket: Ticket, by: User, lines: list[Line], tax_percent: Decimal) -> Quote:
    """Put these lines in the ticket's draft (a new version if there is none)."""
    _staff(by, ticket)
    if not may_quote(ticket):
        raise TransitionError(f"ticket {ticket.id} needs no quote")
    if not lines:
        raise NothingToQuote()
    quote = open_quote(ticket)
    if quote is not None and quote.status is not QuoteStatus.DRAFT:
        raise QuoteClosed(f"quote {quote.id} is with the requester")
    if quote is None:
        version = max((q.version for q in quotes_of(ticket)), default=0) + 1
        quote = Quote(ticket=ticket, version=version, created_by=by)
        db.session.add(quote)
    quote.tax_percent = tax_percent
    quote.lines = [QuoteLine(kind=line.kind, description=line.description,
                             quantity=line.quantity, unit_price=line.unit_price,
                             amount=line.amount, part_id=line.part_id) for line in lines]
    quote.total, quote.tax = totals(lines, tax_percent)
    db.session.flush()
    return quote


def _for_requester(ticket: Ticket, text) -> str:
    """`text()` in the requester's language (it is stored, and shown to them)."""
    with force_locale(ticket.requester_locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return text()


def send(quote: Quote, by: User, now: datetime | None = None) -> None:
    """Send the draft to the requester: the ticket waits for the customer (the clock
    stops) with a public note asking for their approval."""
    ticket = quote.ticket
    actor = _staff(by, ticket)
    require_open(ticket)
    if quote.status is not QuoteStatus.DRAFT:
        raise QuoteClosed(f"quote {quote.id} is {quote.status.value}")
    now = now or utcnow()
    if ticket.status is Status.NEW:  # the price is the first answer the requester gets
        change_status(ticket, Status.ACKNOWLEDGED, actor, user=by, now=now)
    quote.resumes_to = ticket.status.value
    quote.status, quote.sent_at = QuoteStatus.SENT, now
    note = _for_requester(ticket, lambda: _(
        "your approval of quote %(number)s: ¥%(total)s including tax", number=quote.number,
        total=f"{quote.total:,}"))
    change_status(ticket, Status.WAITING_CUSTOMER, actor, user=by, note=note, now=now)
    record(ticket, EventKind.QUOTE, by, from_value=quote.number,
           to_value=QuoteStatus.SENT.value, public=True, now=now)
    db.session.flush()


def _require_open(ticket: Ticket) -> None:
    if not ticket.is_open:  # resolved or closed by staff meanwhile: nothing left to answer
        raise QuoteClosed(f"ticket {ticket.id} is {ticket.status.value}")


def _claim(ticket: Ticket, quote_id: int, values: dict) -> Quote:
    """Answer a sent quote exactly once: one conditional UPDATE, so a second tap or another
    tab finds it answered already (on PostgreSQL the second waits for the first, then
    matches no row)."""
    done = db.session.execute(
        sa.update(Quote).where(Quote.id == quote_id, Quote.ticket_id == ticket.id,
                               Quote.status == QuoteStatus.SENT)
        .values(**values).execution_options(synchronize_session="fetch"))
    if done.rowcount != 1:
        raise QuoteClosed(f"quote {quote_id} is no longer waiting")
    quote = db.session.get(Quote, quote_id)
    db.session.refresh(quote)
    return quote


def approve(ticket: Ticket, quote_id: int, name: str, now: datetime | None = None) -> Quote:
    """The requester approves, giving their name: recorded with the time; work not covered
    becomes chargeable; the clock runs again and the work resumes where it stood."""
    if not name.strip():
        raise ValueError("the requester's name is required")
    _require_open(ticket)
    now = now or utcnow()
    quote = _claim(ticket, quote_id, {"status": QuoteStatus.APPROVED, "decided_at": now,
                                      "decided_by_name": name.strip()})
    ticket.is_chargeable = True  # a not-quality fault under warranty: from now on
    record(ticket, EventKind.QUOTE, None, actor_name=quote.decided_by_name,
           from_value=quote.number, to_value=QuoteStatus.APPROVED.value, public=True, now=now)
    if ticket.status is Status.WAITING_CUSTOMER:
        start = Status(quote.resumes_to) if quote.resumes_to else Status.IN_PROGRESS
        change_status(ticket, start if start in RESUMABLE else Status.IN_PROGRESS,
                      Actor.REQUESTER, actor_name=quote.decided_by_name, now=now)
    db.session.flush()
    return quote


def decline(ticket: Ticket, quote_id: int, reason: str, now: datetime | None = None) -> Quote:
    """The requester declines, saying why: the ticket closes with their reason, and no work
    is billed."""
    if not reason.strip():
        raise ValueError("a reason is required")
    _require_open(ticket)
    now = now or utcnow()
    quote = _claim(ticket, quote_id, {"status": QuoteStatus.DECLINED, "decided_at": now,
                                      "decided_by_name": ticket.requester_name,
                                      "decline_reason": reason.strip()})
    record(ticket, EventKind.QUOTE, None, actor_name=ticket.requester_name,
           from_value=quote.number, to_value=QuoteStatus.DECLINED.value, note=reason.strip(),
           public=True, now=now)
    change_status(ticket, Status.CLOSED, Actor.REQUESTER, actor_name=ticket.requester_name,
                  now=now)
    ticket.billable_items = []
    db.session.flush()
    return quote


def billable_items(ticket: Ticket) -> list[BillableItem] | None:
    """A quoted ticket bills its latest approved quote, line for line; None if unquoted.
    Work logged beyond the quote is not billed: more work is quoted again first."""
    quote = approved_quote(ticket)
    if quote is None:
        return None
    return [BillableItem(kind=BILLED_AS.get(line.kind, line.kind.value),
                         description=line.description, quantity=line.quantity,
                         unit_price=line.unit_price, amount=line.amount)
            for line in quote.lines]


def mark_not_quality(ticket: Ticket, by: User, *, reason: NotQualityReason, note: str,
                     photos: list[Photo]) -> NotQualityFault:
    """A covered ticket's fault is not a quality fault: said with a reason and photos, shown
    to the requester; the work needs a quote, chargeable once approved."""
    _staff(by, ticket)
    require_open(ticket)
    if ticket.is_chargeable or finding_of(ticket) is not None:
        raise TransitionError(f"ticket {ticket.id} is chargeable already")
    if not photos or not note.strip():
        raise ValueError("a photo and what was found are required")
    event = record(ticket, EventKind.NOT_QUALITY, by, to_value=reason.value, note=note.strip(),
                   public=True)
    attach_photos(ticket, photos, event)
    finding = NotQualityFault(ticket=ticket, reason=reason, note=note.strip(), created_by=by,
                              event=event)
    db.session.add(finding)
    db.session.flush()
    return finding


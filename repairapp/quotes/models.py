"""Quotes for chargeable work, and faults found not to be quality faults."""

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from repairapp.accounts.models import User
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.parts.models import Part
from repairapp.tickets.models import Ticket, TicketEvent


class QuoteStatus(enum.Enum):
    DRAFT = "draft"
    #: With the requester: the ticket waits for the customer, the clock stops.
    SENT = "sent"
    APPROVED = "approved"
    #: The ticket closed with the requester's reason; nothing is billed.
    DECLINED = "declined"


class LineKind(enum.Enum):
    REMOTE_FEE = "remote_fee"
    VISIT_FEE = "visit_fee"
    #: Calendar days on site × engineers.
    PERSON_DAY = "person_day"
    #: Days travelling there and back, charged as person-days (往返在途也收取人工天费用).
    TRAVEL_DAY = "travel_day"
    #: Tickets, hotels…: at cost, the amount entered.
    TRAVEL_COST = "travel_cost"
    PART = "part"


class NotQualityReason(enum.Enum):
    MISUSE = "misuse"
    THIRD_PARTY = "third_party"
    POWER_ENVIRONMENT = "power_environment"
    OTHER = "other"


def _enum(cls):
    return sa.Enum(cls, native_enum=False, length=20)


class Quote(db.Model):
    """One version of the price of a ticket's chargeable work, as the requester sees it."""

    __tablename__ = "quotes"
    __table_args__ = (sa.UniqueConstraint("ticket_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    #: 1, 2, … per ticket: a later version (more work found) replaces the approved one.
    version: Mapped[int]
    status: Mapped[QuoteStatus] = mapped_column(_enum(QuoteStatus), default=QuoteStatus.DRAFT)
    #: Tax-included total, the sum of the lines' amounts.
    total: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2), default=Decimal("0.00"))
    #: The VAT rate the prices include, as it stood when the quote was made.
    tax_percent: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    #: The tax contained in `total`: total × r / (100 + r), half up to the fen.
    tax: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2), default=Decimal("0.00"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    #: The ticket's status when the quote was sent: approval resumes the work there.
    resumes_to: Mapped[str] = mapped_column(sa.String(20), default="")
    decided_at: Mapped[datetime | None]
    #: The name the requester typed to approve or decline.
    decided_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    decline_reason: Mapped[str] = mapped_column(sa.Text, default="")

    ticket: Mapped[Ticket] = relationship()
    created_by: Mapped[User] = relationship()
    lines: Mapped[list["QuoteLine"]] = relationship(order_by="QuoteLine.id",
                                                    cascade="all, delete-orphan")

    @property
    def number(self) -> str:
        """E.g. "R000123-2": the ticket's number and the version."""
        return f"{self.ticket.number}-{self.version}"


class QuoteLine(db.Model):
    """One priced line: quantity × unit price, the amount half up to the fen."""

    __tablename__ = "quote_lines"
    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(sa.ForeignKey("quotes.id"), index=True)
    kind: Mapped[LineKind] = mapped_column(_enum(LineKind))
    #: Detail shown after the kind: days and engineers, what a travel cost was, a part's name.
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    quantity: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    #: Tax included.
    unit_price: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    #: The catalogue part a part line was priced from (its price then is `unit_price`).
    part_id: Mapped[int | None] = mapped_column(sa.ForeignKey("parts.id"))

    part: Mapped[Part | None] = relationship()


class NotQualityFault(db.Model):
    """A technician's finding that a covered ticket's fault is not a quality fault (misuse,
    third-party parts…): the work needs a quote, and is chargeable once it is approved."""

    __tablename__ = "not_quality_faults"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), unique=True)
    reason: Mapped[NotQualityReason] = mapped_column(_enum(NotQualityReason))
    #: What was found, in words the requester reads on the tracking page.
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The ticket event the photos hang on.
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket_events.id"))

    ticket: Mapped[Ticket] = relationship()
    created_by: Mapped[User] = relationship()
    event: Mapped[TicketEvent] = relationship()

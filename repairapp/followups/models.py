"""Follow-up tasks (回访) for the service desk, and complaints."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from repairapp.db import utcnow
from repairapp.extensions import db


def _enum(cls):
    return sa.Enum(cls, native_enum=False, length=20)


class FollowUpKind(enum.Enum):
    TICKET = "ticket"              # a ticket closed: ask the requester how it went
    KEY_CUSTOMER = "key_customer"  # a key customer's periodic call, tied to no ticket


class FollowUp(db.Model):
    """One call or message the desk owes a requester or a key customer."""

    __tablename__ = "follow_ups"
    # The sweep inserts a key customer's task for a period once, whoever sweeps first.
    __table_args__ = (
        sa.UniqueConstraint("customer_id", "period"),
        # Reports (migration 0024): the follow-ups due in a period, counted from the index.
        sa.Index("ix_follow_ups_due_at_report", "due_at", "done_at", "by_requester",
                 "satisfaction", "stays_fixed", "customer_id", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FollowUpKind] = mapped_column(
        _enum(FollowUpKind))
    #: The closed ticket asked about (one task per ticket); None for a key customer's call.
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    #: A key customer's period, e.g. "2027-03" (None for a ticket's task).
    period: Mapped[str | None] = mapped_column(sa.String(7))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime] = mapped_column(index=True)
    done_at: Mapped[datetime | None]
    #: Who made the call; None with `by_requester` (they rated through the tracking link).
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    by_requester: Mapped[bool] = mapped_column(default=False)
    #: "call" or "message"; empty when the requester rated by themselves.
    method: Mapped[str] = mapped_column(sa.String(10), default="")
    satisfaction: Mapped[int | None]
    #: Whether the repair has held since (ticket tasks only).
    stays_fixed: Mapped[bool | None]
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    ticket = relationship("Ticket")
    customer = relationship("Customer")
    done_by = relationship("User")

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ComplaintSource(enum.Enum):
    TRACKING = "tracking"  # the requester, from their tracking page
    STAFF = "staff"        # logged by staff for a caller


class ComplaintStatus(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class Complaint(db.Model):
    """A complaint: who made it, about what, who owns it, by when, and how it ended."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[ComplaintSource] = mapped_column(
        _enum(ComplaintSource))
    status: Mapped[ComplaintStatus] = mapped_column(
        _enum(ComplaintStatus),
        default=ComplaintStatus.OPEN, index=True)
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    caller_name: Mapped[str] = mapped_column(sa.String(100), default="")
    caller_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    description: Mapped[str] = mapped_column(sa.Text)
    #: The member of staff who sees it through; None until the desk picks one.
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    due_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    closed_at: Mapped[datetime | None]

    ticket = relationship("Ticket")
    customer = relationship("Customer")
    owner = relationship("User", foreign_keys=[owner_id])

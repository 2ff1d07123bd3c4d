"""Tickets, their audit trail and photos."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from repairapp.accounts.models import User
from repairapp.assets.models import Asset
from repairapp.contracts.models import (
    CoverageState,
    ServicePlan,
    Severity,
    first_uncovered_day,
)
from repairapp.customers.models import Customer
from repairapp.db import utcnow
from repairapp.extensions import db


class Status(enum.Enum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


OPEN_STATUSES = (Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS)


class Category(enum.Enum):
    """What the requester says is wrong; large tap targets on the scan page."""

    NO_POWER = "no_power"
    ERROR = "error"
    MECHANICAL = "mechanical"
    QUALITY = "quality"
    SOFTWARE = "software"
    OTHER = "other"


class EventKind(enum.Enum):
    CREATED = "created"
    STATUS = "status"
    INFO_ADDED = "info_added"


def _enum(cls, length=20):
    return sa.Enum(cls, native_enum=False, length=length)


class Ticket(db.Model):
    """A repair request, with coverage frozen as it stood when it was filed."""

    __tablename__ = "tickets"
    __table_args__ = (sa.UniqueConstraint("asset_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(sa.ForeignKey("assets.id"), index=True)
    #: Frozen: the customer owning the asset when the ticket was filed.
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.NEW, index=True)
    severity: Mapped[Severity] = mapped_column(_enum(Severity))
    category: Mapped[Category] = mapped_column(_enum(Category))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    requester_name: Mapped[str] = mapped_column(sa.String(100))
    requester_phone: Mapped[str] = mapped_column(sa.String(40))
    #: Random key from the form: a retried or double-tapped submit maps to the same ticket.
    idempotency_key: Mapped[str] = mapped_column(sa.String(64))
    #: Secret in the requester's private tracking link /t/<token>.
    tracking_token: Mapped[str] = mapped_column(sa.String(64), unique=True)

    # Coverage snapshot at filing time: what the customer was promised, never recomputed.
    coverage_state: Mapped[CoverageState] = mapped_column(_enum(CoverageState))
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_plans.id"))
    plan_name: Mapped[str] = mapped_column(sa.String(120), default="")
    contract_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contracts.id"))
    coverage_start: Mapped[date | None]
    coverage_end: Mapped[date | None]
    is_chargeable: Mapped[bool]
    response_due_at: Mapped[datetime | None]
    resolution_due_at: Mapped[datetime | None]

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    #: Optimistic lock: two staff changing the same ticket at once cannot both win.
    version: Mapped[int] = mapped_column(default=1)

    asset: Mapped[Asset] = relationship()
    customer: Mapped[Customer] = relationship()
    plan: Mapped[ServicePlan | None] = relationship()
    events: Mapped[list["TicketEvent"]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id"
    )
    photos: Mapped[list["TicketPhoto"]] = relationship(
        back_populates="ticket", order_by="TicketPhoto.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def number(self) -> str:
        return f"R{self.id:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def lapsed_on(self) -> date | None:
        return first_uncovered_day(self.coverage_state, self.coverage_end)


class TicketEvent(db.Model):
    """One change to a ticket: who, when, what, from, to."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind))
    #: Staff member who acted; None when the requester (or the system) did.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Name shown for the actor, kept even if the account is later renamed.
    actor_name: Mapped[str] = mapped_column(sa.String(100), default="")
    from_value: Mapped[str | None] = mapped_column(sa.String(40))
    to_value: Mapped[str | None] = mapped_column(sa.String(40))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    #: Shown on the requester's tracking page.
    is_public: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class TicketPhoto(db.Model):
    """A photo re-encoded as JPEG on the server (no EXIF, bounded size).

    Kept in the database so any number of stateless app servers can serve it.
    """

    __tablename__ = "ticket_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ticket_events.id"))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="photos")
    #: The event (filing, or added information) the photo came with.
    event: Mapped[TicketEvent | None] = relationship()

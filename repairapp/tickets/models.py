"""Tickets, their audit trail and photos."""

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

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
    #: Accepted by the technician: the response target is met here.
    ACKNOWLEDGED = "acknowledged"
    ON_THE_WAY = "on_the_way"
    ON_SITE = "on_site"
    #: Being worked on remotely (or again, after a reopen).
    IN_PROGRESS = "in_progress"
    WAITING_PARTS = "waiting_parts"
    WAITING_CUSTOMER = "waiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


OPEN_STATUSES = (Status.NEW, Status.ACKNOWLEDGED, Status.ON_THE_WAY, Status.ON_SITE,
                 Status.IN_PROGRESS, Status.WAITING_PARTS, Status.WAITING_CUSTOMER)


class WorkType(enum.Enum):
    REMOTE = "remote"
    ON_SITE = "on_site"


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
    ASSIGNED = "assigned"
    CHECK_IN = "check_in"
    WORK_LOGGED = "work_logged"
    SEVERITY = "severity"
    CATEGORY = "category"
    RATED = "rated"
    #: This ticket was closed as a duplicate of an earlier one (to_value: its number).
    MERGED = "merged"
    #: A later duplicate's text and photos joined this ticket (from_value: its number).
    MERGED_IN = "merged_in"
    #: A quote sent, approved or declined (to_value: its status; repairapp.quotes).
    QUOTE = "quote"
    #: Found not to be a quality fault (to_value: the reason; the photos hang on it).
    NOT_QUALITY = "not_quality"


def _enum(cls, length=20):
    return sa.Enum(cls, native_enum=False, length=length)


#: What the reports count of the tickets filed in a period, kept beside `created_at` in
#: one index (ix_tickets_created_at_report) so a report never reads the wide ticket rows.
REPORT_COLUMNS = (
    "customer_id", "asset_id", "category", "severity", "plan_id", "plan_name", "assignee_id",
    "merged_into_id", "responded_at", "resolved_at", "closed_at", "response_due_at",
    "resolution_due_at", "response_breached", "resolution_breached", "rating", "reopen_count",
    "response_working_minutes", "response_wall_minutes", "resolution_working_minutes",
    "resolution_wall_minutes", "visit_count", "id",
)
#: What a report's filters and its volume over time need beside the resolution and closing
#: times (ix_tickets_resolved_at_closed_at).
REPORT_FILTERS = ("created_at", "customer_id", "plan_id", "category", "assignee_id", "asset_id")


class Ticket(db.Model):
    """A repair request, with coverage frozen as it stood when it was filed."""

    __tablename__ = "tickets"
    __table_args__ = (
        sa.UniqueConstraint("asset_id", "idempotency_key"),
        # "My jobs": a technician's open tickets, whatever the size of the history.
        sa.Index("ix_tickets_assignee_id_status", "assignee_id", "status"),
        # "My jobs", done today / this week: a technician's latest fixes, whatever the history.
        sa.Index("ix_tickets_assignee_id_resolved_at", "assignee_id", "resolved_at"),
        # Reports (migration 0017): a period's tickets with every column a figure counts,
        # read from the index alone; and what was resolved or closed since a day.
        sa.Index("ix_tickets_created_at_report", "created_at", *REPORT_COLUMNS),
        sa.Index("ix_tickets_resolved_at_closed_at", "resolved_at", "closed_at",
                 *REPORT_FILTERS),
        # The customer's service report (migration 0024): one customer's tickets in a
        # period, from the index alone.
        sa.Index("ix_tickets_customer_id_report", "customer_id", "created_at",
                 *(c for c in REPORT_COLUMNS if c != "customer_id")),
    )

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
    #: Optional: where to tell the requester that the repair is done.
    requester_email: Mapped[str] = mapped_column(sa.String(254), default="")
    #: The language the requester filed in ("zh", "en"): their email is written in it.
    requester_locale: Mapped[str] = mapped_column(sa.String(10), default="")
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
    #: The plan's targets as they stood at filing: {"critical": [response, resolution], ...}
    #: in minutes, so a later change of severity recomputes from what was promised.
    sla_targets: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: The plan's service calendar as it stood at filing (empty: 24x7), for re-grading
    #: and for pauses.
    sla_calendar: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    response_due_at: Mapped[datetime | None]
    resolution_due_at: Mapped[datetime | None]
    #: While waiting for the customer the clock stops; the working minutes paused add up.
    paused_at: Mapped[datetime | None]
    paused_minutes: Mapped[int] = mapped_column(default=0)
    #: Recorded when a target is missed; never cleared, whatever changes later.
    response_breached: Mapped[bool] = mapped_column(default=False)
    resolution_breached: Mapped[bool] = mapped_column(default=False)

    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolution_note: Mapped[str] = mapped_column(sa.Text, default="")
    #: The requester's verdict through the tracking link: 1-5 and a comment.
    rating: Mapped[int | None]
    rating_comment: Mapped[str] = mapped_column(sa.Text, default="")
    reopen_count: Mapped[int] = mapped_column(default=0)
    #: Check-ins on site recorded (migration 0025): the first-time-fix rate counts the
    #: tickets visited at most once without reading their check-ins. Kept by
    #: _count_visits below whenever a CHECK_IN event is added through the ORM.
    visit_count: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Closed as a duplicate of this earlier ticket on the same machine; the requester's
    #: tracking link then follows that one.
    #: Indexed: every ticket page asks for the duplicates merged into it, and deleting a
    #: ticket would otherwise scan the whole table for references to it.
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id"), index=True)

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    #: How long the response and the resolution took, stored once when each happens so a
    #: report never replays calendars: in the plan's working time (pauses excluded) and on
    #: the wall clock. None until it happens.
    response_working_minutes: Mapped[int | None]
    response_wall_minutes: Mapped[int | None]
    resolution_working_minutes: Mapped[int | None]
    resolution_wall_minutes: Mapped[int | None]
    #: Optimistic lock: two staff changing the same ticket at once cannot both win.
    version: Mapped[int] = mapped_column(default=1)

    asset: Mapped[Asset] = relationship()
    customer: Mapped[Customer] = relationship()
    assignee: Mapped[User | None] = relationship()
    plan: Mapped[ServicePlan | None] = relationship()
    merged_into: Mapped["Ticket | None"] = relationship(remote_side=[id])
    events: Mapped[list["TicketEvent"]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id"
    )
    photos: Mapped[list["TicketPhoto"]] = relationship(
        back_populates="ticket", order_by="TicketPhoto.id"
    )
    work_logs: Mapped[list["WorkLog"]] = relationship(order_by="WorkLog.id")
    billable_items: Mapped[list["BillableItem"]] = relationship(order_by="BillableItem.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def number(self) -> str:
        return f"R{self.id:06d}"

    @property
    def next_due_at(self) -> datetime | None:
        """The deadline that matters now: response until responded, then resolution."""
        if self.responded_at is None and self.response_due_at is not None:
            return self.response_due_at
        return self.resolution_due_at

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def lapsed_on(self) -> date | None:
        return first_uncovered_day(self.coverage_state, self.coverage_end)


class TicketEvent(db.Model):
    """One change to a ticket: who, when, what, from, to."""

    __tablename__ = "ticket_events"
    __table_args__ = (
        # Reports (migration 0017): the period's visits (check-ins), and the tickets
        # visited twice or more since a day.
        sa.Index("ix_ticket_events_kind_created_at", "kind", "created_at", "actor_id",
                 "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind))
    #: Staff member who acted; None when the requester (or the system) did.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Name shown for the actor, kept even if the account is later renamed.
    actor_name: Mapped[str] = mapped_column(sa.String(100), default="")
    from_value: Mapped[str | None] = mapped_column(sa.String(100))
    to_value: Mapped[str | None] = mapped_column(sa.String(100))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    #: Shown on the requester's tracking page.
    is_public: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


@sa.event.listens_for(Session, "before_flush")
def _count_visits(session, _context, _instances) -> None:
    """Each check-in added counts on its ticket's visit_count, in the same flush. For a
    ticket already stored the UPDATE adds in SQL (visit_count + n), so two check-ins
    written at once both count."""
    added: dict[Ticket, int] = {}
    with session.no_autoflush:
        for obj in session.new:
            if isinstance(obj, TicketEvent) and obj.kind == EventKind.CHECK_IN:
                ticket = obj.ticket or session.get(Ticket, obj.ticket_id)
                added[ticket] = added.get(ticket, 0) + 1
    for ticket, n in added.items():
        if ticket in session.new:
            ticket.visit_count = (ticket.visit_count or 0) + n
        else:
            ticket.visit_count = Ticket.visit_count + n


class WorkLog(db.Model):
    """Time a technician spent on a ticket, remote or on site, and the parts used."""

    __tablename__ = "work_logs"
    __table_args__ = (
        # Reports (migration 0017): minutes logged in a period, per technician.
        sa.Index("ix_work_logs_created_at", "created_at", "user_id", "minutes", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    work_type: Mapped[WorkType] = mapped_column(_enum(WorkType))
    minutes: Mapped[int]
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    parts: Mapped[list["PartUsed"]] = relationship(order_by="PartUsed.id",
                                                   cascade="all, delete-orphan")


class PartUsed(db.Model):
    """A spare part (from the catalogue, or free text) and how many were used in one work
    log entry."""

    __tablename__ = "parts_used"
    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_log_id: Mapped[int] = mapped_column(sa.ForeignKey("work_logs.id"), index=True)
    description: Mapped[str] = mapped_column(sa.String(200))
    quantity: Mapped[int]
    #: The catalogue part picked (repairapp.parts); None for free text, as older rows are.
    part_id: Mapped[int | None] = mapped_column(sa.ForeignKey("parts.id"))


class BillableItem(db.Model):
    """What a chargeable ticket bills, recorded from the work log at resolution."""

    __tablename__ = "billable_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    #: remote | visit | person_day | part
    kind: Mapped[str] = mapped_column(sa.String(20))
    description: Mapped[str] = mapped_column(sa.String(200))
    quantity: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    #: Tax included; None for parts quoted separately.
    unit_price: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))


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

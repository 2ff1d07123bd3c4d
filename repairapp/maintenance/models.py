"""Maintenance plans, their checklist, the visits generated from them and the results."""

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from repairapp.accounts.models import User
from repairapp.assets.models import Asset
from repairapp.contracts.models import Contract
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.sla.models import ServiceCalendar


def _enum(cls):
    return sa.Enum(cls, native_enum=False, length=20)


class Target(enum.Enum):
    ASSET = "asset"        #: one machine
    MODEL = "model"        #: every machine of a model
    CONTRACT = "contract"  #: every machine a contract covers, while it runs


class Unit(enum.Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Anchor(enum.Enum):
    FIXED = "fixed"            #: start date + k intervals, whenever the visits were done
    COMPLETION = "completion"  #: the last visit's completion + one interval


class Shift(enum.Enum):
    """Where a visit due on a closed day goes: the working day before or after."""

    BEFORE = "before"
    AFTER = "after"


class ItemKind(enum.Enum):
    PASS_FAIL = "pass_fail"  # noqa: S105 -- a kind of check, not a password
    NUMBER = "number"  #: a reading, failed outside [min_value, max_value]
    TEXT = "text"      #: a note; never fails
    PHOTO = "photo"    #: a photo of the machine; never fails


class VisitStatus(enum.Enum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


OPEN_VISITS = (VisitStatus.PLANNED, VisitStatus.IN_PROGRESS)


class MaintenancePlan(db.Model):
    """Visit a machine, a model's machines or a contract's machines every N units."""

    __tablename__ = "maintenance_plans"
    __table_args__ = (sa.CheckConstraint("every >= 1", name="every_positive"),
                      sa.CheckConstraint("notice_days >= 0", name="notice_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    target: Mapped[Target] = mapped_column(_enum(Target))
    asset_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assets.id"), index=True)
    #: For Target.MODEL: Asset.model as written on the machines.
    model: Mapped[str] = mapped_column(sa.String(120), default="")
    contract_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contracts.id"), index=True)
    every: Mapped[int] = mapped_column(default=1)
    unit: Mapped[Unit] = mapped_column(_enum(Unit))
    anchor: Mapped[Anchor] = mapped_column(_enum(Anchor))
    #: The first visit's nominal day (and the base of every fixed-anchor visit).
    start_date: Mapped[date]
    #: Working days for moving a visit off a closed day; None: every day is a working day.
    calendar_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_calendars.id"))
    shift: Mapped[Shift] = mapped_column(_enum(Shift))
    #: A visit shows in the engineer's My jobs this many days before it is due.
    notice_days: Mapped[int] = mapped_column(default=7)
    #: Contracts name no engineer, so the plan does; None: dispatch assigns each visit.
    engineer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    is_archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    asset: Mapped[Asset | None] = relationship()
    contract: Mapped[Contract | None] = relationship()
    calendar: Mapped[ServiceCalendar | None] = relationship()
    engineer: Mapped[User | None] = relationship()
    items: Mapped[list["ChecklistItem"]] = relationship(order_by="ChecklistItem.position",
                                                        cascade="save-update, merge")

    @property
    def checks(self) -> list["ChecklistItem"]:
        """The checklist as it stands (a removed check keeps its row for past results)."""
        return [item for item in self.items if item.position >= 0]


class ChecklistItem(db.Model):
    """One check of a plan's checklist, in the order the technician walks it."""

    __tablename__ = "maintenance_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("maintenance_plans.id"), index=True)
    #: Order in the checklist; -1: removed from it (kept for the results that name it).
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[ItemKind] = mapped_column(_enum(ItemKind))
    #: Limits of a NUMBER item (either may be open).
    min_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 3))
    max_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 3))
    is_required: Mapped[bool] = mapped_column(default=True)


class MaintenanceVisit(db.Model):
    """One machine's visit for one period of a plan; the sweep inserts it exactly once."""

    __tablename__ = "maintenance_visits"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "asset_id", "period_key"),
        sa.Index("ix_maintenance_visits_assignee_id_status", "assignee_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("maintenance_plans.id"))
    asset_id: Mapped[int] = mapped_column(sa.ForeignKey("assets.id"), index=True)
    #: The period's nominal day (ISO) before moving off closed days, e.g. "2027-01-31".
    period_key: Mapped[str] = mapped_column(sa.String(20))
    due_date: Mapped[date] = mapped_column(index=True)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[VisitStatus] = mapped_column(_enum(VisitStatus))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    #: Place in its round (the assignee's visits at the site due the same day), as the
    #: technician ordered it; None: not reordered (by asset tag).
    round_position: Mapped[int | None]
    #: The signed inspection report covering this visit (alone or with its round); set once.
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspection_reports.id"),
                                                  index=True)

    plan: Mapped[MaintenancePlan] = relationship()
    asset: Mapped[Asset] = relationship()
    assignee: Mapped[User | None] = relationship()
    report: Mapped["InspectionReport | None"] = relationship(back_populates="visits")
    results: Mapped[list["VisitResult"]] = relationship(
        back_populates="visit", order_by="VisitResult.id", cascade="all, delete-orphan")


class VisitResult(db.Model):
    """What one check found on one visit; a failed check names the ticket it opened."""

    __tablename__ = "maintenance_results"
    __table_args__ = (sa.UniqueConstraint("visit_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("maintenance_visits.id"))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("maintenance_items.id"))
    value: Mapped[str] = mapped_column(sa.String(500), default="")
    #: None: nothing to judge (a text or photo item, or an optional item left empty).
    passed: Mapped[bool | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id"), index=True)

    visit: Mapped[MaintenanceVisit] = relationship(back_populates="results")
    item: Mapped[ChecklistItem] = relationship()
    photos: Mapped[list["ResultPhoto"]] = relationship(order_by="ResultPhoto.id",
                                                       cascade="all, delete-orphan")


class ResultPhoto(db.Model):
    """A photo taken for a check, re-encoded like a ticket's photos."""

    __tablename__ = "maintenance_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(sa.ForeignKey("maintenance_results.id"), index=True)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    width: Mapped[int]
    height: Mapped[int]


class InspectionReport(db.Model):
    """The customer's signed inspection report: one visit, or a whole round (one technician's
    visits at one site due on one day). Never changed once written; the visits it covers
    point at it (each visit at most one report), and the PDF is drawn again from `content`
    after `content_sha256` has been checked, like a job's service sheet."""

    __tablename__ = "inspection_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A round's report (every visit of the round), or one visit's.
    is_round: Mapped[bool] = mapped_column(default=False)
    technician_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    #: The round's day (the visits' due date).
    day: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    signed_at: Mapped[datetime]
    signer_name: Mapped[str] = mapped_column(sa.String(100))
    #: The drawn signature, re-encoded as PNG; None when signed by typed name alone (no JS).
    signature_png: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    #: Everything the report shows, as signed (maintenance.reports.freeze).
    content: Mapped[dict] = mapped_column(sa.JSON)
    #: SHA-256 (hex) of the canonical JSON of `content`: checked before every download.
    content_sha256: Mapped[str] = mapped_column(sa.String(64))

    technician: Mapped[User] = relationship()
    visits: Mapped[list[MaintenanceVisit]] = relationship(back_populates="report",
                                                          order_by=MaintenanceVisit.id)

"""Service plans (contract tiers) and contracts that cover assets."""

import enum
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from repairapp.assets.models import Asset
from repairapp.customers.models import Customer
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.sla.models import ServiceCalendar


class PlanKind(enum.Enum):
    WARRANTY = "warranty"
    EXTENDED = "extended"
    PER_INCIDENT = "per_incident"


class ServiceLevel(enum.Enum):
    """Tiers from the seeds: by the site's working hours, or by service level."""

    H8 = "8h"
    H16 = "16h"
    H24 = "24h"
    A = "A"
    B = "B"
    C = "C"


class Severity(enum.Enum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"


class CoverageState(enum.Enum):
    WARRANTY = "warranty"
    CONTRACT = "contract"
    #: Had warranty or a contract that ended: chargeable until paid from the expiry on.
    LAPSED = "lapsed"
    NOT_COVERED = "not_covered"
    #: A contract of a pay-first plan runs but is not paid yet: chargeable, as not covered.
    PENDING_PAYMENT = "pending_payment"


def first_uncovered_day(state: CoverageState, last_covered: date | None) -> date | None:
    """The day coverage lapsed on (shown as "lapsed on …"), for lapsed coverage only."""
    if state is not CoverageState.LAPSED or last_covered is None:
        return None
    return last_covered + timedelta(days=1)


class ServicePlan(db.Model):
    """A contract tier and the response / resolution targets it promises per severity."""

    __tablename__ = "service_plans"
    __table_args__ = (
        sa.CheckConstraint("fee_rate_percent IS NULL OR fee_annual IS NULL", name="one_fee"),
        sa.CheckConstraint("fee_rate_percent >= 0 AND fee_annual >= 0", name="fee_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[PlanKind] = mapped_column(sa.Enum(PlanKind, native_enum=False, length=20))
    service_level: Mapped[ServiceLevel | None] = mapped_column(
        sa.Enum(ServiceLevel, native_enum=False, length=8)
    )
    # Targets in minutes; None means no promise for that severity.
    response_critical_min: Mapped[int | None]
    resolution_critical_min: Mapped[int | None]
    response_major_min: Mapped[int | None]
    resolution_major_min: Mapped[int | None]
    response_minor_min: Mapped[int | None]
    resolution_minor_min: Mapped[int | None]
    #: When the clock runs; None means 24x7.
    calendar_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_calendars.id"))
    is_archived: Mapped[bool] = mapped_column(default=False)
    #: The yearly fee (延保费): a percentage of the contract amount, or a fixed tax-included
    #: sum (at most one of the two; neither: no price on record). See repairapp/billing.
    fee_rate_percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    fee_annual: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    #: "Pay first, then service" (先付款后服务): its contracts cover nothing until paid.
    is_pay_first: Mapped[bool] = mapped_column(default=False)

    calendar: Mapped[ServiceCalendar | None] = relationship()

    def targets(self, severity: Severity) -> tuple[int | None, int | None]:
        """(response, resolution) target minutes for a severity."""
        key = severity.value
        return getattr(self, f"response_{key}_min"), getattr(self, f"resolution_{key}_min")


contract_assets = sa.Table(
    "contract_assets",
    db.metadata,
    sa.Column("contract_id", sa.ForeignKey("contracts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("asset_id", sa.ForeignKey("assets.id"), primary_key=True, index=True),
)


class Contract(db.Model):
    """An extended service contract (延保/维保合同) covering some of a customer's assets."""

    __tablename__ = "contracts"
    __table_args__ = (sa.CheckConstraint("end_date >= start_date", name="dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(60), unique=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("service_plans.id"))
    #: First and last covered day, both inclusive, in the site's calendar.
    start_date: Mapped[date]
    end_date: Mapped[date]
    #: Tax-inclusive contract amount: the base of a plan's fee rate.
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    is_archived: Mapped[bool] = mapped_column(default=False)
    #: When the customer paid this term's fee (None: unpaid), and the bank reference.
    paid_on: Mapped[date | None]
    payment_reference: Mapped[str] = mapped_column(sa.String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()
    plan: Mapped[ServicePlan] = relationship()
    assets: Mapped[list[Asset]] = relationship(secondary=contract_assets)

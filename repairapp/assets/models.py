"""Assets (the machines we service) and the QR labels stuck on them."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from repairapp.customers.models import Site
from repairapp.db import utcnow
from repairapp.extensions import db


class Asset(db.Model):
    """One serviced machine."""

    __tablename__ = "assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Human tag painted or printed on the machine, e.g. "EQ-00123".
    tag: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    model: Mapped[str] = mapped_column(sa.String(120), default="")
    serial_number: Mapped[str] = mapped_column(sa.String(120), default="")
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    #: 验收日期: the free warranty starts here. None if never accepted by us.
    acceptance_date: Mapped[date | None]
    warranty_months: Mapped[int] = mapped_column(default=12)
    #: The plan whose targets apply during warranty; None means the default warranty plan.
    warranty_plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_plans.id"))
    #: Archived machines (scrapped, sold) leave lists and label batches; labels still open.
    is_archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship()
    warranty_plan = relationship("ServicePlan")
    labels: Mapped[list["Label"]] = relationship(back_populates="asset", order_by="Label.id")

    @property
    def active_label(self) -> "Label | None":
        return next((lbl for lbl in reversed(self.labels) if lbl.revoked_at is None), None)


class Label(db.Model):
    """A printed QR label. Its code is in the URL forever; revoking never reuses it."""

    __tablename__ = "labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(sa.ForeignKey("assets.id"), index=True)
    #: 12 upper-case Crockford base32 characters (60 random bits).
    code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    asset: Mapped[Asset] = relationship(back_populates="labels")

"""The parts catalogue: what a part is called, counted in and costs."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from repairapp.db import utcnow
from repairapp.extensions import db


class Part(db.Model):
    """A spare part or consumable we sell, with its tax-included price."""

    __tablename__ = "parts"
    __table_args__ = (sa.CheckConstraint("price >= 0", name="price_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The vendor's part number, as on the box and in the CSV, e.g. "FU-10A".
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: What a quantity counts: 个, 套, 米, pcs…
    unit: Mapped[str] = mapped_column(sa.String(20), default="")
    #: Tax included, as quoted to customers.
    price: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    #: Archived parts leave the pickers; old work logs and quotes keep them.
    is_archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def label(self) -> str:
        """How a picker shows it and reads it back: "FU-10A · Fuse 10 A"."""
        return f"{self.code} · {self.name}"

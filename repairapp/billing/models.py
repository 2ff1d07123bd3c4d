"""Renewal notices: one row per contract and threshold, so each is sent exactly once."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from repairapp.db import utcnow
from repairapp.extensions import db


class RenewalNotice(db.Model):
    """A renewal notice queued for a contract, so many days before it ends (60, 30 or 7).

    The unique (contract, threshold) row, inserted with ON CONFLICT DO NOTHING, is what keeps
    two sweeps on two servers from both sending it; the emails go out through the outbox."""

    __tablename__ = "renewal_notices"
    __table_args__ = (sa.UniqueConstraint("contract_id", "threshold_days"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contracts.id", ondelete="CASCADE"))
    #: The threshold it was sent for: 60, 30 or 7 days before the contract's last day.
    threshold_days: Mapped[int]
    #: Days actually left when it was queued (fewer than the threshold after a late sweep).
    days_left: Mapped[int]
    #: The addresses it was queued to, separated by commas.
    sent_to: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

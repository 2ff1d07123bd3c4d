"""One service report per customer and period: its private link and whether it was sent."""

import secrets
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from repairapp.customers.models import Customer
from repairapp.db import utcnow
from repairapp.extensions import db


def new_token() -> str:
    """256 random bits, URL-safe: the only thing that opens the report."""
    return secrets.token_urlsafe(32)


class ServiceReport(db.Model):
    """A customer's report for a period (a quarter by default).

    The row exists once per customer and period, however many senders run at once (the
    unique constraint), so sending is decided on this one row. Revoking a link keeps the
    row; a new link replaces the token, so an old link never opens again.
    """

    __tablename__ = "service_reports"
    __table_args__ = (sa.UniqueConstraint("customer_id", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    #: When the email went out (None: not sent); `sent_to` the addresses it went to.
    sent_at: Mapped[datetime | None]
    sent_to: Mapped[str] = mapped_column(sa.Text, default="")
    #: A sender holds the row until this moment while it sends (see services.claim).
    claimed_until: Mapped[datetime | None]
    send_attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")

    customer: Mapped[Customer] = relationship()

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

"""Customers and their sites."""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from repairapp.db import utcnow
from repairapp.extensions import db

if TYPE_CHECKING:
    from repairapp.accounts.models import User


class Customer(db.Model):
    """A company whose equipment we service."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    #: Archived records leave lists and pickers; their history stays.
    is_archived: Mapped[bool] = mapped_column(default=False)
    #: A key customer: the desk calls them every month, ticket or not (follow-ups).
    is_key: Mapped[bool] = mapped_column(default=False)
    #: Who gets the quarterly service report by email: addresses separated by commas.
    report_emails: Mapped[str] = mapped_column(sa.String(1000), default="")
    #: The report's language ("zh" or "en").
    report_locale: Mapped[str] = mapped_column(sa.String(10), default="zh")
    #: The vendor's account manager, copied on the customer's report.
    account_manager_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    account_manager: Mapped["User | None"] = relationship()
    sites: Mapped[list["Site"]] = relationship(back_populates="customer", order_by="Site.name")


class Site(db.Model):
    """A place where a customer's machines stand; its time zone drives every shown time."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(500), default="")
    #: IANA zone name, e.g. "Asia/Shanghai".
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Asia/Shanghai")
    contact_name: Mapped[str] = mapped_column(sa.String(100), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    is_archived: Mapped[bool] = mapped_column(default=False)

    customer: Mapped[Customer] = relationship(back_populates="sites")

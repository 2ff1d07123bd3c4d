"""Customers and their sites."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from repairapp.db import utcnow
from repairapp.extensions import db


class Customer(db.Model):
    """A company whose equipment we service."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    #: Archived records leave lists and pickers; their history stays.
    is_archived: Mapped[bool] = mapped_column(default=False)
    #: A key customer: the desk calls them every month, ticket or not (follow-ups).
    is_key: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

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

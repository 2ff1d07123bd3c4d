"""Who hears about a ticket, and the outbox that makes sure they do.

A `Notification` is one thing that happened to a ticket and must be told once: its row is
unique per (ticket, kind, key), so two sweeps on two servers cannot both announce it.
Each `Delivery` is one message of it to one recipient (an email address or a group-chat
robot), written in the same transaction as the ticket change and sent afterwards, with
retries, so a failing channel never blocks or loses the ticket.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from repairapp.customers.models import Customer
from repairapp.db import utcnow
from repairapp.extensions import db


class NotificationKind(enum.Enum):
    NEW = "new"                                  # -> dispatchers
    ASSIGNED = "assigned"                        # -> the technician
    RESPONSE_SOON = "response_soon"              # -> the assignee (or dispatchers if none)
    RESOLUTION_SOON = "resolution_soon"
    RESPONSE_BREACHED = "response_breached"      # -> assignee and dispatchers (escalation)
    RESOLUTION_BREACHED = "resolution_breached"
    RESOLVED = "resolved"                        # -> the requester, if they left an email
    JOB_REPORT = "job_report"                    # -> the requester: their service sheet


class Transport(enum.Enum):
    EMAIL = "email"
    WECOM = "wecom"        # 企业微信 group robot
    DINGTALK = "dingtalk"  # 钉钉 group robot
    FEISHU = "feishu"      # 飞书 group robot


class DeliveryStatus(enum.Enum):
    PENDING = "pending"    # waiting for its (next) attempt
    SENDING = "sending"    # claimed by one sweep; the claim expires if that sweep dies
    SENT = "sent"
    FAILED = "failed"      # gave up after the last retry; kept for the admin to see


#: What a group channel receives unless an admin chooses otherwise: the staff's events.
STAFF_KINDS = [k.value for k in NotificationKind
               if k not in (NotificationKind.RESOLVED, NotificationKind.JOB_REPORT)]


def _enum(cls):
    return sa.Enum(cls, native_enum=False, length=20)


class Channel(db.Model):
    """A group chat robot or mailbox that hears about tickets: of one customer, or all."""

    __tablename__ = "notification_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    transport: Mapped[Transport] = mapped_column(_enum(Transport))
    #: None: every customer's tickets (global); else only this customer's.
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    #: The robot's webhook URL, or email addresses separated by commas.
    target: Mapped[str] = mapped_column(sa.String(500))
    #: Signing secret of a DingTalk or Feishu robot with signature security; may be empty.
    secret: Mapped[str] = mapped_column(sa.String(200), default="")
    #: NotificationKind values this channel receives.
    kinds: Mapped[list] = mapped_column(sa.JSON, default=lambda: list(STAFF_KINDS))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer | None] = relationship()


class Notification(db.Model):
    """One announcement about a ticket; the unique row is what makes it happen once."""

    __tablename__ = "notifications"
    __table_args__ = (sa.UniqueConstraint("ticket_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    kind: Mapped[NotificationKind] = mapped_column(_enum(NotificationKind))
    #: Tells repeatable announcements apart (the assignment event, the reopen count).
    key: Mapped[str] = mapped_column(sa.String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    deliveries: Mapped[list["Delivery"]] = relationship(back_populates="notification",
                                                       order_by="Delivery.id")


class Delivery(db.Model):
    """One message of a notification to one recipient, retried with back-off."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (sa.Index("ix_notification_deliveries_status_next_attempt_at",
                               "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None: a message about no ticket (a contract's renewal notice, repairapp/billing).
    notification_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notifications.id"),
                                                        index=True)
    transport: Mapped[Transport] = mapped_column(_enum(Transport))
    #: A group channel's deliveries use its current URL and secret, so a fixed URL helps
    #: the retries; None for mail to a person.
    channel_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("notification_channels.id", ondelete="SET NULL"))
    #: Email address of a person, or the channel's name (its target stays on the channel).
    recipient: Mapped[str] = mapped_column(sa.String(500))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[DeliveryStatus] = mapped_column(_enum(DeliveryStatus),
                                                   default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    #: When a pending delivery may be tried, or when a sending claim expires.
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    notification: Mapped[Notification | None] = relationship(back_populates="deliveries")
    channel: Mapped[Channel | None] = relationship()

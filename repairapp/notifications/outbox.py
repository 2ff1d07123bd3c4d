"""Sending what is queued: claim a delivery, send it, record the outcome; retry with back-off.

Any number of sweeps on any number of servers may run this at once. A delivery is claimed
by one conditional UPDATE that only one of them can win, and the claim is committed before
sending; a sweep that dies mid-send leaves a claim that expires after LEASE, and the
message is tried again.
"""

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa

from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.notifications.models import Delivery, DeliveryStatus, Transport
from repairapp.notifications.transports import SendError, Smtp, post_webhook, send_email

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
LEASE = timedelta(minutes=5)
WAITING = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


class GiveUp(SendError):
    """Retrying cannot help (the channel was switched off or deleted)."""


def backoff(attempts: int) -> timedelta:
    """Wait after the n-th failed attempt: 1, 2, 4 ... minutes, at most 2 hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 120))


def due_ids(now: datetime, limit: int = 500) -> list[int]:
    return list(db.session.scalars(
        sa.select(Delivery.id).where(Delivery.status.in_(WAITING),
                                     Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)))


def claim(delivery_id: int, now: datetime) -> bool:
    """Take the delivery for this sweep alone; False if another sweep has it or sent it."""
    result = db.session.execute(
        sa.update(Delivery.__table__)
        .where(Delivery.id == delivery_id, Delivery.status.in_(WAITING),
               Delivery.next_attempt_at <= now)
        .values(status=DeliveryStatus.SENDING, attempts=Delivery.attempts + 1,
                next_attempt_at=now + LEASE))
    db.session.commit()
    return result.rowcount == 1


def addresses(text: str) -> list[str]:
    return [a.strip() for a in text.replace(";", ",").split(",") if a.strip()]


def send(delivery: Delivery, smtp: Smtp | None) -> None:
    """Send one delivery now; raises SendError. Group channels use their current settings."""
    channel = delivery.channel
    if delivery.channel_id is None and delivery.transport is not Transport.EMAIL:
        raise GiveUp("the channel was deleted")
    if channel is not None and not channel.is_active:
        raise GiveUp("the channel is switched off")
    if delivery.transport is Transport.EMAIL:
        if smtp is None:
            raise SendError("email is not set up (REPAIRAPP_SMTP_HOST)")
        target = channel.target if channel else delivery.recipient
        send_email(smtp, addresses(target), delivery.subject, delivery.body)
    else:
        post_webhook(channel.transport, channel.target, channel.secret, delivery.body)


def _record(delivery: Delivery, error: SendError | None, now: datetime) -> None:
    if error is None:
        delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT, now, ""
        return
    delivery.last_error = str(error)[:1000]
    if isinstance(error, GiveUp) or delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        log.error("notification delivery %s gave up after %s attempt(s): %s",
                  delivery.id, delivery.attempts, error)
    else:
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now + backoff(delivery.attempts)
        log.warning("notification delivery %s failed (attempt %s), retrying at %s: %s",
                    delivery.id, delivery.attempts, delivery.next_attempt_at, error)


def deliver(delivery_id: int, smtp: Smtp | None, now: datetime) -> bool:
    """Send one claimed delivery and commit its outcome; True if it went out."""
    delivery = db.session.get(Delivery, delivery_id)
    error: SendError | None = None
    try:
        send(delivery, smtp)
    except SendError as failure:
        error = failure
    except Exception as bug:  # a fault of ours must not stop the other messages
        log.exception("notification delivery %s crashed", delivery_id)
        error = SendError(f"internal error: {bug!r}")
    _record(delivery, error, now)
    db.session.commit()
    return error is None


def deliver_due(smtp: Smtp | None, now: datetime | None = None) -> tuple[int, int]:
    """Send every delivery whose time has come; (sent, not sent) by this sweep."""
    now = now or utcnow()
    sent = failed = 0
    for delivery_id in due_ids(now):
        if not claim(delivery_id, now):
            continue
        if deliver(delivery_id, smtp, now):
            sent += 1
        else:
            failed += 1
    return sent, failed


def retry_now(delivery: Delivery) -> None:
    """An admin asks for another try of a failed or waiting delivery, with fresh attempts."""
    if delivery.status is DeliveryStatus.SENT:
        return
    delivery.status, delivery.attempts = DeliveryStatus.PENDING, 0
    delivery.next_attempt_at = utcnow()
    db.session.flush()

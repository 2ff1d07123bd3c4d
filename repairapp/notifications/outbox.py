"""Sending what is queued: claim a delivery, send it, record the outcome; retry with back-off.

Any number of sweeps on any number of servers may run this at once. A delivery is claimed
by one conditional UPDATE that only one of them can win, and the claim is committed before
sending. A sweep stops claiming before its claims could expire, and stores an outcome
only while its claim holds. A sweep that dies mid-send leaves a claim that expires after
LEASE, and the message is tried again: in that one case (the server took the message,
then the sweep died before recording it) a message can arrive twice.
"""

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.notifications import egress
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


def claim(delivery_id: int, now: datetime) -> int | None:
    """Take the delivery for this sweep alone: the attempt number it now holds, or None if
    another sweep has it or it was sent. The claim lasts LEASE from `now`."""
    table = Delivery.__table__
    attempt = db.session.scalar(
        sa.update(table)
        .where(table.c.id == delivery_id, table.c.status.in_(WAITING),
               table.c.next_attempt_at <= now)
        .values(status=DeliveryStatus.SENDING, attempts=table.c.attempts + 1,
                next_attempt_at=now + LEASE)
        .returning(table.c.attempts))
    db.session.commit()
    return attempt


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
        post_webhook(channel.transport, channel.target, channel.secret, delivery.body,
                     allow=allowed_networks(), via=webhook_proxy())


def allowed_networks() -> list[egress.Network]:
    """Private networks a robot may be reached on anyway (REPAIRAPP_WEBHOOK_ALLOW_NETWORKS)."""
    return egress.networks(current_app.config.get("WEBHOOK_ALLOW_NETWORKS", ""))


def webhook_proxy() -> tuple[str, int] | None:
    """The proxy robot requests go through (REPAIRAPP_WEBHOOK_PROXY), None: directly."""
    return egress.proxy(current_app.config.get("WEBHOOK_PROXY", ""))


def outcome(delivery: Delivery, attempt: int, error: SendError | None,
            now: datetime) -> dict:
    """The columns to store after an attempt: sent, retry later, or give up."""
    if error is None:
        return {"status": DeliveryStatus.SENT, "sent_at": now, "last_error": ""}
    reason = str(error)[:1000]
    if isinstance(error, GiveUp) or attempt >= MAX_ATTEMPTS:
        log.error("notification delivery %s gave up after %s attempt(s): %s",
                  delivery.id, attempt, error)
        return {"status": DeliveryStatus.FAILED, "last_error": reason}
    retry_at = now + backoff(attempt)
    log.warning("notification delivery %s failed (attempt %s), retrying at %s: %s",
                delivery.id, attempt, retry_at, error)
    return {"status": DeliveryStatus.PENDING, "next_attempt_at": retry_at,
            "last_error": reason}


def deliver(delivery_id: int, attempt: int, smtp: Smtp | None, now: datetime) -> bool:
    """Send one claimed delivery and store its outcome, if the claim is still ours (a
    sweep slower than LEASE has lost it to another); True if it went out."""
    delivery = db.session.get(Delivery, delivery_id)
    error: SendError | None = None
    try:
        send(delivery, smtp)
    except SendError as failure:
        error = failure
    except Exception as bug:  # a fault of ours must not stop the other messages
        log.exception("notification delivery %s crashed", delivery_id)
        error = SendError(f"internal error: {bug!r}")
    table = Delivery.__table__
    stored = db.session.execute(
        sa.update(table).where(table.c.id == delivery_id,
                               table.c.status == DeliveryStatus.SENDING,
                               table.c.attempts == attempt)
        .values(outcome(delivery, attempt, error, now)))
    db.session.commit()
    if stored.rowcount != 1:
        log.warning("notification delivery %s: claim expired before the outcome was stored",
                    delivery_id)
    return error is None


def deliver_due(smtp: Smtp | None, now: datetime | None = None,
                budget: timedelta = LEASE / 2) -> tuple[int, int]:
    """Send deliveries whose time has come, for at most `budget`, so that no claim outlives
    its lease; what is left waits for the next sweep. (sent, not sent) by this sweep.
    `now` fixes the clock (tests); otherwise each claim takes the time it is made."""
    started = utcnow()
    sent = failed = 0
    for delivery_id in due_ids(now or started):
        if utcnow() - started > budget:
            break
        moment = now or utcnow()
        attempt = claim(delivery_id, moment)
        if attempt is None:
            continue
        if deliver(delivery_id, attempt, smtp, moment):
            sent += 1
        else:
            failed += 1
    return sent, failed


def retry_now(delivery_id: int) -> bool:
    """An admin asks for another try of a failed or waiting delivery, with fresh attempts;
    False if it is being sent right now or was sent."""
    table = Delivery.__table__
    result = db.session.execute(
        sa.update(table).where(table.c.id == delivery_id, table.c.status.in_(
            (DeliveryStatus.PENDING, DeliveryStatus.FAILED)))
        .values(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=utcnow()))
    return result.rowcount == 1

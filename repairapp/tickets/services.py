"""Filing tickets and moving them along; every change leaves a TicketEvent."""

import re
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from repairapp.assets.models import Asset
from repairapp.contracts.models import Severity
from repairapp.contracts.services import coverage_for_asset
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.notifications.models import NotificationKind
from repairapp.notifications.services import announce
from repairapp.sla.calendar import Calendar
from repairapp.sla.services import due_times, targets_of
from repairapp.tickets.models import (
    OPEN_STATUSES,
    Category,
    EventKind,
    Status,
    Ticket,
    TicketEvent,
    TicketPhoto,
)
from repairapp.tickets.photos import Photo


def by_idempotency_key(asset_id: int, key: str) -> Ticket | None:
    """The ticket this asset's form with `key` already made (keys are scoped to the asset)."""
    return db.session.scalar(
        sa.select(Ticket).where(Ticket.asset_id == asset_id, Ticket.idempotency_key == key)
    )


TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def by_tracking_token(token: str) -> Ticket | None:
    if not TOKEN_SHAPE.fullmatch(token):
        return None
    # With what the tracking page shows of it (machine, site, plan, engineer) in the same
    # query rather than one lazy load each.
    return db.session.scalar(
        sa.select(Ticket).where(Ticket.tracking_token == token)
        .options(joinedload(Ticket.asset).joinedload(Asset.site), joinedload(Ticket.plan),
                 joinedload(Ticket.assignee)))


def open_ticket_for_asset(asset_id: int) -> Ticket | None:
    """The most recent open ticket on an asset, if any."""
    return db.session.scalar(
        sa.select(Ticket)
        .where(Ticket.asset_id == asset_id, Ticket.status.in_(OPEN_STATUSES))
        .order_by(Ticket.id.desc())
        .limit(1)
    )


def open_tickets_for_asset(asset_id: int) -> list[Ticket]:
    return list(db.session.scalars(
        sa.select(Ticket).where(Ticket.asset_id == asset_id, Ticket.status.in_(OPEN_STATUSES))
        .order_by(Ticket.id)))


def attach_photos(ticket: Ticket, photos: list[Photo], event: TicketEvent) -> None:
    """Store re-encoded photos on the ticket, linked to the event they came with."""
    for photo in photos:
        ticket.photos.append(
            TicketPhoto(content=photo.content, width=photo.width, height=photo.height, event=event)
        )


def file_ticket(
    asset: Asset,
    *,
    category: Category,
    severity: Severity,
    description: str,
    requester_name: str,
    requester_phone: str,
    idempotency_key: str,
    requester_email: str = "",
    requester_locale: str = "",
    photos: list[Photo] = (),
    now: datetime | None = None,
) -> Ticket:
    """Create a ticket with the asset's coverage and due times frozen as of `now`."""
    now = now or utcnow()
    coverage = coverage_for_asset(asset, now)
    targets = targets_of(coverage.plan)
    calendar = coverage.plan.calendar.spec() if coverage.plan and coverage.plan.calendar \
        else Calendar()
    response_due, resolution_due = due_times(targets, severity, now, calendar,
                                             asset.site.timezone)
    period = coverage.period
    ticket = Ticket(
        asset=asset,
        customer_id=asset.site.customer_id,
        status=Status.NEW,
        severity=severity,
        category=category,
        description=description,
        requester_name=requester_name,
        requester_phone=requester_phone,
        requester_email=requester_email,
        requester_locale=requester_locale,
        idempotency_key=idempotency_key,
        tracking_token=secrets.token_urlsafe(24),
        coverage_state=coverage.state,
        plan=coverage.plan,
        plan_name=coverage.plan.name if coverage.plan else "",
        contract_id=period.contract_id if period else None,
        coverage_start=period.start if period else None,
        coverage_end=period.end if period else None,
        is_chargeable=coverage.is_chargeable,
        sla_targets=targets,
        sla_calendar=calendar.to_json() if not calendar.is_24x7 else {},
        response_due_at=response_due,
        resolution_due_at=resolution_due,
        created_at=now,
    )
    db.session.add(ticket)
    event = TicketEvent(kind=EventKind.CREATED, actor_name=requester_name,
                        to_value=Status.NEW.value, created_at=now)
    ticket.events.append(event)
    attach_photos(ticket, list(photos), event)
    db.session.flush()
    announce(ticket, NotificationKind.NEW)
    return ticket


def add_info(
    ticket: Ticket, *, requester_name: str, note: str, photos: list[Photo] = ()
) -> TicketEvent:
    """Someone at the site adds to an open ticket instead of filing a duplicate."""
    event = TicketEvent(kind=EventKind.INFO_ADDED, actor_name=requester_name, note=note)
    ticket.events.append(event)
    attach_photos(ticket, list(photos), event)
    db.session.flush()
    return event

"""Announcing what happened to a ticket: who hears it, what they read, queued exactly once.

`announce()` is called inside the transaction that changes the ticket (or by the sweep),
so the message is queued if and only if the change is committed; the outbox sends it.
"""


import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from repairapp.accounts.models import Role, User
from repairapp.db import upsert
from repairapp.extensions import db
from repairapp.main.links import public_url_for as public_url
from repairapp.notifications.models import (
    Channel,
    Delivery,
    Notification,
    NotificationKind,
    Transport,
)
from repairapp.notifications.transports import Smtp
from repairapp.tickets.models import Ticket

K = NotificationKind
SUBJECT = {
    K.NEW: _l("New repair request"),
    K.ASSIGNED: _l("Assigned to %(name)s"),
    K.RESPONSE_SOON: _l("Response due soon"),
    K.RESOLUTION_SOON: _l("Fix due soon"),
    K.RESPONSE_BREACHED: _l("Response overdue"),
    K.RESOLUTION_BREACHED: _l("Fix overdue"),
    K.RESOLVED: _l("Your repair request is resolved"),
    K.JOB_REPORT: _l("Your service sheet"),
}
#: What only the requester hears (by email, if they left an address).
TO_REQUESTER = {K.RESOLVED, K.JOB_REPORT}
#: Who among the staff hears of each kind; the assignee falls back to the dispatchers.
TO_DISPATCHERS = {K.NEW, K.RESPONSE_BREACHED, K.RESOLUTION_BREACHED}
TO_ASSIGNEE = {K.ASSIGNED, K.RESPONSE_SOON, K.RESOLUTION_SOON, K.RESPONSE_BREACHED,
               K.RESOLUTION_BREACHED}


def _insert_once(ticket_id: int, kind: NotificationKind, key: str) -> int | None:
    """Insert the notification row unless it exists; its id, or None if it did.

    ON CONFLICT DO NOTHING makes a concurrent sweep wait for the first one's commit and
    then skip, with no error to recover from inside the transaction.
    """
    statement = (upsert(Notification, db.engine)
                 .values(ticket_id=ticket_id, kind=kind, key=key)
                 .on_conflict_do_nothing(index_elements=["ticket_id", "kind", "key"])
                 .returning(Notification.id))
    return db.session.scalar(statement)


def announce(ticket: Ticket, kind: NotificationKind, key: str = "") -> Notification | None:
    """Queue `kind` about `ticket` to everyone who should hear it, once per (kind, key).

    Returns the new notification, or None when it had already been announced."""
    db.session.flush()
    note_id = _insert_once(ticket.id, kind, key)
    if note_id is None:
        return None
    note = db.session.get(Notification, note_id)
    email_ready = Smtp.from_config(current_app.config) is not None
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        note.deliveries = (_email_people(ticket, kind) if email_ready else []) + \
            _to_channels(ticket, kind, email_ready)
    db.session.flush()
    return note


def dispatchers() -> list[User]:
    """Active dispatchers; in a shop without any, the admins do the dispatching."""
    for role in (Role.DISPATCHER, Role.ADMIN):
        users = list(db.session.scalars(sa.select(User).where(
            User.role == role, User.is_active.is_(True)).order_by(User.id)))
        if users:
            return users
    return []


def _staff_recipients(ticket: Ticket, kind: NotificationKind) -> list[User]:
    people: list[User] = []
    assignee = ticket.assignee if ticket.assignee and ticket.assignee.is_active else None
    if kind in TO_ASSIGNEE and assignee:
        people.append(assignee)
    if kind in TO_DISPATCHERS or (kind in TO_ASSIGNEE and not assignee):
        people += [u for u in dispatchers() if u not in people]
    return people


def _email_people(ticket: Ticket, kind: NotificationKind) -> list[Delivery]:
    """Mail to the people concerned (only called when email is set up here)."""
    if kind in TO_REQUESTER:
        if not ticket.requester_email:
            return []
        with force_locale(ticket.requester_locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            return [_delivery(ticket, kind, Transport.EMAIL, ticket.requester_email,
                              for_requester=True)]
    deliveries = []
    for user in _staff_recipients(ticket, kind):
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            deliveries.append(_delivery(ticket, kind, Transport.EMAIL, user.email))
    return deliveries


def channels_for(ticket: Ticket, kind: NotificationKind) -> list[Channel]:
    """Active group channels that take `kind`: global ones and the ticket's customer's."""
    candidates = db.session.scalars(sa.select(Channel).where(
        Channel.is_active.is_(True),
        sa.or_(Channel.customer_id.is_(None), Channel.customer_id == ticket.customer_id),
    ).order_by(Channel.id))
    return [c for c in candidates if kind.value in c.kinds]


def _to_channels(ticket: Ticket, kind: NotificationKind, email_ready: bool) -> list[Delivery]:
    # The recipient column names the channel: a webhook URL is a credential, kept in one place.
    return [_delivery(ticket, kind, c.transport, c.name, channel=c)
            for c in channels_for(ticket, kind)
            if c.transport is not Transport.EMAIL or email_ready]


def _delivery(ticket: Ticket, kind: NotificationKind, transport: Transport, recipient: str,
              channel: Channel | None = None, for_requester: bool = False) -> Delivery:
    subject, body = render(ticket, kind, for_requester)
    return Delivery(transport=transport, recipient=recipient, channel=channel,
                    subject=subject, body=body)


def render(ticket: Ticket, kind: NotificationKind, for_requester: bool = False
           ) -> tuple[str, str]:
    """Subject and plain-text body, in the current locale; requesters get their link."""
    what = str(SUBJECT[kind]) % {"name": ticket.assignee.name if ticket.assignee else ""} \
        if kind is K.ASSIGNED else SUBJECT[kind]
    subject = gettext("[%(number)s] %(what)s: %(machine)s", number=ticket.number, what=what,
                      machine=ticket.asset.name)
    link = (public_url("tracking.show", token=ticket.tracking_token) if for_requester
            else public_url("tickets.detail", ticket_id=ticket.id))
    body = render_template("notifications/message.txt", ticket=ticket, kind=kind.value,
                           subject=subject, link=link, for_requester=for_requester,
                           tz=ticket.asset.site.timezone)
    return subject[:200], body


def history(ticket_id: int) -> list[Notification]:
    """What was announced about a ticket, oldest first, with its deliveries."""
    return list(db.session.scalars(
        sa.select(Notification).where(Notification.ticket_id == ticket_id)
        .options(selectinload(Notification.deliveries).joinedload(Delivery.channel))
        .order_by(Notification.id)))

"""Renewal notices from the sweep: 60, 30 and 7 days before a contract ends, once each.

Which contracts: not archived, of a customer not archived, ending in 0 to 60 days, and not
renewed. A contract counts as renewed once another contract of the same customer that ends
later shares one of its machines (or, for a contract listing no machines, any later
contract of the customer) — signed, whatever its start, paid or not.

Which threshold: the most urgent one due. A sweep that was down while a threshold passed
(the 30-day one, say, found with 12 days left) sends that one notice, not the 60- and
30-day ones at once; the earlier thresholds are then never sent.

Exactly once: the notice is a row unique per (contract, threshold), inserted with ON
CONFLICT DO NOTHING; a concurrent sweep waits for the first one's commit and skips. The
emails are outbox deliveries written in the same transaction, sent by the sweep.

Who: the customer's report contacts (in the customer's report language) and its account
manager (in their own language, with the link to the quote page); with neither, the
admins, so that somebody hears of it.
"""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from repairapp.accounts.models import Role, User
from repairapp.billing.models import RenewalNotice
from repairapp.billing.renewals import RenewalQuote, renewal_quote
from repairapp.billing.words import quote_summary
from repairapp.contracts.models import Contract, contract_assets
from repairapp.customers.models import Customer
from repairapp.db import upsert, utcnow
from repairapp.extensions import db
from repairapp.main.links import public_url_for
from repairapp.notifications.models import Delivery, Transport
from repairapp.servicereports.services import recipients

THRESHOLDS = (60, 30, 7)
LOCALES = ("zh", "en")


def due_threshold(days_left: int) -> int | None:
    """The most urgent threshold reached with `days_left` days to go; None outside 0-60."""
    if days_left < 0:
        return None
    reached = [t for t in THRESHOLDS if days_left <= t]
    return min(reached) if reached else None


def _renewed() -> sa.ColumnElement[bool]:
    """A later contract of the same customer sharing a machine (see the module's docstring)."""
    later = aliased(Contract)
    mine, theirs = contract_assets.alias("mine"), contract_assets.alias("theirs")
    is_later = (later.id != Contract.id, later.customer_id == Contract.customer_id,
                later.is_archived.is_(False), later.end_date > Contract.end_date)
    shares_a_machine = sa.select(1).select_from(later) \
        .join(theirs, theirs.c.contract_id == later.id) \
        .join(mine, mine.c.asset_id == theirs.c.asset_id) \
        .where(mine.c.contract_id == Contract.id, *is_later).exists()
    has_machines = sa.select(1).where(contract_assets.c.contract_id == Contract.id).exists()
    any_later = sa.select(1).select_from(later).where(*is_later).exists()
    return sa.or_(shares_a_machine, sa.and_(~has_machines, any_later))


def due_notices(today: date) -> list[tuple[Contract, int]]:
    """(contract, threshold) of each notice due today and not yet queued."""
    contracts = list(db.session.scalars(
        sa.select(Contract).join(Customer, Customer.id == Contract.customer_id)
        .where(Contract.is_archived.is_(False), Customer.is_archived.is_(False),
               Contract.end_date >= today,
               Contract.end_date <= today + timedelta(days=max(THRESHOLDS)), ~_renewed())
        .order_by(Contract.end_date, Contract.id)))
    sent = {(row.contract_id, row.threshold_days) for row in db.session.execute(
        sa.select(RenewalNotice.contract_id, RenewalNotice.threshold_days)
        .where(RenewalNotice.contract_id.in_([c.id for c in contracts])))}
    due = [(c, due_threshold((c.end_date - today).days)) for c in contracts]
    return [(c, t) for c, t in due if (c.id, t) not in sent]


def queue_renewal_notices(today: date) -> int:
    """Queue each notice due today, once (see the module's docstring); how many were new."""
    queued = 0
    for contract, threshold in due_notices(today):
        days_left = (contract.end_date - today).days
        notice_id = db.session.scalar(
            upsert(RenewalNotice, db.engine)
            .values(contract_id=contract.id, threshold_days=threshold, days_left=days_left,
                    sent_to="", created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["contract_id", "threshold_days"])
            .returning(RenewalNotice.id))
        if notice_id is None:
            continue  # another sweep queued it
        quote = renewal_quote(contract, today, current_app.config["TAX_RATE_PERCENT"])
        deliveries = _deliveries(quote, days_left)
        db.session.add_all(deliveries)
        db.session.get(RenewalNotice, notice_id).sent_to = \
            ", ".join(d.recipient for d in deliveries)[:1000]
        queued += 1
    db.session.flush()
    return queued


def _deliveries(quote: RenewalQuote, days_left: int) -> list[Delivery]:
    customer = quote.contract.customer
    manager = customer.account_manager if customer.account_manager and \
        customer.account_manager.is_active else None
    contacts = [a for a in recipients(customer)
                if manager is None or a.lower() != manager.email.lower()]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    contact_locale = customer.report_locale if customer.report_locale in LOCALES else default
    people = [(address, contact_locale, False) for address in contacts]
    staff = [manager] if manager else ([] if contacts else _admins())
    people += [(user.email, user.locale or default, True) for user in staff]
    return [_delivery(quote, days_left, address, locale, for_staff)
            for address, locale, for_staff in people]


def _admins() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(
        User.role == Role.ADMIN, User.is_active.is_(True)).order_by(User.id)))


def _delivery(quote: RenewalQuote, days_left: int, address: str, locale: str,
              for_staff: bool) -> Delivery:
    subject, body = message(quote, days_left, locale, for_staff)
    return Delivery(notification_id=None, transport=Transport.EMAIL, recipient=address,
                    subject=subject[:200], body=body)


def message(quote: RenewalQuote, days_left: int, locale: str,
            for_staff: bool) -> tuple[str, str]:
    """Subject and body of a renewal notice in `locale`; staff get the quote page's link."""
    config = current_app.config
    contract = quote.contract
    with force_locale(locale):
        subject = _("[%(vendor)s] Renewal: contract %(number)s ends on %(date)s "
                    "(%(days)s days left)", vendor=config["VENDOR_NAME"],
                    number=contract.number, date=contract.end_date.isoformat(),
                    days=days_left)
        lines = [_("Hello,"), "",
                 _("Service contract %(number)s of %(customer)s (%(plan)s) ends on %(date)s, "
                   "in %(days)s days. To keep the service going without a gap, please renew "
                   "before then. Our quote, tax included:", number=contract.number,
                   customer=contract.customer.name, plan=contract.plan.name,
                   date=contract.end_date.isoformat(), days=days_left), ""]
        lines += quote_summary(quote)
        if for_staff:
            lines += ["", _("The quote as a page and a PDF: %(link)s",
                            link=public_url_for("billing.renewal", contract_id=contract.id))]
        lines += ["", _("Questions: %(vendor)s %(hotline)s", vendor=config["VENDOR_NAME"],
                        hotline=config["VENDOR_HOTLINE"])]
    return subject, "\n".join(lines)

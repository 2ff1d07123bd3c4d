"""Customers' service reports: periods, private links, and sending each one exactly once.

Any number of `flask reports send` runs on any number of servers may run at once (two cron
hosts, a manual run during the cron one). Each customer and period has one row (a unique
constraint, inserted with ON CONFLICT DO NOTHING), and a run sends only after it has
claimed that row with one conditional UPDATE that only one run can win; the claim is
committed before sending and the row is marked sent only while the claim holds. A run
that dies between the mail server taking the message and recording it leaves a claim that
expires after LEASE; the next run then sends again (the one case of a second email).
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from repairapp.accounts.models import User
from repairapp.customers.models import Customer
from repairapp.db import upsert, utcnow
from repairapp.extensions import db
from repairapp.main.links import public_url_for
from repairapp.notifications.transports import Attachment, SendError, Smtp, send_email
from repairapp.reports.forms import period
from repairapp.servicereports.models import ServiceReport, new_token

LEASE = timedelta(minutes=10)
LOCALES = ("zh", "en")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


def quarter(year: int, number: int) -> tuple[date, date]:
    """First and last day of quarter `number` (1-4) of `year`."""
    return period("this_quarter", date(year, 3 * number - 2, 1))


def parse_quarter(text: str) -> tuple[date, date]:
    """"2026-Q3" (or "2026Q3") as its first and last day; ValueError otherwise."""
    match = _QUARTER.match(text.strip())
    if not match:
        raise ValueError(text)
    return quarter(int(match[1]), int(match[2]))


def quarter_name(start: date) -> str:
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def last_quarter(today: date) -> tuple[date, date]:
    """The last full quarter before `today`: the default period."""
    return period("last_quarter", today)


def period_label(start: date, end: date) -> str:
    """"2026年第3季度" / "2026 Q3" for a quarter, else the two dates (in the active language)."""
    if (start, end) == quarter(start.year, (start.month - 1) // 3 + 1):
        return _("%(year)s Q%(number)s", year=start.year, number=(start.month - 1) // 3 + 1)
    return _("%(start)s to %(end)s", start=start.isoformat(), end=end.isoformat())


def recipients(customer: Customer) -> list[str]:
    """The customer's report contacts, then the account manager; each address once."""
    found = [a.strip() for a in re.split(r"[,;，；\s]+", customer.report_emails) if a.strip()]
    manager = customer.account_manager
    if manager is not None and manager.is_active:
        found.append(manager.email)
    seen: dict[str, str] = {}
    for address in found:
        seen.setdefault(address.lower(), address)
    return list(seen.values())


def issue(customer_id: int, start: date, end: date) -> ServiceReport:
    """The report row of this customer and period, created if missing (by whoever is first)."""
    table = ServiceReport.__table__
    db.session.execute(upsert(table, db.engine).values(
        customer_id=customer_id, period_start=start, period_end=end, token=new_token(),
        created_at=utcnow(), sent_to="", send_attempts=0, last_error="",
    ).on_conflict_do_nothing(index_elements=["customer_id", "period_start", "period_end"]))
    db.session.commit()
    return db.session.scalars(sa.select(ServiceReport).where(
        ServiceReport.customer_id == customer_id, ServiceReport.period_start == start,
        ServiceReport.period_end == end)).one()


def revoke(report: ServiceReport, now: datetime | None = None) -> None:
    """The link stops opening at once; the row (and whether it was sent) stays."""
    if report.revoked_at is None:
        report.revoked_at = now or utcnow()


def renew(report: ServiceReport) -> None:
    """A new link; the old one never opens again."""
    report.token, report.revoked_at = new_token(), None


def by_token(token: str) -> ServiceReport | None:
    """The report a live link opens; None for an unknown or revoked link."""
    if len(token) > 64:
        return None
    return db.session.scalars(sa.select(ServiceReport).where(
        ServiceReport.token == token, ServiceReport.revoked_at.is_(None))).first()


def link(report: ServiceReport) -> str:
    return public_url_for("servicereports.view", token=report.token)


def pdf_filename(report: ServiceReport) -> str:
    return (f"service-report-{report.customer_id}-{report.period_start:%Y%m%d}"
            f"-{report.period_end:%Y%m%d}.pdf")


def render(report: ServiceReport, locale: str):
    """The report's content and its PDF in `locale`."""
    from repairapp.reports import customer, customer_pdf

    content = customer.build(report.customer_id, report.period_start, report.period_end)
    return content, customer_pdf.render_pdf(content, locale=locale)


# --- sending -------------------------------------------------------------------------------

SENT, ALREADY_SENT, BUSY, FAILED, NO_RECIPIENTS, REVOKED = (
    "sent", "already sent", "being sent by another run", "failed", "no recipients", "revoked")


@dataclass(frozen=True)
class Outcome:
    customer: str
    result: str
    detail: str = ""


def claim(report_id: int, now: datetime) -> bool:
    """Take the row for this run alone; False if it was sent, revoked, or another run holds
    it. The claim is committed before anything is sent."""
    table = ServiceReport.__table__
    won = db.session.execute(
        sa.update(table)
        .where(table.c.id == report_id, table.c.sent_at.is_(None), table.c.revoked_at.is_(None),
               sa.or_(table.c.claimed_until.is_(None), table.c.claimed_until <= now))
        .values(claimed_until=now + LEASE, send_attempts=table.c.send_attempts + 1)).rowcount
    db.session.commit()
    return won == 1


def _finish(report_id: int, claimed_until: datetime, **values) -> None:
    """Record the outcome, only while our claim still holds (else another run took over)."""
    table = ServiceReport.__table__
    db.session.execute(sa.update(table).where(
        table.c.id == report_id, table.c.claimed_until == claimed_until).values(
        claimed_until=None, **values))
    db.session.commit()


def message(report: ServiceReport, locale: str) -> tuple[str, str]:
    """Subject and body of the report's email, in `locale`."""
    vendor = current_app.config["VENDOR_NAME"]
    with force_locale(locale):
        period = period_label(report.period_start, report.period_end)
        subject = _("[%(vendor)s] %(customer)s service report, %(period)s", vendor=vendor,
                    period=period, customer=report.customer.name)
        body = _("Hello,\n\nAttached is the service report of %(customer)s for %(period)s: "
                 "your machines and their coverage, the repairs against our promise, "
                 "satisfaction, follow-ups and preventive inspections.\n\nYou can also open "
                 "it in a browser, no account needed:\n%(link)s\n\nPlease keep this link "
                 "to yourselves; anyone who has it can read the report.\n\n%(vendor)s "
                 "%(hotline)s",
                 customer=report.customer.name, period=period, link=link(report),
                 vendor=vendor, hotline=current_app.config["VENDOR_HOTLINE"])
    return subject, body


def deliver(report_id: int, smtp: Smtp, now: datetime | None = None) -> Outcome:
    """Send one report if nobody has: claim, render, email with the PDF, record."""
    now = now or utcnow()
    report = db.session.get(ServiceReport, report_id)
    name = report.customer.name
    if report.sent_at is not None:
        return Outcome(name, ALREADY_SENT)
    if report.revoked_at is not None:
        return Outcome(name, REVOKED)
    to = recipients(report.customer)
    if not to:
        return Outcome(name, NO_RECIPIENTS)
    if not claim(report_id, now):
        db.session.refresh(report)
        return Outcome(name, ALREADY_SENT if report.sent_at else BUSY)
    claimed_until = now + LEASE
    locale = report.customer.report_locale if report.customer.report_locale in LOCALES \
        else "zh"
    try:
        _content, pdf = render(report, locale)
        subject, body = message(report, locale)
        send_email(smtp, to, subject, body, (Attachment(pdf_filename(report), pdf),))
    except SendError as error:
        db.session.rollback()
        _finish(report_id, claimed_until, last_error=str(error)[:500])
        return Outcome(name, FAILED, str(error))
    except BaseException:
        db.session.rollback()
        _finish(report_id, claimed_until, last_error="could not build the report")
        raise
    _finish(report_id, claimed_until, sent_at=utcnow(), sent_to=", ".join(to), last_error="")
    return Outcome(name, SENT, ", ".join(to))


def customers_to_send(customer_id: int | None = None) -> list[int]:
    """Customers who get a report: not archived, with a contact address or an active account
    manager."""
    query = (sa.select(Customer.id).outerjoin(User, User.id == Customer.account_manager_id)
             .where(Customer.is_archived.is_(False),
                    sa.or_(Customer.report_emails != "", User.is_active.is_(True)))
             .order_by(Customer.id))
    if customer_id is not None:
        query = query.where(Customer.id == customer_id)
    return list(db.session.scalars(query))


def send_period(start: date, end: date, smtp: Smtp, customer_id: int | None = None,
                now: datetime | None = None) -> list[Outcome]:
    """Send every customer's report for the period (at most once each, whoever runs)."""
    outcomes = []
    for cid in customers_to_send(customer_id):
        outcomes.append(deliver(issue(cid, start, end).id, smtp, now))
    return outcomes


def tally(outcomes: list[Outcome]) -> Counter:
    return Counter(o.result for o in outcomes)

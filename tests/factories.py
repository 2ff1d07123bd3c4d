"""Test data with sensible defaults; pass only what a test is about."""

import functools
import itertools
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from repairapp.accounts import passwords
from repairapp.accounts.models import Role, User
from repairapp.assets.models import Asset
from repairapp.assets.services import issue_label
from repairapp.contracts.models import Contract, PlanKind, ServiceLevel, ServicePlan
from repairapp.customers.models import Customer, Site
from repairapp.extensions import db

_seq = itertools.count(1)
PASSWORD = "secret-pass-1"


def _add(obj):
    """Committed, so the app sees it from its own session, as with real requests."""
    db.session.add(obj)
    db.session.commit()
    return obj


def site(**kw) -> Site:
    n = next(_seq)
    customer = kw.pop("customer", None) or _add(Customer(name=f"Customer {n}"))
    return _add(Site(customer=customer, name=kw.pop("name", f"Site {n}"),
                     timezone=kw.pop("timezone", "Asia/Shanghai"),
                     address=kw.pop("address", "1 Factory Road"), **kw))


def plan(kind=PlanKind.EXTENDED, level=ServiceLevel.A, *, response=120, resolution=240,
         **kw) -> ServicePlan:
    """A plan promising `response`/`resolution` minutes for critical faults (x2, x4 for lower)."""
    return _add(ServicePlan(
        name=kw.pop("name", f"Plan {next(_seq)}"), kind=kind,
        service_level=level if kind is PlanKind.EXTENDED else None,
        response_critical_min=response, resolution_critical_min=resolution,
        response_major_min=response * 2, resolution_major_min=resolution * 2,
        response_minor_min=response * 4, resolution_minor_min=resolution * 4, **kw))


def asset(*, accepted: date | None = None, warranty_months: int = 12, with_label=True,
          **kw) -> Asset:
    n = next(_seq)
    new = Asset(tag=kw.pop("tag", f"EQ-{n:05d}"), name=kw.pop("name", f"Machine {n}"),
                model=kw.pop("model", "M-1"), site=kw.pop("site", None) or site(),
                acceptance_date=accepted, warranty_months=warranty_months, **kw)
    if with_label:
        issue_label(new)
    return _add(new)


def contract(asset: Asset, plan: ServicePlan, start: date, end: date, **kw) -> Contract:
    return _add(Contract(number=kw.pop("number", f"HT-{next(_seq)}"),
                         customer=asset.site.customer, plan=plan, start_date=start,
                         end_date=end, amount=kw.pop("amount", Decimal("9999.00")),
                         assets=[asset], **kw))


def user(role=Role.TECHNICIAN, **kw) -> User:
    n = next(_seq)
    new = User(email=kw.pop("email", f"user{n}@example.com"), name=kw.pop("name", f"User {n}"),
               role=role, **kw)
    new.password_hash = _password_hash()  # as set_password(PASSWORD), without 50 ms a user
    return _add(new)


@functools.cache
def _password_hash() -> str:
    return passwords.hash_password(PASSWORD)


def standard_plans() -> dict[str, ServicePlan]:
    """The warranty and per-incident defaults every installation has, plus an A contract."""
    return {
        "warranty": plan(PlanKind.WARRANTY, name="Warranty", response=120, resolution=480),
        "per_incident": plan(PlanKind.PER_INCIDENT, name="Per incident", response=1440,
                             resolution=4320),
        "A": plan(PlanKind.EXTENDED, ServiceLevel.A, name="Level A", response=60,
                  resolution=240),
    }


def days(n: int) -> timedelta:
    return timedelta(days=n)


def ticket(asset_=None, *, assignee=None, severity=None, status=None, now=None, **kw):
    """A filed ticket (via the real filing service), optionally assigned and moved."""
    from repairapp.contracts.models import Severity
    from repairapp.tickets.models import Category
    from repairapp.tickets.services import file_ticket

    new = file_ticket(asset_ or asset(), category=kw.pop("category", Category.ERROR),
                      severity=severity or Severity.CRITICAL, description=kw.pop("description", ""),
                      requester_name=kw.pop("requester_name", "Zhou"),
                      requester_phone=kw.pop("requester_phone", "13900000001"),
                      idempotency_key=f"key-{next(_seq):012d}",
                      requester_email=kw.pop("requester_email", ""),
                      now=now, photos=kw.pop("photos", ()))
    new.assignee = assignee
    if status is not None:
        new.status = status
    db.session.commit()
    return new


def count(model) -> int:
    """How many rows a table holds, as the database sees it."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def fresh(ticket):
    """The ticket as the database has it now (after another request changed it)."""
    from repairapp.tickets.models import Ticket

    db.session.expire_all()
    return db.session.get(Ticket, ticket.id)

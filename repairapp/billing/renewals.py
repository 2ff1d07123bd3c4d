"""Renewal quotes: the next term for the same plan and one tier up and down, and the
back-payment (断保补费) when the renewal starts after a lapse."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app

from repairapp.billing.fees import Gap, Price, price
from repairapp.contracts.models import Contract, PlanKind, ServiceLevel, ServicePlan
from repairapp.contracts.services import lapses_before
from repairapp.extensions import db

L = ServiceLevel
#: Tiers from the least to the most promised: by the site's working hours, by service level.
LADDERS = ((L.H8, L.H16, L.H24), (L.C, L.B, L.A))
SAME, UP, DOWN = "same", "up", "down"


def today() -> date:
    """Today where the vendor works: contract days are calendar days there."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def neighbour(level: ServiceLevel | None, step: int) -> ServiceLevel | None:
    """The tier one step up (+1) or down (-1) on its ladder; None past either end."""
    for ladder in LADDERS:
        if level in ladder:
            i = ladder.index(level) + step
            return ladder[i] if 0 <= i < len(ladder) else None
    return None


def plan_of_tier(level: ServiceLevel) -> ServicePlan | None:
    """The extended plan offered for a tier: not archived, one with a fee first."""
    return db.session.scalars(
        sa.select(ServicePlan).where(ServicePlan.kind == PlanKind.EXTENDED,
                                     ServicePlan.service_level == level,
                                     ServicePlan.is_archived.is_(False))
        .order_by((ServicePlan.fee_rate_percent.is_(None)
                   & ServicePlan.fee_annual.is_(None)), ServicePlan.id).limit(1)).first()


def _term_months(first: date, last: date) -> int | None:
    """The term's length in whole months (it ends the day before the same date n months
    later), or None."""
    after = last + timedelta(days=1)
    months = (after.year - first.year) * 12 + after.month - first.month
    return months if months > 0 and first + relativedelta(months=months) == after else None


def next_term(contract: Contract, today: date) -> tuple[date, date]:
    """The renewal's first and last day: as long as this term (in months where it is whole
    months, else in days), starting the day after it ends, or today if it has already
    ended (the days between are then paid back)."""
    start = max(contract.end_date + timedelta(days=1), today)
    months = _term_months(contract.start_date, contract.end_date)
    if months:
        return start, start + relativedelta(months=months) - timedelta(days=1)
    return start, start + (contract.end_date - contract.start_date)


def lapse_gap(contract: Contract) -> Gap | None:
    """The lapse a contract renews after: from the first day its machines went without
    warranty or contract (the earliest, if they lapsed on different days) to the day before
    it starts; None when it continues coverage without a gap."""
    lapses = lapses_before(contract)
    if not lapses:
        return None
    return Gap(min(lapse.start for lapse in lapses), contract.start_date - timedelta(days=1))


@dataclass(frozen=True)
class Option:
    """One plan offered for the next term: the same plan, one tier up or one down."""

    step: str
    plan: ServicePlan
    price: Price | None  # None: the plan has no fee on record


@dataclass(frozen=True)
class RenewalQuote:
    contract: Contract
    quoted_on: date
    start: date
    end: date
    #: The days between the contract's end and the renewal's start, paid back; or None.
    gap: Gap | None
    options: tuple[Option, ...]
    tax_percent: Decimal

    @property
    def chosen(self) -> Option:
        """The same plan again: what the notice leads with."""
        return self.options[0]


def renewal_quote(contract: Contract, today: date, tax_percent: Decimal) -> RenewalQuote:
    """The quote for renewing `contract` as of `today`."""
    start, end = next_term(contract, today)
    gap = Gap(contract.end_date + timedelta(days=1), start - timedelta(days=1)) \
        if start > contract.end_date + timedelta(days=1) else None
    plans = [(SAME, contract.plan)]
    for step, direction in ((UP, 1), (DOWN, -1)):
        level = neighbour(contract.plan.service_level, direction)
        found = plan_of_tier(level) if level else None
        if found is not None and found.id != contract.plan_id:
            plans.append((step, found))
    options = tuple(Option(step, plan, price(plan, contract.amount, start, end, gap))
                    for step, plan in plans)
    return RenewalQuote(contract, today, start, end, gap, options, tax_percent)

"""What a contract costs: a plan's annual fee, a term's fee and back-payment over a lapse.

Rules (docs/contracts.md):
- The annual fee is the plan's rate x the contract amount (rounded half up to the fen), or
  the plan's fixed annual fee.
- A stretch of days costs its whole years x the annual fee plus each remaining day at
  annual fee / 365, rounded once, half up, to the fen. A whole year ends the day before the
  same date a year later (1 January to 31 December; 1 March to the end of February, 366
  days or not). So a year's term costs exactly the annual fee in a leap year too, and a
  lapse of 40 days costs 40/365 of it.
- Every amount includes tax; the tax it contains is total x r / (100 + r), to the fen.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from repairapp.billing.money import tax_contained, to_fen
from repairapp.contracts.models import Contract, ServicePlan

DAYS_A_YEAR = 365


def annual_fee(plan: ServicePlan, amount: Decimal) -> Decimal | None:
    """The plan's yearly fee for a contract of `amount`; None when the plan has no fee."""
    if plan.fee_rate_percent is not None:
        return to_fen(amount * plan.fee_rate_percent / 100)
    if plan.fee_annual is not None:
        return to_fen(plan.fee_annual)
    return None


def years_and_days(first: date, last: date) -> tuple[int, int]:
    """The whole years from `first` to `last` (both inclusive) and the days left over. A year
    from `first` ends the day before the same date a year later (1 March 2023 to 29 February
    2024 is a year, 1 March 2024 to 28 February 2025 too)."""
    after = last + timedelta(days=1)
    years = max(0, after.year - first.year)
    while years and first + relativedelta(years=years) > after:
        years -= 1
    return years, (after - (first + relativedelta(years=years))).days


def pro_rata(annual: Decimal, first: date, last: date) -> Decimal:
    """What the days from `first` to `last` (inclusive) cost at `annual` a year."""
    if last < first:
        return Decimal("0.00")
    years, days = years_and_days(first, last)
    return to_fen(annual * years + annual * days / DAYS_A_YEAR)


@dataclass(frozen=True)
class Gap:
    """Days without coverage that a renewal pays back (断保补费), both ends inclusive."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Price:
    """One plan's price for one term, with the back-payment of a lapse before it."""

    annual: Decimal
    term: Decimal
    back_payment: Decimal

    @property
    def total(self) -> Decimal:
        return self.term + self.back_payment

    def tax(self, tax_percent: Decimal) -> Decimal:
        return tax_contained(self.total, tax_percent)


def price(plan: ServicePlan, amount: Decimal, first: date, last: date,
          gap: Gap | None = None) -> Price | None:
    """`plan`'s price for a contract of `amount` from `first` to `last`, plus the gap's days
    at the same annual fee; None when the plan has no fee."""
    annual = annual_fee(plan, amount)
    if annual is None:
        return None
    back = pro_rata(annual, gap.start, gap.end) if gap else Decimal("0.00")
    return Price(annual, pro_rata(annual, first, last), back)


def contract_price(contract: Contract, gap: Gap | None = None) -> Price | None:
    """The contract's own term fee (and the back-payment of the lapse before it)."""
    return price(contract.plan, contract.amount, contract.start_date, contract.end_date, gap)

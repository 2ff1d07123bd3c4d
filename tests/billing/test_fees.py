"""Contract fees: a plan's annual fee, a term's fee pro rata, tax contained, rounding half up."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

import factories as f
from repairapp.billing.fees import Gap, annual_fee, contract_price, pro_rata, years_and_days
from repairapp.billing.money import tax_contained, to_fen, yuan
from repairapp.contracts.models import Contract, PlanKind, ServiceLevel, ServicePlan
from repairapp.extensions import db

D = Decimal
SIX = D(6)


def plan(**fee) -> ServicePlan:
    return ServicePlan(name="P", **fee)


@pytest.mark.parametrize("fee,amount,expected", [
    ({"fee_rate_percent": D("8")}, D("12800.00"), D("1024.00")),
    ({"fee_rate_percent": D("7.5")}, D("12800.00"), D("960.00")),
    ({"fee_rate_percent": D("8.25")}, D("10000.00"), D("825.00")),
    ({"fee_rate_percent": D("7")}, D("12345.50"), D("864.19")),  # 864.185: half up, not even
    ({"fee_rate_percent": D("10")}, D("0.05"), D("0.01")),       # 0.005 -> 0.01
    ({"fee_annual": D("18000.00")}, D("12800.00"), D("18000.00")),  # fixed: amount ignored
    ({}, D("12800.00"), None),                                     # no fee on record
])
def test_annual_fee_by_rate_or_fixed(fee, amount, expected):
    """Rate x contract amount, rounded half up to the fen; or the fixed fee; or none."""
    assert annual_fee(plan(**fee), amount) == expected


@pytest.mark.parametrize("first,last,years,days", [
    (date(2025, 1, 1), date(2025, 12, 31), 1, 0),
    (date(2024, 1, 1), date(2024, 12, 31), 1, 0),     # 366 days, still one year
    (date(2023, 3, 1), date(2024, 2, 29), 1, 0),      # to a leap day
    (date(2024, 3, 1), date(2025, 2, 28), 1, 0),      # from after a leap day
    (date(2025, 1, 15), date(2026, 1, 14), 1, 0),
    (date(2025, 1, 15), date(2026, 1, 13), 0, 364),   # a day short of a year
    (date(2025, 1, 1), date(2026, 6, 30), 1, 181),    # 18 months
    (date(2025, 1, 1), date(2027, 12, 31), 3, 0),
    (date(2025, 3, 1), date(2025, 3, 1), 0, 1),       # one day
])
def test_whole_years_and_days(first, last, years, days):
    """A year ends the day before the same date a year later; the rest counts in days."""
    assert years_and_days(first, last) == (years, days)


@pytest.mark.parametrize("first,last,expected", [
    (date(2025, 1, 1), date(2025, 12, 31), D("1024.00")),
    (date(2024, 1, 1), date(2024, 12, 31), D("1024.00")),   # leap year: not 366/365 of it
    (date(2025, 1, 1), date(2026, 6, 30), D("1531.79")),    # 1024 + 1024 x 181/365 = 507.79178
    (date(2025, 3, 1), date(2025, 3, 1), D("2.81")),        # one day: 2.805479...
    (date(2025, 4, 1), date(2025, 6, 30), D("255.30")),     # 91 days: 255.29863...
    (date(2026, 1, 1), date(2026, 3, 14), D("204.80")),     # 73 days = 1/5 year exactly
    (date(2025, 3, 2), date(2025, 3, 1), D("0.00")),        # nothing
])
def test_pro_rata_per_day(first, last, expected):
    """Whole years at the annual fee, each other day at annual / 365, rounded once."""
    assert pro_rata(D("1024.00"), first, last) == expected


@pytest.mark.parametrize("total,rate,expected", [
    (D("1024.00"), SIX, D("57.96")),      # 57.962264...
    (D("1060.00"), SIX, D("60.00")),
    (D("1531.79"), SIX, D("86.71")),      # 86.705094...
    (D("10.05"), D(100), D("5.03")),      # 5.025: half up
    (D("0.01"), SIX, D("0.00")),
])
def test_tax_contained_in_a_total(total, rate, expected):
    """Tax inside a tax-included total: total x r / (100 + r), half up to the fen."""
    assert tax_contained(total, rate) == expected


def test_rounding_is_half_up_at_the_fen():
    """x.xx5 goes up, as on a Chinese invoice (Python's default would go to even)."""
    assert [to_fen(D(v)) for v in ("2.005", "2.015", "2.0049", "-2.005")] == [
        D("2.01"), D("2.02"), D("2.00"), D("-2.01")]
    assert yuan(D("12800")) == "¥12,800.00" and yuan(D("0.005")) == "¥0.01"


def test_fee_per_plan_and_term_from_the_database():
    """Stored plans and contracts (Numeric on either database) give the same exact fees."""
    rate = f.plan(level=ServiceLevel.H16, fee_rate_percent=D("8.25"))
    fixed = f.plan(level=ServiceLevel.A, fee_annual=D("18000.00"))
    asset = f.asset()
    year = f.contract(asset, rate, date(2025, 1, 1), date(2025, 12, 31), amount=D("12800.00"))
    half = f.contract(asset, fixed, date(2026, 1, 1), date(2026, 6, 30), amount=D("12800.00"))
    db.session.expire_all()
    year, half = db.session.get(Contract, year.id), db.session.get(Contract, half.id)
    assert year.plan.fee_rate_percent == D("8.25") and half.plan.fee_annual == D("18000.00")
    first, second = contract_price(year), contract_price(half)
    assert (first.annual, first.term, first.total) == (D("1056.00"), D("1056.00"), D("1056.00"))
    assert first.tax(SIX) == D("59.77")                       # 59.773584...
    # 181 days of 18,000 a year: 8,926.027397... ; tax 505.246...
    assert (second.annual, second.term) == (D("18000.00"), D("8926.03"))
    assert second.tax(SIX) == D("505.25")


def test_back_payment_for_a_gap_is_added():
    """The lapse's days at the same annual fee come on top of the term's fee."""
    rate = f.plan(level=ServiceLevel.H16, fee_rate_percent=D("8"))
    contract = f.contract(f.asset(), rate, date(2025, 7, 1), date(2026, 6, 30),
                          amount=D("12800.00"))
    price = contract_price(contract, Gap(date(2025, 4, 1), date(2025, 6, 30)))
    assert (price.term, price.back_payment, price.total) == (
        D("1024.00"), D("255.30"), D("1279.30"))
    assert price.tax(SIX) == D("72.41")                       # 72.413207...


def test_a_plan_cannot_have_both_a_rate_and_a_fixed_fee():
    """The database refuses a plan with a rate and a fixed fee (ck_service_plans_one_fee)."""
    db.session.add(ServicePlan(name="Both", kind=PlanKind.EXTENDED, fee_rate_percent=D(8),
                               fee_annual=D(1000)))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


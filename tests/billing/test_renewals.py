"""Renewal quotes: the next term, the same plan and one tier up and down, back-payment."""

from datetime import date
from decimal import Decimal

import pytest

import factories as f
from repairapp.billing.fees import Gap
from repairapp.billing.renewals import DOWN, SAME, UP, lapse_gap, next_term, renewal_quote
from repairapp.contracts.models import ServiceLevel

D = Decimal
L = ServiceLevel
AMOUNT = D("12800.00")


@pytest.fixture
def tiers():
    """Site-hours plans at 7, 8 and 10 % of the contract amount; A at a fixed fee."""
    return {
        L.H8: f.plan(level=L.H8, name="8h", fee_rate_percent=D(7)),
        L.H16: f.plan(level=L.H16, name="16h", fee_rate_percent=D(8)),
        L.H24: f.plan(level=L.H24, name="24h", fee_rate_percent=D(10)),
        L.B: f.plan(level=L.B, name="B", fee_rate_percent=D(8)),
        L.A: f.plan(level=L.A, name="A", fee_annual=D("18000.00")),
    }


def _contract(plan, start, end, **kw):
    return f.contract(kw.pop("asset", None) or f.asset(), plan, start, end, amount=AMOUNT, **kw)


@pytest.mark.parametrize("start,end,today,expected", [
    # a year, quoted before it ends: the next year
    (date(2025, 1, 1), date(2025, 12, 31), date(2025, 11, 20),
     (date(2026, 1, 1), date(2026, 12, 31))),
    # to the end of February: the next one ends at February's end too
    (date(2024, 3, 1), date(2025, 2, 28), date(2025, 2, 1), (date(2025, 3, 1), date(2026, 2, 28))),
    (date(2023, 3, 1), date(2024, 2, 29), date(2024, 1, 5), (date(2024, 3, 1), date(2025, 2, 28))),
    # three months from the 15th
    (date(2025, 1, 15), date(2025, 4, 14), date(2025, 4, 1),
     (date(2025, 4, 15), date(2025, 7, 14))),
    # not whole months: the same number of days (42)
    (date(2025, 1, 10), date(2025, 2, 20), date(2025, 2, 1),
     (date(2025, 2, 21), date(2025, 4, 3))),
    # ended already: from today, a whole year
    (date(2025, 1, 1), date(2025, 12, 31), date(2026, 3, 15),
     (date(2026, 3, 15), date(2027, 3, 14))),
])
def test_next_term(tiers, start, end, today, expected):
    """Same length, from the day after the end (or from today once it has ended)."""
    assert next_term(_contract(tiers[L.H16], start, end), today) == expected


def test_quote_offers_the_same_plan_and_one_tier_up_and_down(tiers):
    """16 h site: 16 h at 8 %, 24 h at 10 %, 8 h at 7 % of 12,800 for the next year."""
    contract = _contract(tiers[L.H16], date(2025, 1, 1), date(2025, 12, 31))
    quote = renewal_quote(contract, date(2025, 11, 1), D(6))
    assert (quote.start, quote.end, quote.gap) == (date(2026, 1, 1), date(2026, 12, 31), None)
    got = [(o.step, o.plan.name, o.price.term, o.price.total, o.price.tax(D(6)))
           for o in quote.options]
    assert got == [
        (SAME, "16h", D("1024.00"), D("1024.00"), D("57.96")),  # 57.962264
        (UP, "24h", D("1280.00"), D("1280.00"), D("72.45")),    # 72.452830
        (DOWN, "8h", D("896.00"), D("896.00"), D("50.72")),     # 50.716981
    ]


def test_top_and_bottom_tiers_have_one_neighbour(tiers):
    """Nothing above 24 h or A; nothing below 8 h (and no C plan exists here)."""
    top = renewal_quote(_contract(tiers[L.H24], date(2025, 1, 1), date(2025, 12, 31)),
                        date(2025, 12, 1), D(6))
    assert [(o.step, o.plan.name) for o in top.options] == [(SAME, "24h"), (DOWN, "16h")]
    bottom = renewal_quote(_contract(tiers[L.H8], date(2025, 1, 1), date(2025, 12, 31)),
                           date(2025, 12, 1), D(6))
    assert [(o.step, o.plan.name) for o in bottom.options] == [(SAME, "8h"), (UP, "16h")]
    level_a = renewal_quote(_contract(tiers[L.A], date(2025, 1, 1), date(2025, 12, 31)),
                            date(2025, 12, 1), D(6))
    assert [(o.step, o.plan.name, o.price.total) for o in level_a.options] == [
        (SAME, "A", D("18000.00")), (DOWN, "B", D("1024.00"))]


def test_an_archived_plan_is_not_offered(tiers):
    """One tier up is offered only while that tier has a plan in use."""
    tiers[L.H24].is_archived = True
    contract = _contract(tiers[L.H16], date(2025, 1, 1), date(2025, 12, 31))
    assert [o.step for o in renewal_quote(contract, date(2025, 12, 1), D(6)).options] == [
        SAME, DOWN]


def test_renewing_after_months_pays_back_the_gap(tiers):
    """Ended 2025-12-31, renewed on 2026-03-15: 73 days paid back at each plan's annual fee
    (1/5 of it), on top of the next year."""
    contract = _contract(tiers[L.H16], date(2025, 1, 1), date(2025, 12, 31))
    quote = renewal_quote(contract, date(2026, 3, 15), D(6))
    assert quote.gap == Gap(date(2026, 1, 1), date(2026, 3, 14)) and quote.gap.days == 73
    got = [(o.step, o.price.term, o.price.back_payment, o.price.total, o.price.tax(D(6)))
           for o in quote.options]
    assert got == [
        (SAME, D("1024.00"), D("204.80"), D("1228.80"), D("69.55")),  # 69.554717
        (UP, D("1280.00"), D("256.00"), D("1536.00"), D("86.94")),    # 86.943396
        (DOWN, D("896.00"), D("179.20"), D("1075.20"), D("60.86")),   # 60.860377
    ]


def test_renewing_a_day_late_pays_back_one_day(tiers):
    """Ended yesterday: one day at 1,024 / 365 = 2.805479 -> 2.81."""
    contract = _contract(tiers[L.H16], date(2025, 1, 1), date(2025, 12, 31))
    quote = renewal_quote(contract, date(2026, 1, 2), D(6))
    assert quote.gap == Gap(date(2026, 1, 1), date(2026, 1, 1))
    assert (quote.start, quote.end) == (date(2026, 1, 2), date(2027, 1, 1))
    assert quote.chosen.price.back_payment == D("2.81")
    assert quote.chosen.price.total == D("1026.81")


def test_a_contract_starting_after_the_warranty_lapsed_pays_from_its_end(tiers):
    """Warranty to 2025-01-10, contract from 2025-05-01: 110 days from 2025-01-11 due."""
    asset = f.asset(accepted=date(2024, 1, 10))
    contract = _contract(tiers[L.H16], date(2025, 5, 1), date(2026, 4, 30), asset=asset)
    gap = lapse_gap(contract)
    assert gap == Gap(date(2025, 1, 11), date(2025, 4, 30)) and gap.days == 110


def test_a_contract_continuing_coverage_has_no_gap(tiers):
    """The day after the warranty's last day: nothing to pay back."""
    asset = f.asset(accepted=date(2024, 1, 10))
    contract = _contract(tiers[L.H16], date(2025, 1, 11), date(2026, 1, 10), asset=asset)
    assert lapse_gap(contract) is None

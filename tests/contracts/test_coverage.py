"""Coverage resolution: every state, and the boundary days between them."""

from datetime import UTC, date, datetime

import pytest

import factories as f
from repairapp.contracts.models import CoverageState
from repairapp.contracts.services import (
    Period,
    coverage_for_asset,
    resolve_coverage,
    warranty_period,
)

ACCEPTED = date(2025, 3, 15)
WARRANTY = warranty_period(ACCEPTED, 12)
CONTRACT = Period(date(2026, 3, 16), date(2027, 3, 15), contract_id=7)  # right after warranty


def test_warranty_ends_on_the_corresponding_day():
    """Civil Code art. 201-203: 12 months from 2025-03-15 (not counted) end on 2026-03-15."""
    assert Period(date(2025, 3, 15), date(2026, 3, 15)) == WARRANTY


@pytest.mark.parametrize("accepted,months,end", [
    (date(2025, 1, 31), 1, date(2025, 2, 28)),    # no 31 February: that month's last day
    (date(2024, 1, 31), 1, date(2024, 2, 29)),    # leap year
    (date(2024, 2, 29), 12, date(2025, 2, 28)),   # from a leap day into a common year
    (date(2024, 2, 29), 48, date(2028, 2, 29)),   # into the next leap year
    (date(2025, 8, 31), 6, date(2026, 2, 28)),
    (date(2025, 4, 30), 1, date(2025, 5, 30)),    # a 30th stays the 30th in a longer month
    (date(2025, 12, 31), 12, date(2026, 12, 31)),
])
def test_warranty_ends_at_month_ends_and_leap_days(accepted, months, end):
    """Where the last month has no corresponding day, the period ends on its last day."""
    assert warranty_period(accepted, months) == Period(accepted, end)


@pytest.mark.parametrize("months,accepted", [(0, ACCEPTED), (12, None)])
def test_no_warranty_without_acceptance_or_months(months, accepted):
    """No acceptance date or zero months means no warranty period at all."""
    assert warranty_period(accepted, months) is None


@pytest.mark.parametrize("day,state", [
    (date(2025, 3, 14), CoverageState.NOT_COVERED),   # day before acceptance
    (date(2025, 3, 15), CoverageState.WARRANTY),      # acceptance day
    (date(2026, 3, 15), CoverageState.WARRANTY),      # last warranty day (the anniversary)
    (date(2026, 3, 16), CoverageState.LAPSED),        # first day after: lapsed
])
def test_warranty_boundaries(day, state):
    """Warranty starts on acceptance day and ends after its last day."""
    assert resolve_coverage(WARRANTY, [], day).state is state


@pytest.mark.parametrize("day,state", [
    (date(2026, 3, 15), CoverageState.WARRANTY),
    (date(2026, 3, 16), CoverageState.CONTRACT),      # contract start day
    (date(2027, 3, 15), CoverageState.CONTRACT),      # contract end day, inclusive
    (date(2027, 3, 16), CoverageState.LAPSED),        # day after the end
])
def test_contract_boundaries(day, state):
    """A contract covers both its start and end days and lapses the day after."""
    assert resolve_coverage(WARRANTY, [CONTRACT], day).state is state


def test_contract_wins_over_warranty_when_both_run():
    """A paid contract overlapping the warranty gives the contract's promise."""
    overlapping = Period(date(2025, 6, 1), date(2026, 5, 31), contract_id=3)
    result = resolve_coverage(WARRANTY, [overlapping], date(2025, 7, 1))
    assert result.state is CoverageState.CONTRACT
    assert result.period.contract_id == 3


def test_lapsed_reports_the_first_uncovered_day_of_the_latest_period():
    """Lapsed coverage points at the day after the last covered period ended."""
    result = resolve_coverage(WARRANTY, [CONTRACT], date(2027, 6, 1))
    assert result.state is CoverageState.LAPSED
    assert result.period == CONTRACT
    assert result.lapsed_on == date(2027, 3, 16)
    assert result.is_chargeable


def test_gap_between_contracts_is_lapsed_and_renewal_covers_again():
    """Between two contracts the asset is lapsed; the renewal covers again."""
    renewal = Period(date(2027, 5, 1), date(2028, 4, 30), contract_id=8)
    assert resolve_coverage(WARRANTY, [CONTRACT, renewal], date(2027, 4, 1)).state \
        is CoverageState.LAPSED
    assert resolve_coverage(WARRANTY, [CONTRACT, renewal], date(2027, 5, 1)).state \
        is CoverageState.CONTRACT


def test_never_covered_is_chargeable_with_no_period():
    """No warranty and no contract: not covered, chargeable."""
    result = resolve_coverage(None, [], date(2026, 1, 1))
    assert result.state is CoverageState.NOT_COVERED
    assert result.period is None and result.is_chargeable


def test_future_contract_does_not_cover_today():
    """A contract signed to start next month does not cover an asset today."""
    future = Period(date(2026, 12, 1), date(2027, 11, 30), contract_id=1)
    assert resolve_coverage(None, [future], date(2026, 11, 1)).state is CoverageState.NOT_COVERED


def test_coverage_is_judged_on_the_sites_calendar_day():
    """At 17:00 UTC on the last contract day it is already the next day in Shanghai."""
    plans = f.standard_plans()
    machine = f.asset(accepted=None, warranty_months=0)
    f.contract(machine, plans["A"], date(2026, 1, 1), date(2026, 6, 30))
    assert coverage_for_asset(machine, datetime(2026, 6, 30, 15, 59, tzinfo=UTC)).state \
        is CoverageState.CONTRACT
    assert coverage_for_asset(machine, datetime(2026, 6, 30, 16, 0, tzinfo=UTC)).state \
        is CoverageState.LAPSED


@pytest.mark.parametrize("case,expected_plan", [
    ("warranty", "Warranty"), ("contract", "Level A"), ("lapsed", "Per incident"),
    ("never", "Per incident"),
])
def test_each_state_brings_its_plan(case, expected_plan):
    """Warranty uses the warranty plan, contracts their own, uncovered the per-incident plan."""
    plans = f.standard_plans()
    now = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)
    machine = {
        "warranty": lambda: f.asset(accepted=date(2026, 5, 1)),
        "contract": lambda: f.asset(accepted=date(2020, 1, 1)),
        "lapsed": lambda: f.asset(accepted=date(2020, 1, 1)),
        "never": lambda: f.asset(accepted=None, warranty_months=0),
    }[case]()
    if case == "contract":
        f.contract(machine, plans["A"], date(2026, 1, 1), date(2026, 12, 31))
    coverage = coverage_for_asset(machine, now)
    assert coverage.plan.name == expected_plan
    assert coverage.state.value == {"warranty": "warranty", "contract": "contract",
                                    "lapsed": "lapsed", "never": "not_covered"}[case]

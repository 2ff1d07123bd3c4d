"""Pay first, then service: an unpaid contract of such a plan covers nothing yet."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import factories as f
from intake.conftest import scan_url
from repairapp.contracts.models import CoverageState, PlanKind, ServiceLevel
from repairapp.contracts.services import coverage_for_asset
from repairapp.extensions import db
from repairapp.tickets.models import Ticket

NOON = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai, 2026-06-10
DAY = date(2026, 6, 10)


def _plans(pay_first: bool = True):
    f.standard_plans()  # the per-incident plan chargeable work falls back to
    return f.plan(PlanKind.EXTENDED, ServiceLevel.H8, name="8h site", fee_rate_percent=Decimal(7),
                  is_pay_first=pay_first)


def test_unpaid_pay_first_contract_is_pending_and_chargeable():
    """Running, unpaid: pending payment, chargeable, per-incident plan; period of the contract."""
    asset = f.asset(accepted=date(2020, 1, 1))
    contract = f.contract(asset, _plans(), date(2026, 6, 1), date(2027, 5, 31))
    coverage = coverage_for_asset(asset, NOON)
    assert coverage.state is CoverageState.PENDING_PAYMENT and coverage.is_chargeable
    assert coverage.plan.kind is PlanKind.PER_INCIDENT
    assert (coverage.period.start, coverage.period.contract_id) == (date(2026, 6, 1), contract.id)


def test_payment_starts_the_cover_from_its_day():
    """Paid on 2026-06-10: covered that day, pending the day before (a ticket filed then)."""
    asset = f.asset(accepted=date(2020, 1, 1))
    f.contract(asset, _plans(), date(2026, 6, 1), date(2027, 5, 31), paid_on=DAY)
    assert coverage_for_asset(asset, NOON).state is CoverageState.CONTRACT
    day_before = coverage_for_asset(asset, NOON - timedelta(days=1))
    assert day_before.state is CoverageState.PENDING_PAYMENT


def test_an_ordinary_plan_covers_unpaid():
    """Without pay-first, an unpaid contract covers as before."""
    asset = f.asset(accepted=date(2020, 1, 1))
    f.contract(asset, _plans(pay_first=False), date(2026, 6, 1), date(2027, 5, 31))
    assert coverage_for_asset(asset, NOON).state is CoverageState.CONTRACT


def test_warranty_still_covers_beside_an_unpaid_contract():
    """Warranty is free: an unpaid contract signed during it takes nothing away."""
    asset = f.asset(accepted=date(2026, 1, 1))
    f.contract(asset, _plans(), date(2026, 6, 1), date(2027, 5, 31))
    assert coverage_for_asset(asset, NOON).state is CoverageState.WARRANTY


def test_an_unpaid_contract_that_ended_never_covered():
    """It ended unpaid: the machine lapsed when the warranty ended, not when it ended."""
    asset = f.asset(accepted=date(2024, 1, 1))  # warranty to 2025-01-01
    f.contract(asset, _plans(), date(2025, 1, 2), date(2026, 1, 1))
    coverage = coverage_for_asset(asset, NOON)
    assert coverage.state is CoverageState.LAPSED and coverage.lapsed_on == date(2025, 1, 2)


def test_scan_page_says_pending_with_the_hotline_and_a_ticket_is_chargeable(client, app):
    """The requester sees 'not paid yet' and the hotline; the request is filed chargeable."""
    asset = f.asset(accepted=date(2020, 1, 1))
    today = datetime.now(UTC).date()
    f.contract(asset, _plans(), today - timedelta(days=5), today + timedelta(days=360))
    client.set_cookie("lang", "en")
    page = client.get(scan_url(asset)).get_data(as_text=True)
    hotline = app.config["VENDOR_HOTLINE"]
    assert "Service contract not paid yet" in page and hotline in page
    assert "the repair will be charged per incident" in page
    ticket = f.ticket(asset)
    db.session.expire_all()
    stored = db.session.get(Ticket, ticket.id)
    assert stored.coverage_state is CoverageState.PENDING_PAYMENT and stored.is_chargeable

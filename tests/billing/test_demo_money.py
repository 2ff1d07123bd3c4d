"""The demo shows contract money: fees on every tier, a pay-first contract not paid yet
(renewed after a lapse), a contract ending within 30 days and its renewal notice."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from repairapp.billing.notices import queue_renewal_notices
from repairapp.billing.renewals import lapse_gap
from repairapp.contracts.models import Contract, CoverageState, ServicePlan
from repairapp.contracts.services import coverage_for_asset
from repairapp.extensions import db

NOW = datetime(2026, 6, 10, 2, 30, tzinfo=UTC)
TODAY = NOW.date()


def test_demo_contract_money(demo):
    """Every tier has a fee (A a fixed one); one pay-first contract is unpaid and pending,
    after a lapse; the C contract ends within 30 days and gets its notice."""
    demo(NOW)
    plans = [p for p in db.session.scalars(sa.select(ServicePlan)) if p.service_level]
    assert all(p.fee_rate_percent or p.fee_annual for p in plans)
    assert [p.service_level.value for p in plans if p.fee_annual] == ["A"]
    contracts = list(db.session.scalars(sa.select(Contract)))
    [unpaid] = [c for c in contracts if c.paid_on is None]
    assert unpaid.plan.is_pay_first and lapse_gap(unpaid) is not None
    assert coverage_for_asset(unpaid.assets[0], NOW).state is CoverageState.PENDING_PAYMENT
    soon = [c for c in contracts if TODAY <= c.end_date <= TODAY + timedelta(days=30)]
    assert [c.plan.service_level.value for c in soon] == ["C"]
    assert queue_renewal_notices(TODAY) == 1

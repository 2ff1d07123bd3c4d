"""Coverage: which promise holds for an asset on a given day."""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import joinedload

from repairapp.assets.models import Asset
from repairapp.contracts.models import (
    Contract,
    CoverageState,
    PlanKind,
    ServicePlan,
    contract_assets,
    first_uncovered_day,
)
from repairapp.extensions import db

CHARGEABLE_STATES = {CoverageState.LAPSED, CoverageState.NOT_COVERED,
                     CoverageState.PENDING_PAYMENT}


@dataclass(frozen=True)
class Period:
    """A covered stretch of days, both ends inclusive."""

    start: date
    end: date
    contract_id: int | None = None


@dataclass(frozen=True)
class Coverage:
    """What holds on one day: the state, the period it refers to (current or last ended)
    and the plan whose promise applies (None until a plan is attached)."""

    state: CoverageState
    period: Period | None
    plan: ServicePlan | None = None

    @property
    def is_chargeable(self) -> bool:
        return self.state in CHARGEABLE_STATES

    @property
    def lapsed_on(self) -> date | None:
        return first_uncovered_day(self.state, self.period.end if self.period else None)


def warranty_period(acceptance: date | None, months: int) -> Period | None:
    """Warranty covers the acceptance day through the day `months` later (Civil Code art.
    201-203: the acceptance day is not counted, so the period ends on the corresponding day
    of the last month, or on that month's last day where it has none)."""
    if acceptance is None or months <= 0:
        return None
    return Period(acceptance, acceptance + relativedelta(months=months))  # clamps month ends


def resolve_coverage(warranty: Period | None, contracts: list[Period], day: date) -> Coverage:
    """The coverage state on `day`. A running contract wins over warranty (it was paid for)."""
    active = [p for p in contracts if p.start <= day <= p.end]
    if active:
        return Coverage(CoverageState.CONTRACT, max(active, key=lambda p: (p.start, p.end)))
    if warranty and warranty.start <= day <= warranty.end:
        return Coverage(CoverageState.WARRANTY, warranty)
    ended = [p for p in [warranty, *contracts] if p is not None and p.end < day]
    if ended:
        return Coverage(CoverageState.LAPSED, max(ended, key=lambda p: p.end))
    return Coverage(CoverageState.NOT_COVERED, None)


def coverage_on(warranty: Period | None, contracts: list[Period], unpaid: list[Period],
                day: date) -> Coverage:
    """`resolve_coverage` where the `unpaid` contracts (pay first, not paid by `day`) cover
    nothing: one running on `day` makes it "awaiting payment" wherever nothing else covers."""
    result = resolve_coverage(warranty, contracts, day)
    running = [p for p in unpaid if p.start <= day <= p.end]
    if result.is_chargeable and running:  # pay first, then service: not covered yet
        return Coverage(CoverageState.PENDING_PAYMENT,
                        max(running, key=lambda p: (p.start, p.end)))
    return result


def is_awaiting_payment(contract: Contract, day: date) -> bool:
    """A contract of a pay-first plan (先付款后服务) that was not paid by `day` covers nothing
    on that day."""
    return contract.plan.is_pay_first and (contract.paid_on is None or contract.paid_on > day)


def _default_plan(kind: PlanKind) -> ServicePlan | None:
    return db.session.scalar(
        sa.select(ServicePlan).where(ServicePlan.kind == kind).order_by(ServicePlan.id).limit(1)
        .options(joinedload(ServicePlan.calendar))
    )


def coverage_for_asset(asset: Asset, at: datetime) -> Coverage:
    """Coverage of `asset` at instant `at`, judged on the calendar day at the asset's site."""
    day = at.astimezone(ZoneInfo(asset.site.timezone)).date()
    # Each contract's plan and its calendar come along: the covering plan's promise and
    # due times need both (two lazy loads otherwise).
    contracts = db.session.scalars(
        sa.select(Contract).join(contract_assets).where(contract_assets.c.asset_id == asset.id)
        .options(joinedload(Contract.plan).joinedload(ServicePlan.calendar))
    ).all()
    unpaid = {c.id for c in contracts if is_awaiting_payment(c, day)}
    periods = [Period(c.start_date, c.end_date, c.id) for c in contracts]
    result = coverage_on(warranty_period(asset.acceptance_date, asset.warranty_months),
                         [p for p in periods if p.contract_id not in unpaid],
                         [p for p in periods if p.contract_id in unpaid], day)
    if result.state is CoverageState.CONTRACT:
        plan = next(c.plan for c in contracts if c.id == result.period.contract_id)
    elif result.state is CoverageState.WARRANTY:
        plan = asset.warranty_plan or _default_plan(PlanKind.WARRANTY)
    else:
        plan = _default_plan(PlanKind.PER_INCIDENT)
    return replace(result, plan=plan)


@dataclass(frozen=True)
class TimelineEntry:
    """One stretch of an asset's coverage history: warranty, a contract, or a gap."""

    kind: str  # "warranty" | "contract" | "gap"
    start: date
    end: date | None  # None: open-ended (a gap that runs to today)
    contract: Contract | None = None


def contracts_by_asset(asset_ids: list[int]) -> dict[int, list[Contract]]:
    """Every contract of each asset, in one query."""
    rows = db.session.execute(
        sa.select(contract_assets.c.asset_id, Contract).join(contract_assets)
        .where(contract_assets.c.asset_id.in_(asset_ids)).order_by(Contract.start_date))
    found: dict[int, list[Contract]] = {asset_id: [] for asset_id in asset_ids}
    for asset_id, contract in rows:
        found[asset_id].append(contract)
    return found


def coverage_timeline(asset: Asset, today: date,
                      contracts: list[Contract] | None = None) -> list[TimelineEntry]:
    """Warranty and contracts in date order, with the lapses between them (and up to today)."""
    if contracts is None:
        contracts = contracts_by_asset([asset.id])[asset.id]
    periods = [TimelineEntry("contract", c.start_date, c.end_date, c) for c in contracts]
    warranty = warranty_period(asset.acceptance_date, asset.warranty_months)
    if warranty:
        periods.append(TimelineEntry("warranty", warranty.start, warranty.end))
    periods.sort(key=lambda p: (p.start, p.end))
    timeline, covered_to = [], None
    for period in periods:
        if covered_to and period.start > covered_to + timedelta(days=1):
            timeline.append(TimelineEntry("gap", covered_to + timedelta(days=1),
                                          period.start - timedelta(days=1)))
        timeline.append(period)
        covered_to = max(covered_to or period.end, period.end)
    if covered_to and covered_to < today:
        timeline.append(TimelineEntry("gap", covered_to + timedelta(days=1), None))
    return timeline


@dataclass(frozen=True)
class Lapse:
    """An asset's uncovered stretch that ends where a renewal contract starts."""

    asset: Asset
    start: date  # first day without coverage: fees are due from here (断保补缴)
    end: date    # the day before the renewal starts


def lapses_before(contract: Contract) -> list[Lapse]:
    """For a contract renewed after a gap, each covered asset's lapse (from ... to ...)."""
    lapses = []
    history = contracts_by_asset([a.id for a in contract.assets])
    for asset in sorted(contract.assets, key=lambda a: a.tag):
        for entry in coverage_timeline(asset, contract.start_date, history[asset.id]):
            if entry.kind == "gap" and entry.end == contract.start_date - timedelta(days=1):
                lapses.append(Lapse(asset, entry.start, entry.end))
    return lapses

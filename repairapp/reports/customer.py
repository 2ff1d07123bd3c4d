"""The customer's service report: one customer's machines and coverage, and the service they
got in a period, as plain values. The web page and the PDF both show one `CustomerReport`,
so they always hold the same numbers.

The figures come from the report services (`services`, `quality`, `inspections`) and the
follow-up counts, narrowed to the customer (the customer frozen on each ticket when it was
filed; for inspections, the machine's owner); only the machines' coverage is worked out
here, with the coverage rules of `contracts.services`.
"""

import io
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from PIL import Image, UnidentifiedImageError

from repairapp.assets.models import Asset
from repairapp.contracts.models import (
    Contract,
    CoverageState,
    ServiceLevel,
    ServicePlan,
    Severity,
    contract_assets,
)
from repairapp.contracts.services import Period, coverage_on, warranty_period
from repairapp.customers.models import Customer, Site
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.followups.services import FollowUpCounts, followups_between
from repairapp.reports import inspections, quality, services
from repairapp.reports.forms import period
from repairapp.reports.quality import Satisfaction
from repairapp.reports.services import Filters, Spread

log = logging.getLogger(__name__)

#: Machines listed one by one; a bigger fleet is counted, and the rest summed up as "and N more".
MACHINE_LIST = 200
#: The order coverage states are shown in.
STATES = (CoverageState.WARRANTY, CoverageState.CONTRACT, CoverageState.PENDING_PAYMENT,
          CoverageState.LAPSED, CoverageState.NOT_COVERED)


@dataclass(frozen=True)
class Covered:
    """How many machines are in one coverage state on the period's last day; contracts are
    counted per plan (and its tier)."""

    state: CoverageState
    plan: str
    level: ServiceLevel | None
    machines: int


@dataclass(frozen=True)
class Machine:
    tag: str
    name: str
    model: str
    site: str
    state: CoverageState
    #: The contract's plan (contracts only).
    plan: str
    #: The last covered day of the current warranty or contract, or of the one that lapsed.
    until: date | None


@dataclass(frozen=True)
class Promise:
    """SLA compliance of one plan and severity, with the targets the plan promises."""

    plan: str
    severity: Severity | None
    #: The plan's targets in minutes (None: no promise, or the plan is gone).
    response_minutes: int | None
    resolution_minutes: int | None
    #: Whether the targets count working time (the plan has a service calendar).
    working: bool
    response_decided: int
    response_met: int
    resolution_decided: int
    resolution_met: int


@dataclass(frozen=True)
class CustomerReport:
    """Everything the customer's service report shows, for one customer and period."""

    customer_id: int
    customer_name: str
    start: date
    end: date
    generated_at: datetime
    vendor_name: str
    #: The vendor's logo (PNG or JPEG file content), b"" without one.
    vendor_logo: bytes
    machine_count: int
    coverage: tuple[Covered, ...]
    machines: tuple[Machine, ...]
    #: Machines beyond the listed ones ("and N more").
    machines_unlisted: int
    filed: int
    resolved: int
    open_at_end: int
    reopened: int
    #: Response and resolution, working time and wall clock (services.DURATIONS' keys).
    durations: tuple[tuple[str, Spread], ...]
    compliance: tuple[Promise, ...]
    satisfaction: Satisfaction
    #: Machines that failed 3 or more times in 90 days: tag, name, model, tickets.
    repeated: tuple[tuple[str, str, str, int], ...]
    #: Chargeable work per kind: kind, quantity, amount (tax included).
    chargeable: tuple[tuple[str, Decimal, Decimal], ...]
    followups: FollowUpCounts
    #: Preventive maintenance: the visits due in the period, and the checks failed per model.
    inspection_visits: inspections.Visits
    inspection_failures: tuple[inspections.Failures, ...]

    @property
    def response_decided(self) -> int:
        return sum(p.response_decided for p in self.compliance)

    @property
    def response_met(self) -> int:
        return sum(p.response_met for p in self.compliance)

    @property
    def resolution_decided(self) -> int:
        return sum(p.resolution_decided for p in self.compliance)

    @property
    def resolution_met(self) -> int:
        return sum(p.resolution_met for p in self.compliance)

    @property
    def chargeable_total(self) -> Decimal:
        return sum((amount for _, _, amount in self.chargeable), Decimal("0.00"))

    def words(self):
        """The report in words, in the current language (customer_text.Words)."""
        from repairapp.reports import customer_text
        return customer_text.words(self)


def quarter_before(day: date) -> tuple[date, date]:
    """The last full calendar quarter before `day`: the report's default period."""
    return period("last_quarter", day)


def build(customer_id: int, start: date, end: date) -> CustomerReport:
    """The report of one customer from `start` to `end` (whole days in Asia/Shanghai, both
    included). Raises LookupError for an unknown customer."""
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        raise LookupError(f"no customer {customer_id}")
    with services.one_read():  # the figures that share a query run it once
        return _build(customer, Filters(start, end, customer_id=customer_id))


def _build(customer: Customer, flt: Filters) -> CustomerReport:
    customer_id, start, end = customer.id, flt.start, flt.end
    machines = _fleet(customer_id, end)
    volume = services.volume(flt)
    spreads = services.durations(flt)
    config = current_app.config
    return CustomerReport(
        customer_id=customer_id, customer_name=customer.name, start=start, end=end,
        generated_at=utcnow(), vendor_name=config["VENDOR_NAME"],
        vendor_logo=vendor_logo(config.get("VENDOR_LOGO", "")),
        machine_count=len(machines), coverage=_coverage(machines),
        machines=tuple(machines[:MACHINE_LIST]),
        machines_unlisted=max(0, len(machines) - MACHINE_LIST),
        filed=sum(b.filed for b in volume), resolved=sum(b.resolved for b in volume),
        open_at_end=volume[-1].backlog if volume else 0,
        reopened=quality.quality(flt).reopened,
        durations=tuple((key, spreads[key]) for key in services.DURATIONS),
        compliance=_promises(flt), satisfaction=quality.satisfaction(flt),
        repeated=tuple(quality.repeated(flt)), chargeable=tuple(quality.chargeable(flt)),
        followups=followups_between(flt.since, flt.until, customer_id=customer_id),
        inspection_visits=inspections.visits(flt),
        inspection_failures=tuple(inspections.by_model(flt)))


def _fleet(customer_id: int, day: date) -> list[Machine]:
    """The customer's machines (not archived), by site and tag, with their coverage on `day`
    (warranty from acceptance, contracts, lapses: `contracts.services.coverage_on`).
    Two queries whatever the fleet's size."""
    theirs = sa.select(Asset.id).join(Site, Site.id == Asset.site_id).where(
        Site.customer_id == customer_id, Asset.is_archived.is_(False))
    contracts: dict[int, list[Period]] = {}
    unpaid: dict[int, list[Period]] = {}  # pay first, not paid by `day`: cover nothing
    plans: dict[int, str] = {}
    for asset_id, contract_id, first, last, plan, pay_first, paid_on in db.session.execute(
            sa.select(contract_assets.c.asset_id, Contract.id, Contract.start_date,
                      Contract.end_date, ServicePlan.name, ServicePlan.is_pay_first,
                      Contract.paid_on)
            .join(Contract, Contract.id == contract_assets.c.contract_id)
            .join(ServicePlan, ServicePlan.id == Contract.plan_id)
            .where(contract_assets.c.asset_id.in_(theirs))):
        waiting = pay_first and (paid_on is None or paid_on > day)
        (unpaid if waiting else contracts).setdefault(asset_id, []).append(
            Period(first, last, contract_id))
        plans[contract_id] = plan
    machines = []
    for asset_id, tag, name, model, site, accepted, months in db.session.execute(
            sa.select(Asset.id, Asset.tag, Asset.name, Asset.model, Site.name,
                      Asset.acceptance_date, Asset.warranty_months)
            .join(Site, Site.id == Asset.site_id)
            .where(Asset.id.in_(theirs)).order_by(Site.name, Asset.tag)):
        coverage = coverage_on(warranty_period(accepted, months), contracts.get(asset_id, []),
                               unpaid.get(asset_id, []), day)
        running = coverage.state is CoverageState.CONTRACT
        machines.append(Machine(tag, name, model, site, coverage.state,
                                plans[coverage.period.contract_id] if running else "",
                                coverage.period.end if coverage.period else None))
    return machines


def _coverage(machines: list[Machine]) -> tuple[Covered, ...]:
    """Machines per coverage state, contracts per plan and tier, in STATES order."""
    levels = dict(db.session.execute(sa.select(ServicePlan.name, ServicePlan.service_level)
                                     .where(ServicePlan.name.in_({m.plan for m in machines
                                                                  if m.plan}))).all())
    counts = Counter((m.state, m.plan) for m in machines)
    return tuple(Covered(state, plan, levels.get(plan), n)
                 for (state, plan), n in sorted(counts.items(), key=lambda item: (
                     STATES.index(item[0][0]), item[0][1])))


def _promises(flt: Filters) -> tuple[Promise, ...]:
    """Compliance per plan and severity (services.compliance), each with the targets its
    plan promises for that severity (the plan as it is now, found by the name the tickets
    were filed under)."""
    rows = services.compliance(flt)
    plans = {p.name: p for p in db.session.scalars(
        sa.select(ServicePlan).where(ServicePlan.name.in_({r.plan for r in rows if r.plan})))}
    promises = []
    for r in rows:
        plan = plans.get(r.plan)
        targets = plan.targets(r.severity) if plan and r.severity else (None, None)
        working = bool(plan and plan.calendar and plan.calendar.hours)  # none: 24x7
        promises.append(Promise(r.plan, r.severity, *targets, working, r.response_decided,
                                r.response_met, r.resolution_decided, r.resolution_met))
    return tuple(promises)


def vendor_logo(path: str) -> bytes:
    """The logo file's content if it is a PNG or JPEG image, else b"" (logged: a bad setting
    must not stop a report from going out)."""
    if not path:
        return b""
    try:
        data = Path(path).read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
    except (OSError, UnidentifiedImageError) as error:
        log.warning("REPAIRAPP_VENDOR_LOGO %s cannot be read: %s", path, error)
        return b""
    if kind not in ("PNG", "JPEG"):
        log.warning("REPAIRAPP_VENDOR_LOGO %s is %s, not PNG or JPEG", path, kind)
        return b""
    return data

"""`flask demo history`: a large, realistic service history for demos and benchmarks.

Customers with sites, machines of a dozen models in every coverage state, contracts of
every tier, technicians, and months of tickets: more faults in the summer heat and in the
fortnight after the Spring Festival restart, a fault mix by model, responses and fixes
mostly within the plan's targets and sometimes beyond (breach flags from the same numbers),
pauses while waiting for the customer, second visits, reopens, duplicates merged into the
first report, ratings (most rated, a few low), work logs and a chargeable job's billable
items. The demo's plans, calendars, staff, fault texts and requesters are reused (`data`,
`history`): added to the demo (`flask demo load`), or, on a database without plans, with
the demo's plans, calendars and four logins created first.

Built for speed: rows are generated as plain values with their ids chosen up front and
inserted in batches (no ORM objects per row), and the working-time clock of each plan's
calendar is laid out once as a table of working spans, so a due time or a duration is a
binary search, the same instants `add_working_minutes` gives (tests compare them).
"""

import base64
import json
import random
import time as timer
import uuid
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import chinese_calendar
import click
import sqlalchemy as sa
from flask import current_app

from repairapp.accounts.models import Role, User
from repairapp.assets.models import Asset, Label
from repairapp.assets.services import CODE_LENGTH, CROCKFORD
from repairapp.billing.work import Terms, items_for
from repairapp.contracts.models import (
    Contract,
    CoverageState,
    PlanKind,
    ServicePlan,
    Severity,
    contract_assets,
)
from repairapp.contracts.services import Period, resolve_coverage, warranty_period
from repairapp.customers.models import Customer, Site
from repairapp.db import utcnow
from repairapp.demo.data import load_plans_and_staff
from repairapp.demo.history import COMMENTS, FAULTS, REQUESTERS
from repairapp.extensions import db
from repairapp.followups.models import (
    Complaint,
    ComplaintSource,
    ComplaintStatus,
    FollowUp,
    FollowUpKind,
)
from repairapp.sla.calendar import Calendar, add_working_minutes
from repairapp.sla.services import targets_of
from repairapp.tickets.models import (
    BillableItem,
    Category,
    EventKind,
    PartUsed,
    Status,
    Ticket,
    TicketEvent,
    WorkLog,
    WorkType,
)
from repairapp.tickets.workflow import is_public

BATCH = 5000  # rows per INSERT batch; tickets generated per chunk
TZ = "Asia/Shanghai"
C, S = Category, Severity
#: Machine models: name, model, how often it fails (relative), fault mix by category.
MODELS = [
    ("CNC 加工中心 Machining centre", "VMC-850", 1.4, {C.ERROR: 4, C.MECHANICAL: 3,
                                                   C.QUALITY: 3, C.NO_POWER: 1}),
    ("激光切割机 Laser cutter", "LC-3015", 1.2, {C.ERROR: 3, C.QUALITY: 3, C.NO_POWER: 1,
                                              C.SOFTWARE: 1}),
    ("空压机 Air compressor", "GA-37", 1.6, {C.MECHANICAL: 5, C.NO_POWER: 2, C.ERROR: 2}),
    ("注塑机 Injection moulder", "HX-280", 1.3, {C.MECHANICAL: 3, C.ERROR: 3, C.QUALITY: 2}),
    ("立体库堆垛机 AS/RS stacker", "SRM-12", 0.9, {C.ERROR: 3, C.MECHANICAL: 2,
                                               C.NO_POWER: 1, C.SOFTWARE: 1}),
    ("WMS 服务器 WMS server", "PowerEdge R750", 0.6, {C.SOFTWARE: 5, C.ERROR: 2,
                                                    C.NO_POWER: 1}),
    ("输送线 Conveyor line", "CV-60", 1.0, {C.MECHANICAL: 4, C.QUALITY: 1, C.OTHER: 1}),
    ("贴标机 Labeller", "LB-200", 0.8, {C.QUALITY: 3, C.ERROR: 2, C.OTHER: 2}),
    ("叉车充电站 Forklift charger", "FC-48", 0.7, {C.NO_POWER: 4, C.ERROR: 2}),
    ("AGV 小车 AGV", "AGV-500", 1.1, {C.ERROR: 3, C.SOFTWARE: 2, C.MECHANICAL: 2}),
    ("打包机 Strapper", "ST-9", 0.9, {C.MECHANICAL: 4, C.OTHER: 2}),
    ("分拣机 Sorter", "SR-300", 1.0, {C.ERROR: 3, C.MECHANICAL: 3, C.SOFTWARE: 1}),
]
#: Share of the months' faults (the heat of July and August stresses compressors, drives
#: and cooling; the factories' restart after the Spring Festival comes on top).
MONTH_WEIGHT = {1: 0.8, 2: 0.7, 3: 1.1, 4: 1.0, 5: 1.0, 6: 1.3, 7: 1.6, 8: 1.6, 9: 1.2,
                10: 0.9, 11: 0.9, 12: 0.9}
RESTART_DAYS, RESTART_WEIGHT = 14, 1.8
CITIES = ["苏州", "上海", "宁波", "杭州", "无锡", "南京", "合肥", "常州", "嘉兴", "绍兴",
          "温州", "南通"]
TRADES = ["精密制造", "港联物流", "汽车零部件", "电子科技", "包装材料", "食品饮料",
          "医药仓储", "纺织机械", "新能源", "冷链物流"]
WAIT_NOTES = ["请客户安排停机时间 / waiting for the customer to schedule downtime",
              "请客户确认更换方案 / waiting for the customer to approve the repair"]
PART_WAIT = "等待备件到货 / waiting for a spare part"
REOPEN_NOTE = "用了半天又出现同样的问题 / the same fault came back after half a day"
REFIX_NOTE = "找到根本原因：接线端子松动，已紧固并复查 / root cause: a loose terminal, " \
    "tightened and rechecked"
LOW_COMMENTS = {1: ["等了太久，生产线停了两天 / waited too long, the line stood for two days"],
                2: ["修了两次才好 / took two attempts", "响应太慢 / slow to respond"]}
FOLLOWUP_NOTES = ["设备运行正常，客户满意 / running fine, customer satisfied",
                  "客户反映偶有报警，已提醒观察 / occasional alarm, asked them to watch it",
                  "联系人不在，已留言 / contact away, left a message", ""]
COMPLAINTS = ["等了两天才有人来 / waited two days for anyone to come",
              "同一故障修了三次 / the same fault repaired three times",
              "工程师没有提前通知就来了 / the engineer came without warning"]
OUTCOMES = ["已致电道歉并安排回访 / called to apologise and scheduled a visit",
            "更换工程师并免除本次费用 / changed the engineer and waived the fee"]
#: Asset coverage: warranty, contract (one of the six tiers), lapsed, never covered.
COVERAGE_MIX = [("warranty", 20), ("contract", 60), ("lapsed", 12), ("none", 8)]


@dataclass
class Added:
    """What one run added, for the summary."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


def _epoch_min(moment: datetime) -> int:
    return int(moment.timestamp() // 60)


def _at(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, UTC)


class WorkClock:
    """A calendar's working time between two days as a table of spans (UTC epoch minutes):
    `pos` is the working minute an instant falls on, `at` the instant of a working minute,
    both by binary search; what `add_working_minutes` gives, without walking the days."""

    def __init__(self, calendar: Calendar, tz: str, first: date, last: date):
        self.calendar, self.tz = calendar, tz
        self.flat = calendar.is_24x7
        self.los: list[int] = []
        self.his: list[int] = []
        self.cum: list[int] = [0]
        if self.flat:
            return
        zone, day = ZoneInfo(tz), first
        while day <= last:
            midnight = datetime.combine(day, datetime.min.time())
            for start, end in calendar.intervals(day):
                lo = (midnight + timedelta(minutes=start)).replace(tzinfo=zone)
                hi = (midnight + timedelta(minutes=end)).replace(tzinfo=zone)
                self.los.append(_epoch_min(lo))
                self.his.append(_epoch_min(hi))
                self.cum.append(self.cum[-1] + self.his[-1] - self.los[-1])
            day += timedelta(days=1)
        self.cum_end = self.cum[1:]

    def pos(self, minute: int) -> int:
        """Working minutes before `minute` (off hours: those before the next opening)."""
        if self.flat:
            return minute
        i = bisect_right(self.los, minute) - 1
        if i < 0:
            return 0
        return self.cum[i] + (minute - self.los[i]) if minute < self.his[i] \
            else self.cum[i + 1]

    def at(self, position: int) -> int:
        """The instant (epoch minute) working minute `position` ends at."""
        if self.flat:
            return position
        i = bisect_left(self.cum_end, position)
        if i >= len(self.los):
            raise ValueError("beyond the laid-out calendar")
        return self.los[i] + (position - self.cum[i])

    def add(self, minute: int, working: int) -> int:
        """`working` minutes of working time after instant `minute` (>= 1 minute)."""
        try:
            return self.at(self.pos(minute) + working)
        except ValueError:  # beyond the table: the slow, exact walk
            return _epoch_min(add_working_minutes(_at(minute), working, self.calendar,
                                                  self.tz))


def _next_ids(*models) -> dict:
    """The first free id of each table; rows are inserted with ids chosen here."""
    return {m: (db.session.scalar(sa.select(sa.func.max(m.id))) or 0) + 1 for m in models}


def _insert(model_or_table, rows: list[dict], added: Added, name: str) -> None:
    """Core executemany in batches (the ORM's bulk path goes row by row with explicit ids);
    on PostgreSQL, COPY."""
    table = getattr(model_or_table, "__table__", model_or_table)
    if rows and db.session.get_bind().dialect.name == "postgresql":
        _copy(table, rows)
    else:
        for i in range(0, len(rows), BATCH):
            db.session.execute(sa.insert(table), rows[i:i + BATCH])
    added.add(name, len(rows))


def _copy(table: sa.Table, rows: list[dict]) -> None:
    """COPY the rows in, each value through its column type's conversion (enums, JSON, UTC
    times) as an INSERT would send it; absent columns take their defaults."""
    dialect = db.session.get_bind().dialect
    columns = [c for c in table.columns if c.name in rows[0] or c.default is not None]
    convert = []
    for column in columns:
        process = json.dumps if isinstance(column.type, sa.JSON) \
            else column.type.bind_processor(dialect)
        default = column.default.arg if column.default is not None else None
        if callable(default):
            default = default(None)
        convert.append((column.name, process, default))
    names = ", ".join(f'"{c.name}"' for c in columns)
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:  # noqa: S608
        for row in rows:
            copy.write_row([process(row.get(name, default)) if process
                            else row.get(name, default)
                            for name, process, default in convert])


def _advance_sequences(models) -> None:
    """PostgreSQL's id sequences past the ids inserted explicitly."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 -- names
            f"(SELECT coalesce(max(id), 1) FROM {table}))"))               # from our models


def _token(rng: random.Random, nbytes: int = 24) -> str:
    return base64.urlsafe_b64encode(rng.getrandbits(nbytes * 8).to_bytes(nbytes, "big")) \
        .decode().rstrip("=")


def _label_code(rng: random.Random) -> str:
    return "".join(rng.choice(CROCKFORD) for _ in range(CODE_LENGTH))


def _restart_days(first: date, last: date) -> set[date]:
    """The fortnight after each Spring Festival holiday in the window (factories restart)."""
    days = set()
    for year in range(first.year, last.year + 1):
        festival = [d for d in (date(year, 1, 15) + timedelta(days=i) for i in range(50))
                    if _holiday_name(d) == "Spring Festival"]
        if festival:
            days |= {max(festival) + timedelta(days=i) for i in range(1, RESTART_DAYS + 1)}
    return days


def _holiday_name(day: date) -> str | None:
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # a year the library does not know
        return None
    return name if on_holiday else None


def day_weights(first: date, last: date) -> tuple[list[date], list[float]]:
    """Each day of the window and how many faults it sees, relatively: the month's season,
    the restart after the Spring Festival, fewer on weekends and holidays."""
    restart = _restart_days(first, last)
    days, weights, day = [], [], first
    while day <= last:
        weight = MONTH_WEIGHT[day.month] * (RESTART_WEIGHT if day in restart else 1)
        if _holiday_name(day):
            weight *= 0.3
        elif day.weekday() >= 5:
            weight *= 0.5
        days.append(day)
        weights.append(weight)
        day += timedelta(days=1)
    return days, weights


@dataclass
class Base:
    """Reference data the history refers to."""

    plans: dict  # id -> ServicePlan
    warranty_plan: ServicePlan
    incident_plan: ServicePlan
    dispatcher: User
    technicians: list  # (id, name)
    password_hash: str
    key_customers: list = field(default_factory=list)


def _base() -> Base:
    plans = {p.id: p for p in db.session.scalars(sa.select(ServicePlan).where(
        ServicePlan.is_archived.is_(False)).order_by(ServicePlan.id))}

    def first(kind):
        return next((p for p in plans.values() if p.kind is kind), None)

    dispatcher = db.session.scalar(sa.select(User).where(
        User.role.in_([Role.DISPATCHER, Role.ADMIN]), User.is_active.is_(True))
        .order_by(User.role != Role.DISPATCHER, User.id).limit(1))
    if not first(PlanKind.WARRANTY) or not first(PlanKind.PER_INCIDENT) or not dispatcher \
            or not any(p.service_level for p in plans.values()):
        raise click.ClickException(
            "The database has plans but not a warranty plan, a per-incident plan, a tiered "
            "plan and a dispatcher; run `flask demo history` on an empty database or after "
            "`flask demo load`.")
    techs = [(u.id, u.name) for u in db.session.scalars(sa.select(User).where(
        User.role == Role.TECHNICIAN, User.is_active.is_(True)).order_by(User.id))]
    return Base(plans, first(PlanKind.WARRANTY), first(PlanKind.PER_INCIDENT), dispatcher,
                techs, dispatcher.password_hash)


def _add_reference(rng, base: Base, n_assets: int, now: datetime, first_day: date,
                   added: Added) -> list[dict]:
    """Customers, sites, technicians, assets with labels, contracts; returns the assets as
    plain values with their coverage over the window."""
    ids = _next_ids(Customer, Site, User, Asset, Label, Contract)
    today = now.astimezone(ZoneInfo(TZ)).date()
    n_customers = max(2, n_assets // 50)
    customers, sites = [], []
    for k in range(n_customers):
        cid = ids[Customer] + k
        city, trade = rng.choice(CITIES), rng.choice(TRADES)
        customers.append({"id": cid, "name": f"{city}{trade}有限公司 H{cid}",
                          "is_archived": False, "is_key": k == 0 or rng.random() < 0.1,
                          "created_at": now})
        for s in range(rng.choice([1, 2, 2, 3])):
            sites.append({"id": ids[Site] + len(sites), "customer_id": cid,
                          "name": f"{rng.choice(CITIES)} {'一二三'[s]}号厂区 Site {s + 1}",
                          "address": f"{city}市工业园区 {rng.randint(1, 999)} 号", "timezone": TZ,
                          "contact_name": rng.choice(REQUESTERS)[0],
                          "contact_phone": f"0{rng.randint(510, 579)}-{rng.randint(6000, 8999)} "
                                           f"{rng.randint(1000, 9999)}", "is_archived": False})
    _insert(Customer, customers, added, "customers")
    base.key_customers = [c["id"] for c in customers if c["is_key"]]
    _insert(Site, sites, added, "sites")
    n_techs = max(2, n_assets // 400)
    users = [{"id": ids[User] + k, "email": f"tech{ids[User] + k}@history.example.com",
              "name": f"{rng.choice('王李张刘陈杨黄赵周吴')}工 Tech {ids[User] + k}",
              "role": Role.TECHNICIAN, "password_hash": base.password_hash, "is_active": True,
              "locale": "", "session_token": uuid.UUID(int=rng.getrandbits(128)).hex,
              "created_at": now} for k in range(n_techs)]
    _insert(User, users, added, "technicians")
    base.technicians += [(u["id"], u["name"]) for u in users]

    levels = sorted({p.service_level for p in base.plans.values() if p.service_level},
                    key=lambda lv: lv.value)
    tier_plan = {lv: next(p for p in base.plans.values() if p.service_level is lv)
                 for lv in levels}
    contract_start, contract_end = first_day - timedelta(days=30), today + timedelta(days=200)
    assets, labels, links, contracts = [], [], [], {}
    kinds = [k for k, _ in COVERAGE_MIX]
    weights = [w for _, w in COVERAGE_MIX]
    model_weights = [1 + 0.3 * rng.random() for _ in MODELS]
    for k in range(n_assets):
        aid = ids[Asset] + k
        site = rng.choice(sites)
        m = rng.choices(range(len(MODELS)), model_weights)[0]
        name, model, _rate, _mix = MODELS[m]
        kind = rng.choices(kinds, weights)[0]
        accepted, months = {"warranty": (first_day - timedelta(days=rng.randint(5, 300)), 24),
                            "none": (None, 0)}.get(
            kind, (today - timedelta(days=rng.randint(3 * 365, 6 * 365)), 12))
        asset = {"id": aid, "tag": f"EQ-H{aid:07d}", "name": name, "model": model,
                 "serial_number": f"SN{model[:3].upper()}{rng.randint(10 ** 7, 10 ** 8 - 1)}",
                 "site_id": site["id"], "acceptance_date": accepted, "warranty_months": months,
                 "warranty_plan_id": None, "is_archived": False, "created_at": now}
        assets.append(asset)
        labels.append({"id": ids[Label] + k, "asset_id": aid, "code": _label_code(rng),
                       "created_at": now, "revoked_at": None})
        periods = []
        if kind == "contract":
            level = rng.choice(levels)
            key = (site["customer_id"], level)
            if key not in contracts:
                cid = ids[Contract] + len(contracts)
                contracts[key] = {"id": cid, "number": f"HT-H{cid:06d}",
                                  "customer_id": site["customer_id"],
                                  "plan_id": tier_plan[level].id, "start_date": contract_start,
                                  "end_date": contract_end,
                                  "amount": Decimal(rng.choice([12800, 36000, 58000, 96000])),
                                  "is_archived": False, "created_at": now}
            links.append({"contract_id": contracts[key]["id"], "asset_id": aid})
            periods = [Period(contract_start, contract_end, contracts[key]["id"])]
        asset["_site"], asset["_model"] = site, m
        asset["_periods"], asset["_plans"] = periods, {
            contracts[key]["id"]: tier_plan[level]} if periods else {}
    _insert(Asset, [_plain(a) for a in assets], added, "assets")
    _insert(Label, labels, added, "labels")
    _insert(Contract, list(contracts.values()), added, "contracts")
    _insert(contract_assets, links, added, "contract links")
    return assets


def _plain(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.startswith("_")}


@dataclass
class Filing:
    """A ticket decided in the first pass: what, where and when (ids follow filing order)."""

    minute: int
    asset: dict
    severity: Severity
    fault: tuple
    duplicate_of: "Filing | None" = None
    merge_minute: int = 0
    open_until: int = 0  # a duplicate was merged into it then: still open at that minute
    id: int = 0
    requester: tuple = ()
    duplicates: list = field(default_factory=list)


def _filings(rng, assets, n: int, first_day: date, now: datetime) -> list[Filing]:
    days, weights = day_weights(first_day, now.astimezone(ZoneInfo(TZ)).date())
    zone, now_min = ZoneInfo(TZ), _epoch_min(now)
    asset_weights = [MODELS[a["_model"]][2] for a in assets]
    by_category = {}
    for fault in FAULTS:
        by_category.setdefault(fault[0], []).append(fault)
    n_dup = n // 33  # about 3 % are a second report of a fault already reported
    filings = []
    chosen_days = rng.choices(days, weights, k=n - n_dup)
    chosen_assets = rng.choices(assets, asset_weights, k=n - n_dup)
    for day, asset in zip(chosen_days, chosen_assets, strict=True):
        # Mostly in the working day; a night shift reports some.
        minute = rng.randint(8 * 60, 18 * 60) if rng.random() < 0.85 \
            else rng.randint(0, 24 * 60 - 1)
        local = datetime.combine(day, datetime.min.time()).replace(tzinfo=zone) \
            + timedelta(minutes=minute)
        filed = min(_epoch_min(local), now_min - 5)
        mix = MODELS[asset["_model"]][3]
        category = rng.choices(list(mix), list(mix.values()))[0]
        severity = rng.choices([S.CRITICAL, S.MAJOR, S.MINOR], [2, 5, 4])[0]
        filings.append(Filing(filed, asset, severity, rng.choice(by_category[category])))
    for parent in rng.sample(filings, min(n_dup, len(filings))):
        filed = parent.minute + rng.randint(5, 90)
        merged = filed + rng.randint(5, 60)
        if merged >= now_min:
            filed = merged = 0  # too recent to have been merged: file an ordinary one
        dup = Filing(filed or parent.minute + 1, parent.asset, parent.severity, parent.fault,
                     duplicate_of=parent if merged else None, merge_minute=merged,
                     requester=rng.choice(REQUESTERS))
        if merged:
            parent.open_until = max(parent.open_until, merged)
            parent.duplicates.append(dup)
        filings.append(dup)
    filings.sort(key=lambda f: f.minute)
    return filings


class Builder:
    """Turns filings into rows: the ticket, its events, work logs, parts, billable items."""

    def __init__(self, rng, base: Base, now: datetime, first_day: date, terms: Terms,
                 autoclose_days: int):
        self.rng, self.base, self.now = rng, base, now
        self.now_min = _epoch_min(now)
        self.terms, self.autoclose = terms, autoclose_days
        self.first_day = first_day - timedelta(days=2)
        self.last_day = now.astimezone(ZoneInfo(TZ)).date() + timedelta(days=120)
        self.clocks: dict[int | None, WorkClock] = {}
        self.specs: dict[int | None, tuple] = {}
        self.ids = _next_ids(TicketEvent, WorkLog, PartUsed, BillableItem, FollowUp,
                             Complaint)
        self.rows: dict = {Ticket: [], TicketEvent: [], WorkLog: [], PartUsed: [],
                           BillableItem: [], FollowUp: [], Complaint: []}
        self.followup_days = current_app.config.get("FOLLOWUP_DAYS", 3)

    def clock(self, plan: ServicePlan | None) -> tuple[WorkClock, dict, dict]:
        """The plan's working clock, and its targets and calendar as a ticket freezes them."""
        key = plan.id if plan else None
        if key not in self.clocks:
            spec = plan.calendar.spec() if plan and plan.calendar else Calendar()
            self.specs[key] = (targets_of(plan), spec.to_json() if not spec.is_24x7 else {})
            self.clocks[key] = WorkClock(spec, TZ, self.first_day, self.last_day)
        return self.clocks[key], *self.specs[key]

    def coverage(self, asset: dict, minute: int):
        day = _at(minute).astimezone(ZoneInfo(TZ)).date()
        result = resolve_coverage(warranty_period(asset["acceptance_date"],
                                                  asset["warranty_months"]),
                                  asset["_periods"], day)
        if result.state is CoverageState.CONTRACT:
            plan = asset["_plans"][result.period.contract_id]
        elif result.state is CoverageState.WARRANTY:
            plan = self.base.warranty_plan
        else:
            plan = self.base.incident_plan
        return result, plan

    def event(self, tid: int, minute: int, kind: EventKind, actor=None, name: str = "",
              from_value=None, to_value=None, note: str = "", public: bool = False) -> dict:
        return {"ticket_id": tid, "kind": kind, "actor_id": actor[0] if actor else None,
                "actor_name": actor[1] if actor else name, "from_value": from_value,
                "to_value": to_value, "note": note, "is_public": public,
                "created_at": _at(minute)}

    def build(self, filing: Filing) -> None:
        rng, tid, asset = self.rng, filing.id, filing.asset
        coverage, plan = self.coverage(asset, filing.minute)
        clock, targets, frozen = self.clock(plan)
        response_t, resolution_t = targets.get(filing.severity.value, (None, None))
        f = clock.pos(filing.minute)
        name, phone = filing.requester or rng.choice(REQUESTERS)
        category, text, note, work_type, part = filing.fault
        period = coverage.period
        ticket = {
            "id": tid, "asset_id": asset["id"], "customer_id": asset["_site"]["customer_id"],
            "severity": filing.severity, "category": category, "description": text,
            "requester_name": name, "requester_phone": phone, "requester_email": "",
            "requester_locale": rng.choice(["zh", "zh", "zh", "en"]),
            "idempotency_key": uuid.UUID(int=rng.getrandbits(128)).hex,
            "tracking_token": _token(rng), "coverage_state": coverage.state,
            "plan_id": plan.id if plan else None, "plan_name": plan.name if plan else "",
            "contract_id": period.contract_id if period else None,
            "coverage_start": period.start if period else None,
            "coverage_end": period.end if period else None,
            "is_chargeable": coverage.is_chargeable, "sla_targets": targets,
            "sla_calendar": frozen,
            "response_due_at": _at(clock.at(f + response_t)) if response_t else None,
            "resolution_due_at": _at(clock.at(f + resolution_t)) if resolution_t else None,
            "paused_at": None, "paused_minutes": 0, "response_breached": False,
            "resolution_breached": False, "assignee_id": None, "resolution_note": "",
            "rating": None, "rating_comment": "", "reopen_count": 0, "visit_count": 0,
            "merged_into_id": None,
            "created_at": _at(filing.minute), "responded_at": None, "resolved_at": None,
            "closed_at": None, "response_working_minutes": None,
            "response_wall_minutes": None, "resolution_working_minutes": None,
            "resolution_wall_minutes": None, "version": 1, "status": Status.NEW}
        events = [self.event(tid, filing.minute, EventKind.CREATED, name=name,
                             to_value=Status.NEW.value, public=True)]
        self.rows[Ticket].append(ticket)
        if filing.duplicate_of is not None:
            parent = filing.duplicate_of
            events.append(self.event(tid, filing.merge_minute, EventKind.MERGED,
                                     self._dispatcher(), from_value="new",
                                     to_value=f"R{parent.id:06d}", public=True))
            ticket.update(status=Status.CLOSED, closed_at=_at(filing.merge_minute),
                          merged_into_id=parent.id)
            self._store_events(events)
            return
        # Its duplicates' text joins its timeline when they are merged.
        events += [self.event(tid, dup.merge_minute, EventKind.MERGED_IN, self._dispatcher(),
                              from_value=f"R{dup.id:06d}", to_value=dup.requester[0],
                              note=dup.fault[1], public=True) for dup in filing.duplicates]
        self._lifecycle(filing, ticket, events, clock, f, response_t, resolution_t)
        self._store_events(events)

    def _dispatcher(self):
        return (self.base.dispatcher.id, self.base.dispatcher.name)

    def _store_events(self, events: list[dict]) -> None:
        events.sort(key=lambda e: e["created_at"])
        for e in events:
            e["id"] = self.ids[TicketEvent]
            self.ids[TicketEvent] += 1
        self.rows[TicketEvent] += events

    def _lifecycle(self, filing, ticket, events, clock, f, response_t, resolution_t):
        """Steps in working minutes after filing (pos), each applied if it is in the past."""
        rng, tid = self.rng, ticket["id"]
        tech = rng.choice(self.base.technicians)
        target_r = response_t or 240
        target_s = resolution_t or 2880
        late_r = rng.random() < 0.10
        r = target_r + rng.randint(1, max(2, target_r)) if late_r \
            else max(1, int(target_r * rng.uniform(0.05, 0.9)))
        late_s = rng.random() < (0.45 if late_r else 0.10)
        if late_s:
            t = max(r + 30, target_s + rng.randint(1, max(2, target_s // 2)))
        else:
            t = max(r + 20, int(r + (target_s - r) * rng.uniform(0.2, 0.95)))
        if filing.open_until:  # a duplicate was merged into it: still open then
            t = max(t, clock.pos(filing.open_until) - f + 1)
        on_site, note = filing.fault[3] is WorkType.ON_SITE, filing.fault[2]
        visits = rng.choices([1, 2, 3], [80, 17, 3])[0] if on_site else 0
        reopen = rng.random() < 0.04 and not filing.open_until
        if reopen:
            visits = min(visits, 1)
        pause = rng.random() < 0.08 and not reopen
        pause_len = rng.randint(30, 960) if pause else 0

        now_min = self.now_min
        wall = {}

        def when(offset: int, extra: int = 0) -> int:
            """The instant of working minute `offset` after filing (after any pause)."""
            shift = pause_len if pause and offset > wall["pause_at"] else 0
            return clock.at(f + offset + shift) + extra

        def past(minute: int) -> bool:
            return minute <= now_min

        wall["pause_at"] = r + max(1, (t - r) // 2)
        actor = tech
        # Assignment, then the response (accepting the job).
        assigned = when(max(1, r // 4))
        if assigned >= filing.minute and past(assigned):
            ticket["assignee_id"] = tech[0]
            events.append(self.event(tid, assigned, EventKind.ASSIGNED, self._dispatcher(),
                                     from_value="", to_value=tech[1]))
        else:
            self._sweep(ticket)
            return
        steps = []  # (minute, status to, note, kind)
        responded = max(when(r), assigned)
        steps.append((responded, Status.ACKNOWLEDGED, ""))
        span = t - r
        logs = []
        if on_site:
            steps.append((responded + rng.randint(1, 4), Status.ON_THE_WAY, ""))
            for v in range(visits):
                arrive = when(r + span * (1 + 3 * v) // (3 * visits + 1) + 1)
                steps.append((max(arrive, responded + 5 + v), "check_in", ""))
                if v < visits - 1:
                    leave = when(r + span * (2 + 3 * v) // (3 * visits + 1) + 2)
                    steps.append((leave, "log", rng.choice([60, 90, 120, 180])))
                    steps.append((leave, Status.WAITING_PARTS, PART_WAIT))
        else:
            steps.append((responded + rng.randint(1, 6), Status.IN_PROGRESS, ""))
        if pause:
            pause_at = clock.at(f + wall["pause_at"])
            steps.append((pause_at, Status.WAITING_CUSTOMER, rng.choice(WAIT_NOTES)))
            steps.append((clock.at(f + wall["pause_at"] + pause_len),
                          Status.ON_SITE if on_site else Status.IN_PROGRESS, "resume"))
        if reopen:
            first_fix = when(r + span * 2 // 3)
            steps.append((first_fix, "resolve", note))
            back = first_fix + rng.randint(120, 600)
            steps.append((back, "reopen", REOPEN_NOTE))
            steps.append((max(back + 30, when(t) - 60), "check_in" if on_site else
                          Status.IN_PROGRESS, ""))
            steps.append((max(back + 90, when(t)), "resolve", REFIX_NOTE))
        else:
            steps.append((when(t), "resolve", note))
        steps.sort(key=lambda s: s[0])

        status = Status.NEW
        for minute, what, text in steps:
            minute = max(minute, filing.minute + 1)
            if not past(minute):
                break
            if what == "check_in":
                events.append(self.event(tid, minute, EventKind.CHECK_IN, actor))
                ticket["visit_count"] += 1
                if status is not Status.ON_SITE:
                    status = self._status(ticket, events, tid, minute, status, Status.ON_SITE,
                                          actor, "", clock)
            elif what == "log":
                logs.append(self._log(ticket, events, minute, actor, WorkType.ON_SITE, text,
                                      "", None))
            elif what == "resolve":
                work_type = WorkType.ON_SITE if on_site else WorkType.REMOTE
                logs.append(self._log(ticket, events, minute, actor, work_type,
                                      rng.choice([30, 45, 60, 90, 120]), text,
                                      filing.fault[4] if text == note else None))
                ticket["resolution_note"] = text
                if ticket["is_chargeable"]:
                    self._bill(ticket, logs)
                status = self._status(ticket, events, tid, minute, status, Status.RESOLVED,
                                      actor, text, clock)
            elif what == "reopen":
                status = self._status(ticket, events, tid, minute, status,
                                      Status.IN_PROGRESS, None, text, clock,
                                      name=ticket["requester_name"])
            elif text == "resume":
                if status is Status.WAITING_CUSTOMER:
                    status = self._status(ticket, events, tid, minute, status, what, actor,
                                          "", clock)
            elif what is not status:
                status = self._status(ticket, events, tid, minute, status, what, actor, text,
                                      clock)
        else:
            self._close(ticket, events, reopen)
        self._sweep(ticket)

    def _status(self, ticket, events, tid, minute, start, to, actor, note, clock, name=""):
        """change_status's bookkeeping, as plain values."""
        events.append(self.event(tid, minute, EventKind.STATUS, actor, name=name,
                                 from_value=start.value, to_value=to.value, note=note,
                                 public=is_public(start, to)))
        created = _epoch_min(ticket["created_at"])
        if to is Status.WAITING_CUSTOMER:
            ticket["paused_at"] = ticket["paused_at"] or _at(minute)
        elif ticket["paused_at"] is not None:
            paused_from = _epoch_min(ticket["paused_at"])
            paused = clock.pos(minute) - clock.pos(paused_from)
            ticket["paused_minutes"] += paused
            ticket["paused_at"] = None
            due = ticket["resolution_due_at"]
            if due is not None:
                ticket["resolution_due_at"] = _at(clock.at(clock.pos(_epoch_min(due))
                                                           + paused))
        if start is Status.NEW and ticket["responded_at"] is None:
            ticket["responded_at"] = _at(minute)
            due = ticket["response_due_at"]
            ticket["response_breached"] = bool(due and _at(minute) > due)
            ticket["response_working_minutes"] = clock.pos(minute) - clock.pos(created)
            ticket["response_wall_minutes"] = minute - created
        elif to is Status.RESOLVED:
            ticket["resolved_at"] = _at(minute)
            due = ticket["resolution_due_at"]
            if due and _at(minute) > due:
                ticket["resolution_breached"] = True
            ticket["resolution_working_minutes"] = \
                clock.pos(minute) - clock.pos(created) - ticket["paused_minutes"]
            ticket["resolution_wall_minutes"] = minute - created
        if start is Status.RESOLVED and to is Status.IN_PROGRESS:
            ticket["reopen_count"] += 1
            ticket["resolved_at"] = None
            ticket["resolution_working_minutes"] = ticket["resolution_wall_minutes"] = None
        ticket["status"] = to
        return to

    def _log(self, ticket, events, minute, actor, work_type, minutes, note, part) -> dict:
        log = {"id": self.ids[WorkLog], "ticket_id": ticket["id"], "user_id": actor[0],
               "work_type": work_type, "minutes": minutes, "notes": note,
               "created_at": _at(minute), "_parts": []}
        self.ids[WorkLog] += 1
        if part:
            log["_parts"].append({"id": self.ids[PartUsed], "work_log_id": log["id"],
                                  "description": part, "quantity": 1})
            self.ids[PartUsed] += 1
            self.rows[PartUsed] += log["_parts"]
        self.rows[WorkLog].append(log)
        events.append(self.event(ticket["id"], minute, EventKind.WORK_LOGGED, actor,
                                 to_value=work_type.value, note=note))
        return log

    def _bill(self, ticket, logs) -> None:
        """The billable items `work.resolve` records, from all the ticket's work so far."""
        self.rows[BillableItem] = [b for b in self.rows[BillableItem]
                                   if b["ticket_id"] != ticket["id"]] \
            if ticket["reopen_count"] else self.rows[BillableItem]
        views = [SimpleNamespace(work_type=log["work_type"], minutes=log["minutes"],
                                 parts=[SimpleNamespace(**p) for p in log["_parts"]])
                 for log in logs]
        for item in items_for(views, self.terms):
            self.rows[BillableItem].append({
                "id": self.ids[BillableItem], "ticket_id": ticket["id"], "kind": item.kind,
                "description": item.description, "quantity": item.quantity,
                "unit_price": item.unit_price, "amount": item.amount})
            self.ids[BillableItem] += 1

    def _close(self, ticket, events, reopened: bool) -> None:
        """Confirmed and rated by the requester, or closed by the system after the wait."""
        rng, tid = self.rng, ticket["id"]
        resolved = _epoch_min(ticket["resolved_at"])
        auto = resolved + self.autoclose * 1440 + 3
        if rng.random() < 0.85:
            minute = resolved + rng.randint(20, 3 * 1440)
            if minute > self.now_min or minute >= auto:
                minute = None
            if minute is not None:
                rating = self._rating(ticket, reopened)
                comment = rng.choice(LOW_COMMENTS.get(rating) or COMMENTS[rating])
                name = ticket["requester_name"]
                events.append(self.event(tid, minute, EventKind.STATUS, name=name,
                                         from_value="resolved", to_value="closed",
                                         public=True))
                events.append(self.event(tid, minute, EventKind.RATED, name=name,
                                         to_value=str(rating), note=comment, public=True))
                ticket.update(status=Status.CLOSED, closed_at=_at(minute), rating=rating,
                              rating_comment=comment)
                self._followup(ticket)
                self._complaint(ticket)
                return
        if auto <= self.now_min:
            events.append(self.event(tid, auto, EventKind.STATUS, from_value="resolved",
                                     to_value="closed", public=True))
            ticket.update(status=Status.CLOSED, closed_at=_at(auto))
            self._followup(ticket)
            self._complaint(ticket)

    def _task(self, kind, customer_id, created: int, **values) -> dict:
        row = {"id": self.ids[FollowUp], "kind": kind, "ticket_id": None,
               "customer_id": customer_id, "period": None, "created_at": _at(created),
               "due_at": _at(created + self.followup_days * 1440), "done_at": None,
               "done_by_id": None, "by_requester": False, "method": "", "satisfaction": None,
               "stays_fixed": None, "notes": ""}
        row.update(values)
        self.ids[FollowUp] += 1
        self.rows[FollowUp].append(row)
        return row

    def _call(self, task: dict, created: int, satisfaction: int, stays_fixed) -> None:
        """The desk calls, mostly before the task is due, some late, some not yet."""
        done = created + self.rng.randint(60, (self.followup_days + 2) * 1440)
        if done <= self.now_min and self.rng.random() < 0.85:
            task.update(done_at=_at(done), done_by_id=self.base.dispatcher.id,
                        method=self.rng.choice(["call", "call", "message"]),
                        satisfaction=satisfaction, stays_fixed=stays_fixed,
                        notes=self.rng.choice(FOLLOWUP_NOTES))

    def _followup(self, ticket: dict) -> None:
        """A closed ticket's follow-up: done by the requester's rating, else the desk's."""
        closed = _epoch_min(ticket["closed_at"])
        if ticket["rating"]:
            self._task(FollowUpKind.TICKET, ticket["customer_id"], closed,
                       ticket_id=ticket["id"], done_at=ticket["closed_at"], by_requester=True,
                       satisfaction=ticket["rating"], stays_fixed=True,
                       notes=ticket["rating_comment"])
            return
        task = self._task(FollowUpKind.TICKET, ticket["customer_id"], closed,
                          ticket_id=ticket["id"])
        self._call(task, closed, self._rating(ticket, bool(ticket["reopen_count"])),
                   self.rng.random() > 0.08)

    def _complaint(self, ticket: dict) -> None:
        """Some requesters who rated low or waited past the promise complain."""
        unhappy = (ticket["rating"] or 5) <= 2 or ticket["resolution_breached"]
        if not unhappy or self.rng.random() > 0.12:
            return
        created = _epoch_min(ticket["closed_at"]) + self.rng.randint(10, 2 * 1440)
        if created > self.now_min:
            return
        source = self.rng.choice([ComplaintSource.TRACKING, ComplaintSource.STAFF])
        closed = created + self.rng.randint(120, (self.followup_days + 3) * 1440)
        done = closed <= self.now_min and self.rng.random() < 0.9
        self.rows[Complaint].append({
            "id": self.ids[Complaint], "source": source,
            "status": ComplaintStatus.CLOSED if done else ComplaintStatus.OPEN,
            "ticket_id": ticket["id"], "customer_id": ticket["customer_id"],
            "caller_name": ticket["requester_name"], "caller_phone": ticket["requester_phone"],
            "description": self.rng.choice(COMPLAINTS),
            "owner_id": self.base.dispatcher.id,
            "created_by_id": self.base.dispatcher.id if source is ComplaintSource.STAFF
            else None,
            "created_at": _at(created), "due_at": _at(created + self.followup_days * 1440),
            "outcome": self.rng.choice(OUTCOMES) if done else "",
            "closed_at": _at(closed) if done else None})
        self.ids[Complaint] += 1

    def key_customer_calls(self, first_day: date) -> None:
        """Each key customer's monthly call (the sweep's task for the month), month by month."""
        month = first_day.replace(day=1)
        while True:
            start = datetime(month.year, month.month, 1, 0, 5, tzinfo=UTC)
            if start > self.now:
                break
            for customer_id in self.base.key_customers:
                task = self._task(FollowUpKind.KEY_CUSTOMER, customer_id, _epoch_min(start),
                                  period=f"{month.year:04d}-{month.month:02d}")
                self._call(task, _epoch_min(start), self._rating_plain(), None)
            month = (month + timedelta(days=32)).replace(day=1)

    def _rating_plain(self) -> int:
        return self.rng.choices([1, 2, 3, 4, 5], [1, 2, 7, 35, 55])[0]

    def _rating(self, ticket, reopened: bool) -> int:
        if reopened:
            weights = [5, 30, 45, 15, 5]
        elif ticket["response_breached"] or ticket["resolution_breached"]:
            weights = [8, 12, 20, 35, 25]
        else:
            weights = [1, 2, 5, 25, 67]
        return self.rng.choices([1, 2, 3, 4, 5], weights)[0]

    def _sweep(self, ticket) -> None:
        """What the deadline sweep records on an open, running ticket as of now."""
        if ticket["status"] in (Status.RESOLVED, Status.CLOSED) or ticket["paused_at"]:
            return
        for clock, done in (("response", "responded_at"), ("resolution", "resolved_at")):
            due = ticket[f"{clock}_due_at"]
            if ticket[done] is None and due is not None and due <= self.now:
                ticket[f"{clock}_breached"] = True

    def flush(self, added: Added) -> None:
        """Insert what was built, parents first, and start afresh."""
        for model, name in ((Ticket, "tickets"), (TicketEvent, "ticket events"),
                            (WorkLog, "work logs"), (PartUsed, "parts used"),
                            (BillableItem, "billable items"), (FollowUp, "follow-ups"),
                            (Complaint, "complaints")):
            _insert(model, [_plain(r) for r in self.rows[model]], added, name)
            self.rows[model] = []


def add_history(n_tickets: int, n_assets: int, seed: int, months: int = 12,
                now: datetime | None = None) -> Added:
    """Add `n_assets` machines (with their customers, sites, contracts and technicians) and
    `n_tickets` tickets over the last `months` months, as of `now`; the caller commits.
    The same seed on the same database gives the same history."""
    started = timer.perf_counter()
    now = (now or utcnow()).replace(second=0, microsecond=0)
    added = Added()
    if not db.session.scalar(sa.select(sa.func.count()).select_from(ServicePlan)):
        plans, staff = load_plans_and_staff()
        db.session.flush()
        added.add("plans", len(plans))
        added.add("staff (the demo's logins)", len(staff))
    base = _base()
    ids = _next_ids(Ticket, Asset)
    # Seeded by what is there already: a second run adds new codes and tokens.
    there = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Ticket,
                                                                                   Asset)]
    rng = random.Random(f"{seed}:{there[0]}:{there[1]}")  # noqa: S311 -- repeatable
    today = now.astimezone(ZoneInfo(TZ)).date()
    first_day = today - timedelta(days=round(months * 30.4))
    assets = _add_reference(rng, base, max(1, n_assets), now, first_day, added)
    filings = _filings(rng, assets, n_tickets, first_day, now)
    for i, filing in enumerate(filings):
        filing.id = ids[Ticket] + i
    builder = Builder(rng, base, now, first_day, Terms.from_config(current_app.config),
                      current_app.config["AUTOCLOSE_DAYS"])
    for start in range(0, len(filings), BATCH):
        for filing in filings[start:start + BATCH]:
            builder.build(filing)
        builder.flush(added)
    builder.key_customer_calls(first_day)
    builder.flush(added)
    _advance_sequences([Customer, Site, User, Asset, Label, Contract, Ticket, TicketEvent,
                        WorkLog, PartUsed, BillableItem, FollowUp, Complaint])
    db.session.expire_all()
    added.seconds = timer.perf_counter() - started
    return added

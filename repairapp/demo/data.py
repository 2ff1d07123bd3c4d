"""The demo's reference data: plans and calendars, customers, assets in every coverage
state, contracts of every tier, four staff accounts."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app

from repairapp.accounts.models import Role, User
from repairapp.assets.models import Asset
from repairapp.assets.services import issue_label
from repairapp.billing.work import Terms
from repairapp.contracts.models import Contract, PlanKind, ServiceLevel, ServicePlan, Severity
from repairapp.customers.models import Customer, Site
from repairapp.db import utcnow
from repairapp.demo import history
from repairapp.extensions import db
from repairapp.parts.models import Part
from repairapp.quotes import services as quotes
from repairapp.quotes.models import LineKind
from repairapp.sla.models import ServiceCalendar
from repairapp.tickets.models import Category, Status, WorkType

DEMO_SEED = 2026
DEMO_PASSWORD = "demo-repair-2026"  # noqa: S105 -- the demo prints it
STAFF = [
    (Role.ADMIN, "admin@example.com", "管理员 Admin"),
    (Role.DISPATCHER, "dispatch@example.com", "调度 Dispatcher"),
    (Role.TECHNICIAN, "tech1@example.com", "王工 Wang"),
    (Role.TECHNICIAN, "tech2@example.com", "李工 Li"),
    (Role.MANAGER, "manager@example.com", "服务经理 Manager"),
]
# (name, kind, level, response/resolution minutes for critical, major, minor)
PLANS = [
    ("Warranty 质保", PlanKind.WARRANTY, None, (120, 480, 120, 1440, 240, 2880)),
    ("8h site 8小时现场", PlanKind.EXTENDED, ServiceLevel.H8, (240, 1440, 480, 2880, 1440, 4320)),
    ("16h site 16小时现场", PlanKind.EXTENDED, ServiceLevel.H16, (120, 960, 240, 1920, 480, 2880)),
    ("24h site 24小时现场", PlanKind.EXTENDED, ServiceLevel.H24, (120, 480, 240, 960, 480, 1440)),
    ("Level A 7×24", PlanKind.EXTENDED, ServiceLevel.A, (60, 240, 120, 480, 240, 1440)),
    ("Level B 5×8", PlanKind.EXTENDED, ServiceLevel.B, (240, 960, 480, 1920, 1440, 2880)),
    ("Level C", PlanKind.EXTENDED, ServiceLevel.C, (1440, 2880, 1440, 4320, 1440, 5760)),
    ("Per incident 按次", PlanKind.PER_INCIDENT, None, (1440, 4320, 2880, 7200, 4320, 10080)),
    # Last, so each tier's first plan stays the ordinary one (`flask demo history` takes it).
    ("8h site, pay first 8小时现场（先付款）", PlanKind.EXTENDED, ServiceLevel.H8,
     (240, 1440, 480, 2880, 1440, 4320)),
]
#: Yearly fees (rate % of the contract amount, or a fixed sum): the seeds' 7-10 % by tier.
FEES = {ServiceLevel.H8: ("7", None), ServiceLevel.H16: ("8", None),
        ServiceLevel.H24: ("10", None), ServiceLevel.C: ("7", None),
        ServiceLevel.B: ("8.5", None), ServiceLevel.A: (None, "18000.00")}


def _calendars() -> dict[str, ServiceCalendar]:
    """Office hours with a lunch break, 5×8 and a 16-hour day; China's holidays off."""
    def week(days, *spans):
        return {str(d): [list(s) for s in spans] for d in days}

    return {
        "office": ServiceCalendar(name="办公时间 Office hours (Mon–Fri)",
                                  hours=week(range(5), (510, 720), (780, 1050))),
        "5x8": ServiceCalendar(name="5×8 (Mon–Fri 09:00–17:00)",
                               hours=week(range(5), (540, 1020))),
        "16h": ServiceCalendar(name="16 h (Mon–Sat 08:00–24:00)",
                               hours=week(range(6), (480, 1440))),
    }


#: Which plans count working time only (no tier: warranty and per incident); the others
#: (24 h site, A, C) run 7×24.
PLAN_CALENDAR = {None: "office", ServiceLevel.H8: "office", ServiceLevel.H16: "16h",
                 ServiceLevel.B: "5x8"}


def _plan(name, kind, level, t) -> ServicePlan:
    return ServicePlan(
        name=name, kind=kind, service_level=level,
        response_critical_min=t[0], resolution_critical_min=t[1],
        response_major_min=t[2], resolution_major_min=t[3],
        response_minor_min=t[4], resolution_minor_min=t[5],
    )


def _customers() -> list[Site]:
    east = Customer(name="华东精密制造有限公司 East China Precision")
    port = Customer(name="宁波港联物流 Ningbo Portlink Logistics")
    sites = [
        Site(customer=east, name="苏州工厂 Suzhou plant", address="苏州工业园区星湖街 328 号",
             contact_name="陈经理", contact_phone="0512-6288 0001"),
        Site(customer=east, name="上海仓库 Shanghai warehouse", address="上海市闵行区申长路 88 号",
             contact_name="赵主管", contact_phone="021-5433 0002"),
        Site(customer=port, name="北仑仓储中心 Beilun DC", address="宁波市北仑区明州路 1 号",
             contact_name="孙工", contact_phone="0574-8688 0003"),
    ]
    db.session.add_all(sites)
    return sites


def _assets(sites: list[Site], today: date) -> tuple[list[Asset], list[str | None]]:
    """Twelve assets: warranty x2, one contract per tier, lapsed, renewed after a lapse (not
    paid yet), never covered, another A."""
    years_ago = today - timedelta(days=3 * 365)
    spec = [
        ("CNC 加工中心 Machining centre", "VMC-850", today - timedelta(days=90), None),
        ("激光切割机 Laser cutter", "LC-3015", today - timedelta(days=300), None),
        ("空压机 Air compressor", "GA-37", years_ago, "8h"),
        ("注塑机 Injection moulder", "HX-280", years_ago, "16h"),
        ("立体库堆垛机 AS/RS stacker", "SRM-12", years_ago, "24h"),
        ("WMS 服务器 WMS server", "PowerEdge R750", years_ago, "A"),
        ("输送线 Conveyor line", "CV-60", years_ago, "B"),
        ("贴标机 Labeller", "LB-200", years_ago, "C"),
        ("叉车充电站 Forklift charger", "FC-48", years_ago, "lapsed"),
        ("AGV 小车 AGV", "AGV-500", today - timedelta(days=430), "renewed"),
        ("旧打包机 Old strapper", "ST-9", None, None),
        ("分拣机 Sorter", "SR-300", years_ago, "A"),
    ]
    assets = []
    for i, (name, model, accepted, _tier) in enumerate(spec):
        asset = Asset(tag=f"EQ-{101 + i:05d}", name=name, model=model,
                      serial_number=f"SN{2024000 + i * 37}", site=sites[i % len(sites)],
                      acceptance_date=accepted, warranty_months=12 if accepted else 0)
        issue_label(asset)
        assets.append(asset)
    db.session.add_all(assets)
    return assets, [s[3] for s in spec]


#: (plan's tier, first and last day from today): a year from 200 days ago, so the demo's four
#: months of history fall inside; C ends within a month (renewal notices); lapsed: B ended a
#: month ago; renewed: ten days ago, after the warranty lapsed (a back-payment is due), on
#: the pay-first plan and not paid yet (pending on the scan page).
TERMS = {"C": ("C", -340, 25), "lapsed": ("B", -395, -31), "renewed": ("pay first", -10, 354)}


def _contracts(assets, tiers, plans, today: date) -> None:
    by_level = {p.service_level.value: p for p in plans if p.service_level and not p.is_pay_first}
    by_level["pay first"] = next(p for p in plans if p.is_pay_first)
    for n, (asset, tier) in enumerate(zip(assets, tiers, strict=True)):
        if tier is None:
            continue
        level, start, end = TERMS.get(tier, (tier, -200, 165))
        start, end = today + timedelta(days=start), today + timedelta(days=end)
        paid = tier != "renewed"
        db.session.add(Contract(
            number=f"HT-{today.year}-{n + 1:03d}", customer=asset.site.customer,
            plan=by_level[level], start_date=start, end_date=end, amount=Decimal("12800.00"),
            assets=[asset], paid_on=start - timedelta(days=7) if paid else None,
            payment_reference=f"银行转账 TT{today.year}{n + 1:04d}" if paid else ""))


def _staff() -> list[User]:
    users = []
    for role, email, name in STAFF:
        user = User(email=email, name=name, role=role)
        user.set_password(DEMO_PASSWORD)
        users.append(user)
    db.session.add_all(users)
    return users


def load_plans_and_staff() -> tuple[list[ServicePlan], list[User]]:
    """The demo's plans with their calendars and its staff accounts."""
    plans = [_plan(*p) for p in PLANS]
    calendars = _calendars()
    for plan in plans:
        if plan.service_level in PLAN_CALENDAR:
            plan.calendar = calendars[PLAN_CALENDAR[plan.service_level]]
        rate, fixed = FEES.get(plan.service_level, (None, None))
        plan.fee_rate_percent = Decimal(rate) if rate else None
        plan.fee_annual = Decimal(fixed) if fixed else None
        plan.is_pay_first = "pay first" in plan.name
    db.session.add_all(plans)
    return plans, _staff()


def load_demo(now: datetime | None = None, seed: int = DEMO_SEED) -> list[Asset]:
    """Fill an empty database with the demo as of `now`; returns the assets."""
    now = now or utcnow()
    today = now.astimezone(ZoneInfo("Asia/Shanghai")).date()
    plans, staff = load_plans_and_staff()
    sites = _customers()
    # The first customer gets its quarterly service report (`flask reports send`).
    sites[0].customer.report_emails = "service@east-precision.example"
    sites[0].customer.account_manager = next(u for u in staff if u.role is Role.MANAGER)
    assets, tiers = _assets(sites, today)
    _contracts(assets, tiers, plans, today)
    db.session.flush()
    history.tell(now, seed, staff, assets)
    _quoted_repair(now, staff, assets[10], _parts())
    from repairapp.jobreports.demo import sign_one

    sign_one(now, staff)  # the latest chargeable job resolved on site, signed on the phone
    from repairapp.maintenance import demo as maintenance

    maintenance.load(now, staff, assets)  # inspections in the coming weeks, per technician
    return assets


def _parts() -> list[Part]:
    """A few catalogue parts (tax-included prices)."""
    parts = [Part(code=code, name=name, unit=unit, price=Decimal(price)) for code, name, unit,
             price in (("FU-10A", "保险丝 10A Fuse 10 A", "个", "12.50"),
                       ("BR-6205", "轴承 6205 Bearing", "个", "86.00"),
                       ("BELT-A42", "传动皮带 A42 V-belt", "条", "45.00"),
                       ("PE-12", "光电传感器 Photo sensor", "个", "368.00"))]
    db.session.add_all(parts)
    db.session.flush()
    return parts


def _quoted_repair(now: datetime, staff: list[User], strapper: Asset, parts) -> None:
    """A chargeable repair of the machine nobody covers, done to an approved quote: a visit
    of two days with a day's travel each way, the train at cost, a belt; approved by the
    requester on the tracking page, billed from the quote, confirmed."""
    story = history.Story(now=now, rng=random.Random(DEMO_SEED),  # noqa: S311 -- repeatable
                          dispatcher=next(u for u in staff if u.role is Role.DISPATCHER),
                          technicians=[u for u in staff if u.role is Role.TECHNICIAN],
                          terms=Terms.from_config(current_app.config), soon_percent=80)
    tech, start = story.technicians[0], now - timedelta(days=12)
    ticket = story.file(strapper, start, Severity.MAJOR, Category.MECHANICAL,
                        "打包带卡住，皮带打滑 / strap jams, belt slipping")
    story.assign(ticket, tech, start + timedelta(hours=1))
    story.move(ticket, Status.ACKNOWLEDGED, start + timedelta(hours=2))
    quote = quotes.save_draft(ticket, tech, quotes.on_site_lines(
        story.terms, (start + timedelta(days=2)).date(), (start + timedelta(days=3)).date(), 1,
        2) + [quotes.Line(LineKind.TRAVEL_COST, "高铁 上海–苏州往返 / train", Decimal(1),
                          Decimal("356.40")),
              quotes.Line(LineKind.PART, parts[2].name, Decimal(1), parts[2].price,
                          parts[2].id)], story.terms.tax_percent)
    story.at(ticket, start + timedelta(hours=3), quotes.send, quote, tech,
             now=start + timedelta(hours=3))
    story.at(ticket, start + timedelta(hours=20), quotes.approve, ticket, quote.id, "周工",
             now=start + timedelta(hours=20))
    story.move(ticket, Status.ON_THE_WAY, start + timedelta(days=1, hours=20))
    story.check_in(ticket, start + timedelta(days=2, hours=1))
    story.resolve(ticket, start + timedelta(days=3, hours=8), "更换传动皮带并调整张紧 / new "
                  "belt, tension adjusted", WorkType.ON_SITE, 600, parts[2].label)
    story.rate(ticket, start + timedelta(days=4), 5)

"""Contracts to and from CSV, all-or-nothing like assets."""

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from repairapp import csvio
from repairapp.assets.models import Asset
from repairapp.contracts.models import Contract, ServicePlan
from repairapp.customers.models import Customer, Site
from repairapp.extensions import db

COLUMNS = {
    "number": ("合同编号", "编号"),
    "customer": ("客户",),
    "plan": ("服务等级", "服务方案", "方案"),
    "start_date": ("开始日期", "起始日期"),
    "end_date": ("结束日期", "截止日期"),
    "amount": ("金额", "合同金额"),
    "assets": ("设备", "设备编号"),
}
REQUIRED = ("number", "customer", "plan", "start_date", "end_date", "amount")


def export() -> bytes:
    contracts = db.session.scalars(
        sa.select(Contract).where(Contract.is_archived.is_(False))
        .options(selectinload(Contract.assets), selectinload(Contract.customer),
                 selectinload(Contract.plan)).order_by(Contract.number))
    return csvio.write(list(COLUMNS), (
        [c.number, c.customer.name, c.plan.name, c.start_date.isoformat(),
         c.end_date.isoformat(), f"{c.amount:.2f}", " ".join(sorted(a.tag for a in c.assets))]
        for c in contracts))


def check(data: bytes) -> tuple[list[dict], list[csvio.RowError]]:
    """Every row validated. A known number is an update (of the same customer only); covered
    assets change only when the file has the assets column."""
    known = dict(db.session.execute(
        sa.select(Contract.number, Contract.customer_id)).all())
    customers = {c.name: c for c in db.session.scalars(sa.select(Customer))}
    plans = {p.name: p for p in db.session.scalars(sa.select(ServicePlan))}
    assets = {tag: (asset_id, customer_id) for tag, asset_id, customer_id in db.session.execute(
        sa.select(Asset.tag, Asset.id, Site.customer_id).join(Asset.site))}
    seen = {}

    def problems_for(line: int, row: dict) -> list:
        problems = _row_problems(row, customers, plans, assets, seen, line)
        row["is_new"] = row.get("number") not in known
        if not row["is_new"] and row.get("customer_obj") and \
                row["customer_obj"].id != known[row["number"]]:
            problems.append(_l("contract %(number)s belongs to another customer",
                               number=row["number"]))
        return problems

    return csvio.validate(csvio.read(data, COLUMNS, REQUIRED), problems_for)


def _dates(row: dict, problems: list) -> None:
    for field in ("start_date", "end_date"):
        try:
            row[field + "_value"] = csvio.parse_date(row.get(field, ""))
        except ValueError:
            problems.append(_l("bad date %(value)s (use YYYY-MM-DD)", value=row.get(field)))
    start, end = row.get("start_date_value"), row.get("end_date_value")
    if start and end and end < start:
        problems.append(_l("end date %(end)s is before start date %(start)s", end=end,
                           start=start))


def _row_problems(row, customers, plans, assets, seen, line) -> list:
    problems = [_l("%(column)s is empty", column=f) for f in REQUIRED if not row.get(f)]
    problems += csvio.too_long(row, {"number": 60})
    number = row.get("number", "")
    if number and number in seen:
        problems.append(_l("duplicate contract number %(number)s (also on line %(line)d)",
                           number=number, line=seen[number]))
    seen.setdefault(number, line)
    row["customer_obj"] = customers.get(row.get("customer", ""))
    if row.get("customer") and row["customer_obj"] is None:
        problems.append(_l("unknown customer %(name)s", name=row["customer"]))
    row["plan_obj"] = plans.get(row.get("plan", ""))
    if row.get("plan") and row["plan_obj"] is None:
        problems.append(_l("unknown service plan %(name)s", name=row["plan"]))
    _dates(row, problems)
    try:
        row["amount_value"] = csvio.parse_amount(row.get("amount", ""))
    except ValueError:
        problems.append(_l("bad amount %(value)s", value=row.get("amount")))
    row["asset_ids"] = []
    for tag in (t for t in re.split(r"[\s,;，；]+", row.get("assets", "")) if t):
        found = assets.get(tag)
        if found is None:
            problems.append(_l("unknown asset %(tag)s", tag=tag))
        elif row["customer_obj"] and found[1] != row["customer_obj"].id:
            problems.append(_l("asset %(tag)s belongs to another customer", tag=tag))
        else:
            row["asset_ids"].append(found[0])
    return problems


def apply(rows: list[dict]) -> tuple[int, int]:
    pairs, created = csvio.upsert(rows, Contract.number, "number",
                                  lambda number: Contract(number=number))
    for row, contract in pairs:
        contract.customer, contract.plan = row["customer_obj"], row["plan_obj"]
        contract.start_date, contract.end_date = row["start_date_value"], row["end_date_value"]
        contract.amount = row["amount_value"]
        if "assets" in row["columns"]:
            contract.assets = list(db.session.scalars(
                sa.select(Asset).where(Asset.id.in_(row["asset_ids"])))) \
                if row["asset_ids"] else []
    db.session.flush()
    return created, len(rows) - created

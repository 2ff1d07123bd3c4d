"""Assets to and from CSV. Imports are all-or-nothing: check first, write only a clean file."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from repairapp import csvio
from repairapp.assets.models import Asset
from repairapp.assets.services import TAG_SHAPE, issue_label
from repairapp.customers.models import Customer, Site
from repairapp.extensions import db

COLUMNS = {
    "tag": ("编号", "设备编号", "资产编号"),
    "name": ("名称", "设备名称"),
    "model": ("型号",),
    "serial_number": ("序列号", "serial"),
    "customer": ("客户",),
    "site": ("地点", "现场", "站点"),
    "acceptance_date": ("验收日期",),
    "warranty_months": ("质保月数", "质保期（月）"),
}
REQUIRED = ("tag", "name", "customer", "site")
LIMITS = {"tag": 40, "name": 200, "model": 120, "serial_number": 120}


def export() -> bytes:
    assets = db.session.scalars(sa.select(Asset).where(Asset.is_archived.is_(False))
                                .options(joinedload(Asset.site).joinedload(Site.customer))
                                .order_by(Asset.tag))
    return csvio.write(list(COLUMNS), (
        [a.tag, a.name, a.model, a.serial_number, a.site.customer.name, a.site.name,
         a.acceptance_date.isoformat() if a.acceptance_date else "", a.warranty_months]
        for a in assets))


def _sites() -> dict[tuple[str, str], Site]:
    rows = db.session.execute(sa.select(Customer.name, Site).join(Site.customer)).all()
    return {(customer, site.name): site for customer, site in rows}


def check(data: bytes) -> tuple[list[dict], list[csvio.RowError]]:
    """Every row validated; returns clean rows (with their site) and every problem found.

    Only the columns the file has are written later, so a file of tags and names does not
    wipe models or dates. A known tag is an update, but never moves to another customer.
    """
    sites, seen = _sites(), {}
    known = dict(db.session.execute(
        sa.select(Asset.tag, Site.customer_id).join(Asset.site)).all())
    return csvio.validate(csvio.read(data, COLUMNS, REQUIRED), lambda line, row: (
        _row_problems(row, sites, seen, line) + _update_problems(row, known)))


def _update_problems(row: dict, known: dict) -> list:
    row["is_new"] = row.get("tag") not in known
    site = row.get("site_obj")
    if not row["is_new"] and site is not None and site.customer_id != known[row["tag"]]:
        return [_l("tag %(tag)s belongs to another customer; move it on its own page",
                   tag=row["tag"])]
    return []


def _row_problems(row: dict, sites: dict, seen: dict, line: int) -> list:
    problems = [_l("%(column)s is empty", column=f) for f in REQUIRED if not row.get(f)]
    problems += csvio.too_long(row, LIMITS)
    tag = row.get("tag", "")
    if tag and not TAG_SHAPE.fullmatch(tag):
        problems.append(_l("tag %(tag)s may not contain spaces, commas or semicolons", tag=tag))
    if tag and tag in seen:
        problems.append(_l("duplicate tag %(tag)s (also on line %(line)d)", tag=tag,
                           line=seen[tag]))
    seen.setdefault(tag, line)
    row["site_obj"] = sites.get((row.get("customer", ""), row.get("site", "")))
    if row.get("site") and row["site_obj"] is None:
        problems.append(_l("unknown site %(site)s of customer %(customer)s",
                           site=row.get("site"), customer=row.get("customer")))
    try:
        row["acceptance"] = csvio.parse_date(row["acceptance_date"]) \
            if row.get("acceptance_date") else None
    except ValueError:
        problems.append(_l("bad date %(value)s (use YYYY-MM-DD)", value=row["acceptance_date"]))
    months = row.get("warranty_months") or "12"
    if not months.isdecimal() or int(months) > 240:
        problems.append(_l("bad warranty months %(value)s", value=months))
    else:
        row["months"] = int(months)
    return problems


def apply(rows: list[dict]) -> tuple[int, int]:
    """Write checked rows: new tags are created (with a label), known tags updated in the
    columns the file has."""
    def create(tag: str) -> Asset:
        asset = Asset(tag=tag, model="", serial_number="", warranty_months=12)
        issue_label(asset)
        return asset

    pairs, created = csvio.upsert(rows, Asset.tag, "tag", create)
    for row, asset in pairs:
        asset.name, asset.site = row["name"], row["site_obj"]
        columns = row["columns"]
        if "model" in columns:
            asset.model = row["model"]
        if "serial_number" in columns:
            asset.serial_number = row["serial_number"]
        if "acceptance_date" in columns:
            asset.acceptance_date = row["acceptance"]
        if "warranty_months" in columns:
            asset.warranty_months = row["months"]
    db.session.flush()
    return created, len(rows) - created

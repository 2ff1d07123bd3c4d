"""The parts catalogue to and from CSV, as assets: all-or-nothing, every problem by line."""

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from repairapp import csvio
from repairapp.assets.services import TAG_SHAPE
from repairapp.extensions import db
from repairapp.parts.models import Part

COLUMNS = {
    "code": ("编号", "备件编号", "物料编号", "part number"),
    "name": ("名称", "备件名称"),
    "unit": ("单位",),
    "price": ("单价", "价格", "含税单价"),
}
REQUIRED = ("code", "name", "price")
LIMITS = {"code": 40, "name": 200, "unit": 20}
MAX_PRICE = Decimal("1e10")  # Numeric(12, 2)


def export() -> bytes:
    parts = db.session.scalars(sa.select(Part).where(Part.is_archived.is_(False))
                               .order_by(Part.code))
    return csvio.write(list(COLUMNS), ([p.code, p.name, p.unit, p.price] for p in parts))


def check(data: bytes) -> tuple[list[dict], list[csvio.RowError]]:
    """Every row validated; a known code is an update of that part (archived ones too:
    importing them brings them back)."""
    known = set(db.session.scalars(sa.select(Part.code)))
    seen: dict[str, int] = {}

    def problems(line: int, row: dict) -> list:
        row["is_new"] = row.get("code") not in known
        return _row_problems(row, seen, line)
    return csvio.validate(csvio.read(data, COLUMNS, REQUIRED), problems)


def _row_problems(row: dict, seen: dict, line: int) -> list:
    problems = [_l("%(column)s is empty", column=c) for c in REQUIRED if not row.get(c)]
    problems += csvio.too_long(row, LIMITS)
    code = row.get("code", "")
    if code and not TAG_SHAPE.fullmatch(code):
        problems.append(_l("part number %(code)s may not contain spaces, commas or semicolons",
                           code=code))
    if code and code in seen:
        problems.append(_l("duplicate part number %(code)s (also on line %(line)d)", code=code,
                           line=seen[code]))
    seen.setdefault(code, line)
    if row.get("price"):
        try:
            row["amount"] = _price(row["price"])
        except ValueError:
            problems.append(_l("bad price %(value)s (a number of yuan, e.g. 12.50)",
                               value=row["price"]))
    return problems


def _price(text: str) -> Decimal:
    return csvio.parse_amount(text, MAX_PRICE)


def apply(rows: list[dict]) -> tuple[int, int]:
    """Write checked rows: new codes created, known ones updated (unit only if the file has
    that column) and taken out of the archive."""
    pairs, created = csvio.upsert(rows, Part.code, "code",
                                  lambda code: Part(code=code, unit="", is_archived=False))
    for row, part in pairs:
        part.name, part.price, part.is_archived = row["name"], row["amount"], False
        if "unit" in row["columns"]:
            part.unit = row["unit"]
    db.session.flush()
    return created, len(rows) - created

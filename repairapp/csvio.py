"""CSV in and out for Excel users: UTF-8 with BOM out; UTF-8 (with or without BOM) or GB18030
(what Excel on Chinese Windows saves) in; English or Chinese headers."""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from repairapp.billing.money import to_fen
from repairapp.extensions import db

#: A cell a spreadsheet would run as a formula (OWASP's CSV injection list: = + - @ tab,
#: carriage return), maybe behind quotes we added before. Such text is written after one
#: more ' (shown as text) and read back without it, so export then import changes nothing.
FORMULA = re.compile(r"'*[=+\-@\t\r]")


def neutralise(value):
    """Text that would start a formula, with a ' in front; anything else as it is (numbers
    are written as numbers: a negative amount stays a number)."""
    return "'" + value if isinstance(value, str) and FORMULA.match(value) else value


def restore(text: str) -> str:
    """A cell as it was before `neutralise`."""
    return text[1:] if text.startswith("'") and FORMULA.match(text, 1) else text


@dataclass(frozen=True)
class RowError:
    """A problem on one line of the file (line 1 is the header)."""

    line: int
    message: str


class Rows:
    """Parsed rows, each with its line number, the columns the file has, and the problems."""

    def __init__(self):
        self.rows: list[tuple[int, dict[str, str]]] = []
        self.errors: list[RowError] = []
        self.columns: set[str] = set()

    def error(self, line: int, message) -> None:
        self.errors.append(RowError(line, str(message)))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def read(data: bytes, columns: dict[str, tuple[str, ...]], required: Iterable[str]) -> Rows:
    """Rows keyed by column name; `columns` maps each name to the headers accepted for it."""
    result = Rows()
    try:
        reader = csv.reader(io.StringIO(_decode(data), newline=""))
        header = next(reader, None)
        lookup = {alias.strip().lower(): name for name, aliases in columns.items()
                  for alias in (name, *aliases)}
        names = [lookup.get((h or "").strip().lower()) for h in (header or [])]
        result.columns = {n for n in names if n}
        missing = [c for c in required if c not in names]
        if missing:
            result.error(1, _l("Missing columns: %(columns)s", columns=", ".join(missing)))
            return result
        line = reader.line_num + 1
        for values in reader:  # a quoted cell may span lines: count lines, not records
            if any(v.strip() for v in values):
                result.rows.append((line, {
                    name: restore(values[i].strip()) if i < len(values) else ""
                    for i, name in enumerate(names) if name}))
            line = reader.line_num + 1
    except (UnicodeDecodeError, csv.Error):
        result.error(1, _l("This is not a CSV file we can read."))
    return result


def validate(parsed: Rows, problems_for) -> tuple[list[dict], list[RowError]]:
    """Run `problems_for(line, row)` on every row: the clean rows, and every problem found.
    Each row also learns which columns the file has (only those are written later)."""
    clean = []
    for line, row in parsed.rows:
        row["columns"] = parsed.columns
        problems = problems_for(line, row)
        for message in problems:
            parsed.error(line, message)
        if not problems:
            clean.append(row)
    return clean, parsed.errors


def upsert(rows: list[dict], column, key: str, create) -> tuple[list[tuple[dict, object]], int]:
    """Pair each row with the record whose `column` equals the row's `key` value, making
    (and adding) a new one with `create(value)` where none exists; also how many were new."""
    model = column.class_
    existing = {getattr(r, column.key): r for r in db.session.scalars(
        sa.select(model).where(column.in_([row[key] for row in rows])))}
    pairs, created = [], 0
    for row in rows:
        record = existing.get(row[key])
        if record is None:
            record = existing[row[key]] = create(row[key])
            db.session.add(record)
            created += 1
        pairs.append((row, record))
    return pairs, created


def too_long(row: dict, limits: dict[str, int]) -> list:
    """Messages for values longer than their database column allows."""
    return [_l("%(column)s is longer than %(n)d characters", column=name, n=n)
            for name, n in limits.items() if len(row.get(name, "")) > n]


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD (or with / or .); raises ValueError otherwise."""
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_amount(text: str, limit: Decimal = Decimal("1e10")) -> Decimal:
    """Yuan as people type them ("¥1,200.005", "￥ 80"), rounded half up to the fen as an
    invoice rounds (1200.01); ValueError if not a number from 0 to below `limit`."""
    try:
        value = Decimal(re.sub(r"[,¥￥\s]", "", text))
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or value < 0 or value >= limit:
        raise ValueError(text)
    return to_fen(value)


def write(header: list[str], rows: Iterable[list]) -> bytes:
    """CSV bytes with a BOM, so Excel opens the Chinese text correctly; no cell starts a
    formula (every export writes through here)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")

"""Report tables as files: CSV through csvio (UTF-8 with BOM, no cell starts a formula) and
XLSX with openpyxl, whose text cells are neutralised the same way."""

import io
from decimal import Decimal

from openpyxl import Workbook

from repairapp import csvio

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plain(value):
    """Lazy strings as text; numbers (int, Decimal) and None as they are."""
    if value is None or isinstance(value, int | float | Decimal):
        return value
    return str(value)


def _cell(value):
    """An XLSX cell: text never a formula (as csvio.write does for CSV)."""
    return csvio.neutralise(_plain(value))


def xlsx(title: str, header: list, rows) -> bytes:
    """One sheet: the header, then the rows (streamed: write-only workbook)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_name(title))
    sheet.append([_cell(h) for h in header])
    for row in rows:
        sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str) -> str:
    """Excel refuses sheet names over 31 characters or with []:*?/\\ in them."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in str(title)).strip()
    return cleaned[:31] or "Report"


def respond(fmt: str, name: str, title: str, header: list, rows):
    """A download response for `fmt` ("csv" or "xlsx")."""
    if fmt == "csv":
        body, kind = csvio.write([str(h) for h in header], ([_plain(v) for v in r]
                                                             for r in rows)), CSV
    else:
        body, kind = xlsx(title, header, rows), XLSX
    return body, 200, {"Content-Type": kind,
                       "Content-Disposition": f"attachment; filename={name}.{fmt}"}

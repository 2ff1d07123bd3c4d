"""Each table downloads as CSV (UTF-8 with BOM) and XLSX with the page's numbers; the ticket
export has one row per matching ticket with its times, breaches and amounts."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from reports.conftest import MARCH

from repairapp.extensions import db
from repairapp.reports import figures
from repairapp.tickets.models import BillableItem

ARGS = {"period": "", "start": "2026-03-01", "end": "2026-03-31"}


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def read_xlsx(body: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("key", list(figures.TABLES))
def test_each_table_downloads_with_the_pages_numbers(app, admin, client, month, key):
    """CSV and XLSX hold the header and rows the page shows."""
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        table = figures.TABLES[key](MARCH)
        header = [str(h) for h in table.header]
    as_csv = client.get(f"/reports/{key}.csv", query_string=ARGS)
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["Content-Disposition"]
    rows = read_csv(as_csv.data)
    assert rows[0] == header
    assert rows[1:] == [["" if v is None else str(v) for v in r] for r in table.rows]
    as_xlsx = client.get(f"/reports/{key}.xlsx", query_string=ARGS)
    assert "spreadsheetml" in as_xlsx.headers["Content-Type"]
    sheet = read_xlsx(as_xlsx.data)
    assert sheet[0] == header
    assert len(sheet) == len(table.rows) + 1


def test_the_ticket_export(admin, client, month):
    """March's five tickets in filing order: times in Shanghai time, breaches, technician,
    rating, the billed amount as a number."""
    db.session.add(BillableItem(ticket_id=month.t2.id, kind="visit", description="x",
                                quantity=Decimal(1), amount=Decimal("800.50")))
    db.session.commit()
    rows = read_csv(client.get("/reports/tickets.csv", query_string=ARGS).data)
    numbers = [r[0] for r in rows[1:]]
    assert numbers == [t.number for t in (month.t1, month.dup, month.t2, month.t3, month.t4)]
    t2 = dict(zip(rows[0], rows[3], strict=True))
    assert (t2["Filed"], t2["Resolved"], t2["Response due"]) == \
        ("2026-03-05 09:00", "2026-03-05 21:00", "2026-03-05 10:00")
    assert (t2["Response breached"], t2["Resolution breached"], t2["Reopened"]) == \
        ("Yes", "Yes", "1")
    assert (t2["Technician"], t2["Rating"], t2["Amount (tax included)"]) == ("Wang", "2", "800.50")
    assert t2["Resolution, working minutes"] == "300"
    assert dict(zip(rows[0], rows[2], strict=True))["Duplicate of"] == month.t1.number
    sheet = read_xlsx(client.get("/reports/tickets.xlsx", query_string=ARGS).data)
    assert [r[0] for r in sheet[1:]] == numbers
    assert sheet[3][-1] == 800.5 and sheet[3][-2] == 2


def test_an_unknown_table_is_not_found_and_bad_filters_are_refused(admin, client):
    assert client.get("/reports/nothing.csv").status_code == 404
    assert client.get("/reports/volume.csv", query_string={"period": "", "start": "x"}
                      ).status_code == 422

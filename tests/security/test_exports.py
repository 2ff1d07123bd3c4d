"""Spreadsheet exports: no cell starts a formula (OWASP CSV injection: = + - @ tab, carriage
return), in every export the URL map has, and our own import reads such a cell back as it was.

The exports are found, not listed: every GET address of every endpoint (from the permission
table's world) is fetched as an admin, and whatever answers with a spreadsheet is checked.
"""

import base64
import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from maintenance.data import plan as maintenance_plan
from openpyxl import load_workbook
from security import world

import factories as f
from conftest import Auth
from repairapp import csvio
from repairapp.assets.models import Asset
from repairapp.contracts.models import Contract, PlanKind
from repairapp.customers.models import Customer
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.maintenance.models import ItemKind, MaintenanceVisit, VisitResult, VisitStatus
from repairapp.maintenance.services import local_today
from repairapp.parts.models import Part
from repairapp.reports.figures import TABLES

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
SPREADSHEET = ("text/csv", "spreadsheetml", "ms-excel", "opendocument.spreadsheet")


def seed_dangerous() -> None:
    """For each dangerous character, a customer, site, machine, plan and contract whose every
    text field starts with it (tags and numbers too, where whitespace is allowed in them)."""
    for n, c in enumerate(DANGEROUS):
        word = "" if c.isspace() else c  # tags and numbers never hold whitespace
        customer = Customer(name=f"{c}cmd|' /C calc'!A{n}")
        site = f.site(customer=customer, name=f'{c}HYPERLINK("http://evil.example/?{n}")')
        machine = f.asset(site=site, tag=f"{word}EQ-X{n}", name=f"{c}2+3", model=f"{c}SUM(A1)",
                          serial_number=f"{c}1+{n}")
        plan = f.plan(kind=PlanKind.PER_INCIDENT, name=f"{c}plan {n}")
        f.contract(machine, plan, date(2026, 1, 1), date(2026, 12, 31),
                   number=f"{word}HT-X{n}", amount=Decimal("0.00"))
        f.ticket(machine, assignee=f.user(name=f"{c}Wang {n}"))  # for the reports' exports
        _inspected(machine, f"{c}plan {n}", f"{c}check {n}")
        db.session.add(Part(code=f"{word}PT-X{n}", name=f"{c}SUM(A{n})", unit=f"{c}pcs",
                            price=Decimal("1.00")))
    db.session.commit()


def _inspected(machine, plan_name: str, check: str) -> None:
    """A visit due and done today (this month's report) whose one check failed."""
    today = local_today(utcnow(), "Asia/Shanghai")
    checked = maintenance_plan(machine, start=today, name=plan_name,
                               items=[(check, ItemKind.PASS_FAIL, None, None)])
    visit = MaintenanceVisit(plan_id=checked.id, asset_id=machine.id, period_key="x",
                             due_date=today, status=VisitStatus.DONE, done_at=utcnow())
    visit.results.append(VisitResult(item_id=checked.checks[0].id, passed=False))
    db.session.add(visit)
    db.session.commit()


def cells(body: bytes) -> list[str]:
    """Every cell of a CSV or XLSX file, as text."""
    if body.startswith(b"PK"):  # a zip: XLSX
        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        return ["" if v is None else str(v) for row in sheet.iter_rows(values_only=True)
                for v in row]
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""))
            for cell in row]


def exports(app, client) -> dict[str, bytes]:
    """Every address in the app that a logged-in admin downloads a spreadsheet from."""
    seeded = world.build()
    urls = world.urls(app, seeded, "admin")
    assert not set(world.endpoints(app)) - set(urls), "the permission table lacks endpoints"
    Auth(client).login(seeded.admin.email)
    found = {}
    for endpoint, addresses in urls.items():
        for url in addresses:
            if world.matched_rule(app, url, "GET") is None:
                continue
            response = client.get(url)
            kind = response.headers.get("Content-Type", "")
            if any(s in kind for s in SPREADSHEET):
                assert kind.startswith("text/csv") or "spreadsheetml" in kind, \
                    f"{endpoint} sends {kind}: check its cells in this file too"
                found[url] = response.data
    return found


def test_no_export_has_a_cell_that_starts_a_formula(app, client):
    """Text starting with = + - @ tab or CR is written after a ' in every export, and each
    export shows each of them (so a new export without seeded data fails here)."""
    seed_dangerous()
    found = exports(app, client)
    reports = {f"/reports/{key}.{fmt}" for key in ("tickets", *TABLES) for fmt in ("csv", "xlsx")}
    assert set(found) == {"/assets/export.csv", "/contracts/export.csv",
                          "/parts/export.csv"} | reports
    # Tables of counts and times hold no seeded text; these show names, tags and models.
    texts = {"assets/export", "contracts/export", "parts/export",
             "reports/tickets", "reports/by_model",
             "reports/by_site", "reports/by_customer", "reports/technicians",
             "reports/machine_reliability", "reports/inspection_models",
             "reports/inspection_items"}
    for url, body in found.items():
        written = cells(body)
        unescaped = [cell for cell in written if cell.startswith(DANGEROUS)]
        assert unescaped == [], url
        if url[1:].rsplit(".", 1)[0] not in texts:
            continue
        for c in DANGEROUS:
            assert any(cell.startswith("'" + c) for cell in written), (url, c)


def test_numbers_are_written_as_numbers():
    """Only text is neutralised: an int, a Decimal, a date string pass unchanged; a phone
    number written as text gets the ' (Excel then shows it as text, not -> a sum)."""
    body = csvio.write(["a", "b", "c", "d", "e"],
                       [[-5, Decimal("-1.50"), "2026-01-01", "+86 138 0013 8000", "'plain"]])
    assert cells(body)[5:] == ["-5", "-1.50", "2026-01-01", "'+86 138 0013 8000", "'plain"]


@pytest.mark.parametrize("text", ["=1+2", "'=1+2", "''@x", "-3", "\t=x", "\r\n=x", "'plain",
                                  "plain", "", "'", "+"])
def test_neutralise_then_restore_gives_the_text_back(text):
    """Quotes we add come off on reading; quotes that were in the text stay."""
    assert csvio.restore(csvio.neutralise(text)) == text
    assert not csvio.neutralise(text).startswith(DANGEROUS)


def _snapshot() -> list:
    assets = db.session.execute(sa.select(
        Asset.tag, Asset.name, Asset.model, Asset.serial_number, Asset.site_id,
        Asset.acceptance_date, Asset.warranty_months).order_by(Asset.tag)).all()
    contracts = [(c.number, c.customer_id, c.plan_id, c.start_date, c.end_date, c.amount,
                  sorted(a.id for a in c.assets))
                 for c in db.session.scalars(sa.select(Contract).order_by(Contract.number))]
    return [assets, contracts]


def reimport(admin, url: str, body: bytes):
    preview = admin.post(url, {"file": (io.BytesIO(body), "export.csv")},
                         content_type="multipart/form-data").get_data(as_text=True)
    assert "content" in preview, preview
    content = re.search(r'name="content" value="([^"]*)"', preview)
    assert content and content.group(1), re.findall(r"<li[^>]*>(.*?)</li>", preview)
    assert base64.b64decode(content.group(1)) == body
    return admin.post(url, {"content": content.group(1)}, follow_redirects=True)


def test_export_then_import_changes_nothing(admin, client):
    """The neutralised exports re-import as the same records, and export to the same files."""
    seed_dangerous()
    before = _snapshot()
    files = {kind: client.get(f"/{kind}/export.csv").data for kind in ("assets", "contracts")}
    for kind, body in files.items():
        done = reimport(admin, f"/{kind}/import", body).get_data(as_text=True)
        assert f"Imported: 0 new, {len(DANGEROUS)} updated." in done, kind
    db.session.expire_all()
    assert _snapshot() == before
    assert {kind: client.get(f"/{kind}/export.csv").data for kind in files} == files

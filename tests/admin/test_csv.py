"""CSV import and export for assets and contracts: all-or-nothing, every bad row reported."""

import base64
import io
import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

import factories as f
from factories import count
from repairapp.assets.models import Asset
from repairapp.contracts.models import Contract
from repairapp.extensions import db


@pytest.fixture
def world():
    plans = f.standard_plans()
    site = f.site(name="苏州工厂")
    site.customer.name = "华东精密"
    db.session.commit()
    return site, plans


def upload(admin, url: str, text: str, encoding="utf-8-sig"):
    return admin.post(url, {"file": (io.BytesIO(text.encode(encoding)), "data.csv")},
                      content_type="multipart/form-data")


def confirm(admin, url: str, preview_html: str):
    content = re.search(r'name="content" value="([^"]*)"', preview_html).group(1)
    return admin.post(url, {"content": content})


GOOD_ASSETS = ("设备编号,名称,型号,序列号,客户,地点,验收日期,质保月数\n"
               "EQ-1,空压机,GA-37,SN1,华东精密,苏州工厂,2025-01-15,12\n"
               "EQ-2,注塑机,HX-280,,华东精密,苏州工厂,,0\n")


def test_clean_asset_file_previews_then_imports_on_confirm(admin, world):
    """Chinese headers with a BOM: preview first (nothing written), then the import."""
    preview = upload(admin, "/assets/import", GOOD_ASSETS)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "2 rows" in html and count(Asset) == 0
    done = confirm(admin, "/assets/import", html)
    assert done.status_code == 302 and count(Asset) == 2
    first = db.session.scalar(sa.select(Asset).where(Asset.tag == "EQ-1"))
    assert first.acceptance_date == date(2025, 1, 15) and first.active_label is not None


@pytest.mark.parametrize("row,problem", [
    ("EQ-9,X,,,华东精密,没有这个地点,,12", "unknown site"),
    ("EQ-1,X,,,华东精密,苏州工厂,,12", "duplicate tag EQ-1"),
    ("EQ-9,X,,,华东精密,苏州工厂,15/01/2025,12", "bad date"),
    ("EQ-9,X,,,华东精密,苏州工厂,,twelve", "bad warranty months"),
    (",X,,,华东精密,苏州工厂,,12", "tag is empty"),
])
def test_every_kind_of_bad_asset_row_is_reported_and_nothing_is_written(admin, world, row,
                                                                        problem):
    """A single bad row blocks the whole file; the preview names its line and reason."""
    response = upload(admin, "/assets/import", GOOD_ASSETS + row + "\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and problem in html and "Line 4" in html
    assert 'name="content"' not in html and count(Asset) == 0


def test_missing_columns_and_gb18030_files(admin, world):
    """A file without the required columns is refused; Excel's GB18030 is read."""
    assert "Missing columns" in upload(admin, "/assets/import", "名称\nX\n").get_data(
        as_text=True)
    html = upload(admin, "/assets/import", GOOD_ASSETS.replace("\ufeff", ""),
                  encoding="gb18030").get_data(as_text=True)
    assert "2 rows" in html


def test_tampered_confirmation_writes_nothing(admin, world):
    """Confirming a file that is not clean (edited in transit) imports nothing."""
    bad = base64.b64encode((GOOD_ASSETS + "EQ-1,dup,,,华东精密,苏州工厂,,12\n").encode()).decode()
    response = admin.post("/assets/import", {"content": bad}, page_url="/assets/import")
    assert response.status_code == 422 and count(Asset) == 0


def test_asset_export_reimports_unchanged(admin, client, world):
    """Export → import → export gives the same file, and changes nothing."""
    site, _plans = world
    for n in range(3):
        f.asset(tag=f"EQ-{n}", name=f"机器 {n}, \"quoted\"", site=site,
                accepted=date(2025, 1, n + 1))
    first = client.get("/assets/export.csv").data
    assert first.startswith("\ufeff".encode())
    html = upload(admin, "/assets/import", first.decode("utf-8-sig")).get_data(as_text=True)
    confirm(admin, "/assets/import", html)
    assert count(Asset) == 3 and client.get("/assets/export.csv").data == first


def _contract_csv(rows: str) -> str:
    return "合同编号,客户,服务方案,开始日期,结束日期,金额,设备\n" + rows


def test_contract_import_links_assets_and_round_trips(admin, client, world):
    """Contracts import with their covered assets; their export re-imports unchanged."""
    site, _plans = world
    f.asset(tag="EQ-1", site=site)
    f.asset(tag="EQ-2", site=site)
    text = _contract_csv("HT-1,华东精密,Level A,2026-01-01,2026-12-31,\"12,800.00\",EQ-1 EQ-2\n")
    html = upload(admin, "/contracts/import", text).get_data(as_text=True)
    confirm(admin, "/contracts/import", html)
    contract = db.session.scalar(sa.select(Contract))
    assert sorted(a.tag for a in contract.assets) == ["EQ-1", "EQ-2"]
    assert str(contract.amount) == "12800.00"
    exported = client.get("/contracts/export.csv").data
    confirm(admin, "/contracts/import",
            upload(admin, "/contracts/import", exported.decode("utf-8-sig")).get_data(
                as_text=True))
    assert count(Contract) == 1 and client.get("/contracts/export.csv").data == exported


def test_contract_amounts_round_half_up_to_the_fen(admin, world):
    """As an invoice rounds: ¥1,200.005 is 1200.01 and 0.125 is 0.13 (not half to even)."""
    text = _contract_csv("HT-1,华东精密,Level A,2026-01-01,2026-12-31,\"¥1,200.005\",\n"
                         "HT-2,华东精密,Level A,2026-01-01,2026-12-31,￥ 0.125,\n")
    confirm(admin, "/contracts/import", upload(admin, "/contracts/import", text).get_data(
        as_text=True))
    amounts = dict(db.session.execute(sa.select(Contract.number, Contract.amount)).all())
    assert amounts == {"HT-1": Decimal("1200.01"), "HT-2": Decimal("0.13")}


@pytest.mark.parametrize("row,problem", [
    ("HT-2,Nobody,Level A,2026-01-01,2026-12-31,1,", "unknown customer"),
    ("HT-2,华东精密,Gold,2026-01-01,2026-12-31,1,", "unknown service plan"),
    ("HT-2,华东精密,Level A,2026-13-01,2026-12-31,1,", "bad date"),
    ("HT-2,华东精密,Level A,2026-12-31,2026-01-01,1,", "is before start date"),
    ("HT-2,华东精密,Level A,2026-01-01,2026-12-31,-5,", "bad amount"),
    ("HT-2,华东精密,Level A,2026-01-01,2026-12-31,1,EQ-404", "unknown asset EQ-404"),
    ("HT-1,华东精密,Level A,2026-01-01,2026-12-31,1,", "duplicate contract number"),
])
def test_every_kind_of_bad_contract_row(admin, world, row, problem):
    """Each bad contract row is reported with its line, and no contract is written."""
    good = "HT-1,华东精密,Level A,2026-01-01,2026-12-31,100,\n"
    response = upload(admin, "/contracts/import", _contract_csv(good + row + "\n"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and problem in html and "Line 3" in html
    assert count(Contract) == 0


def test_asset_of_another_customer_cannot_be_covered(admin, world):
    """A contract may only cover its own customer's machines."""
    f.asset(tag="EQ-OTHER")
    html = upload(admin, "/contracts/import", _contract_csv(
        "HT-1,华东精密,Level A,2026-01-01,2026-12-31,1,EQ-OTHER\n")).get_data(as_text=True)
    assert "belongs to another customer" in html


def test_a_file_with_fewer_columns_changes_only_those(admin, world):
    """Updating names from a short file keeps models, serials, dates and warranty."""
    site, _plans = world
    f.asset(tag="EQ-1", name="Old", model="GA-37", serial_number="SN1", site=site,
            accepted=date(2025, 1, 15), warranty_months=24)
    html = upload(admin, "/assets/import", "tag,name,customer,site\nEQ-1,New,华东精密,苏州工厂\n"
                  ).get_data(as_text=True)
    assert "0 new, 1 updates" in html
    confirm(admin, "/assets/import", html)
    db.session.expire_all()
    asset = db.session.scalar(sa.select(Asset))
    assert (asset.name, asset.model, asset.serial_number, asset.acceptance_date,
            asset.warranty_months) == ("New", "GA-37", "SN1", date(2025, 1, 15), 24)


def test_import_never_moves_a_tag_to_another_customer(admin, world):
    """A known tag listed under another customer's site is refused, not silently moved."""
    f.asset(tag="EQ-1")  # another customer's machine
    html = upload(admin, "/assets/import", GOOD_ASSETS).get_data(as_text=True)
    assert "EQ-1 belongs to another customer" in html and count(Asset) == 1


def test_contract_file_without_assets_column_keeps_coverage(admin, world):
    """Re-importing contracts without the assets column leaves their machines covered."""
    site, plans = world
    machine = f.asset(tag="EQ-1", site=site)
    f.contract(machine, plans["A"], date(2026, 1, 1), date(2026, 12, 31), number="HT-1")
    text = "number,customer,plan,start_date,end_date,amount\n" \
           "HT-1,华东精密,Level A,2026-01-01,2027-06-30,5000\n"
    confirm(admin, "/contracts/import",
            upload(admin, "/contracts/import", text).get_data(as_text=True))
    db.session.expire_all()
    contract = db.session.scalar(sa.select(Contract))
    assert contract.end_date == date(2027, 6, 30) and [a.tag for a in contract.assets] == ["EQ-1"]


def test_line_numbers_count_lines_even_with_multiline_cells(admin, world):
    """A cell with a line break (Alt+Enter in Excel) does not shift the reported lines."""
    text = (GOOD_ASSETS + 'EQ-3,"two\nlines",,,华东精密,苏州工厂,,12\n'
            "EQ-4,X,,,华东精密,苏州工厂,bad,12\n")
    html = upload(admin, "/assets/import", text).get_data(as_text=True)
    assert "Line 6: bad date" in html


@pytest.mark.parametrize("row,problem", [
    ("EQ 9,X,,,华东精密,苏州工厂,,12", "may not contain spaces"),
    ("EQ-" + "9" * 40 + ",X,,,华东精密,苏州工厂,,12", "tag is longer than 40 characters"),
])
def test_tags_that_would_not_round_trip_are_refused(admin, world, row, problem):
    """Spaces or commas in tags (they separate tags elsewhere) and over-long tags."""
    html = upload(admin, "/assets/import", GOOD_ASSETS + row + "\n").get_data(as_text=True)
    assert problem in html and count(Asset) == 0


def test_garbage_upload_is_a_message_not_a_crash(admin, world):
    """A huge field or a binary file gets a plain message."""
    huge = "tag,name,customer,site\n" + '"' + "x" * 200_000 + '",a,b,c\n'
    assert "not a CSV file we can read" in upload(admin, "/assets/import", huge).get_data(
        as_text=True)

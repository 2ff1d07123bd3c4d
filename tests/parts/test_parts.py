"""The parts catalogue: admins keep it, CSV in and out like assets, work logs pick from it."""

import base64
import io
from decimal import Decimal

import sqlalchemy as sa

import factories as f
from repairapp.extensions import db
from repairapp.parts.models import Part
from repairapp.tickets.models import PartUsed, Status

HEADER = "编号,名称,单位,单价\r\n"


def _import(admin, data: bytes):
    """Upload: the preview with every problem, nothing written."""
    return admin.post("/parts/import", {"file": (io.BytesIO(data), "parts.csv")},
                      content_type="multipart/form-data")


def _confirm(admin, client, data: bytes):
    """The preview's confirmation: the checked content, written if clean."""
    return admin.post("/parts/import", {"content": base64.b64encode(data).decode()})


def test_admin_adds_a_part_price_rounded_half_up(admin, client):
    """1.005 yuan is saved as 1.01; a second part with the same number is refused."""
    response = admin.post("/parts/new", {"code": "FU-10A", "name": "Fuse 10 A", "unit": "pcs",
                                         "price": "1.005"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Part.price)) == Decimal("1.01")
    response = admin.post("/parts/new", {"code": "FU-10A", "name": "Other", "unit": "",
                                         "price": "2"})
    assert response.status_code == 422
    assert "Another part already has this part number." in response.get_data(as_text=True)
    assert "FU-10A" in client.get("/parts/?q=fuse").get_data(as_text=True)


def test_import_creates_and_updates_with_chinese_headers(admin, client):
    """A clean file (BOM, Chinese headers): previewed, then written on confirmation."""
    db.session.add(Part(code="BR-01", name="Old name", unit="个", price=Decimal("5")))
    db.session.commit()
    data = ("\ufeff" + HEADER + "FU-10A,保险丝 10A,个,¥12.50\r\nBR-01,轴承,个,\"1,200.005\"\r\n"
            ).encode()
    preview = _import(admin, data)
    assert preview.status_code == 200 and f.count(Part) == 1
    assert _confirm(admin, client, data).status_code == 302
    parts = {p.code: p for p in db.session.scalars(sa.select(Part))}
    assert parts["FU-10A"].price == Decimal("12.50") and parts["FU-10A"].name == "保险丝 10A"
    assert parts["BR-01"].price == Decimal("1200.01") and parts["BR-01"].name == "轴承"


def test_import_errors_name_each_line_and_write_nothing(admin, client):
    """A bad price, a repeated part number: every problem by line (header is line 1), in
    English and in Chinese; not a row written, even the good one."""
    data = (HEADER + "FU-10A,保险丝,个,12.50\r\nFU-10A,保险丝,个,12.50\r\n"
            "BR-01,轴承,个,abc\r\n").encode("gb18030")
    page = _import(admin, data)
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Line 3: duplicate part number FU-10A (also on line 2)" in text
    assert "Line 4: bad price abc (a number of yuan, e.g. 12.50)" in text
    client.set_cookie("lang", "zh")
    text = _import(admin, data).get_data(as_text=True)
    assert "第 3 行: 备件编号 FU-10A 重复（第 2 行也有）" in text
    assert "第 4 行: 单价 abc 有误（填元，如 12.50）" in text
    assert _confirm(admin, client, data).status_code == 422 and f.count(Part) == 0


def test_import_without_a_price_column_says_so(admin, client):
    """A missing required column is an error on line 1, in the user's language."""
    data = b"code,name\r\nFU-10A,Fuse\r\n"
    assert "Line 1: Missing columns: price" in _import(admin, data).get_data(as_text=True)
    client.set_cookie("lang", "zh")
    assert "第 1 行: 缺少列：price" in _import(admin, data).get_data(as_text=True)
    assert f.count(Part) == 0


def test_export_has_a_bom_and_neutralised_formulas(admin, client):
    """UTF-8 with BOM for Excel; a name starting a formula is written as text; the export
    imports back unchanged."""
    db.session.add(Part(code="X-1", name="=cmd|' /C calc'!A0", unit="个", price=Decimal("3.30")))
    db.session.commit()
    data = client.get("/parts/export.csv").data
    assert data.startswith("\ufeff".encode()) and b"'=cmd" in data
    assert b"X-1" in data and b"3.30" in data
    assert _confirm(admin, client, data).status_code == 302
    assert db.session.scalar(sa.select(Part.name)) == "=cmd|' /C calc'!A0"


def test_a_work_log_picks_a_catalogue_part_or_keeps_free_text(client, auth):
    """"FU-10A · Fuse 10 A" from the picker links the part; other text stays as typed."""
    part = Part(code="FU-10A", name="Fuse 10 A", unit="pcs", price=Decimal("12.50"))
    db.session.add(part)
    db.session.commit()
    tech = f.user()
    ticket = f.ticket(assignee=tech, status=Status.ACKNOWLEDGED)
    client.set_cookie("lang", "en")
    auth.login(tech.email)
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert '<option value="FU-10A · Fuse 10 A">' in page
    auth.post(f"/tickets/{ticket.id}/work", {
        "work_type": "on_site", "minutes": "30", "parts-0-item": "FU-10A · Fuse 10 A",
        "parts-0-quantity": "2", "parts-1-item": "Cable tie", "parts-1-quantity": "5"},
        page_url=f"/tickets/{ticket.id}")
    used = db.session.scalars(sa.select(PartUsed).order_by(PartUsed.id)).all()
    assert [(u.description, u.quantity, u.part_id) for u in used] == [
        ("FU-10A · Fuse 10 A", 2, part.id), ("Cable tie", 5, None)]

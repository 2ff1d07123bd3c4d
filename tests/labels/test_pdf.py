"""Label PDFs rendered at 300 dpi (pypdfium2) and read back with a real QR decoder (zxing-cpp):
every code decodes to its asset's URL and sits where the label stock says, to 0.1 mm."""

import io

import pypdfium2 as pdfium
import pytest
import zxingcpp
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from repairapp.labels import qr
from repairapp.labels.pdf import LabelData, LabelWriter, calibration, fit_text, scan_url
from repairapp.labels.sheets import SHEETS

DPI = 300
PX_PER_MM = DPI / 25.4
BASE = "https://fix.example.com"


def render(pdf_bytes: bytes):
    document = pdfium.PdfDocument(pdf_bytes)
    return [page.render(scale=DPI / 72).to_pil().convert("L") for page in document]


def labels(n: int) -> list[LabelData]:
    return [LabelData(f"EQ-{i:05d}", "立体库堆垛机 AS/RS stacker " * (i % 3 + 1),
                      f"ABCDEFGHJK{i:02d}") for i in range(n)]


def write(sheet, items, start_slot=0) -> tuple[bytes, LabelWriter]:
    out = io.BytesIO()
    writer = LabelWriter(out, sheet, base_url=BASE, vendor="维修服务 Service", hotline="400-1")
    writer.write(items, start_slot)
    return out.getvalue(), writer


def expected_corners(sheet, writer, slot, data):
    """Where the symbol's top-left and bottom-right corners must be, in mm."""
    modules, size = qr.fit(data, writer.qr_box())
    box_x, box_top = writer.qr_origin(slot)
    left, upper = box_x + qr.QUIET_ZONE * size, box_top + qr.QUIET_ZONE * size
    side = len(modules) * size
    return (left, upper), (left + side, upper + side), size


# Label positions from the stock makers' datasheets, written out independently of
# repairapp.labels.sheets: (slot, left edge, top edge) in mm.
DATASHEET = {
    "a4-3x8": [(0, 0, 0.5), (2, 140, 0.5), (4, 70, 37.5), (23, 140, 259.5)],
    "a4-2x7": [(0, 4.65, 15.15), (1, 106.25, 15.15), (13, 106.25, 243.75)],
    "thermal-50x30": [(0, 0, 0)],
    "thermal-40x30": [(0, 0, 0)],
}


@pytest.mark.parametrize("key", sorted(SHEETS))
def test_label_positions_match_the_datasheet(key):
    """Each stock's label boxes sit where the datasheet puts them, to 0.1 mm."""
    sheet = SHEETS[key]
    for slot, left, top in DATASHEET[key]:
        x, y = sheet.origin(slot)
        assert abs(x - left) < 0.1 and abs(y - top) < 0.1
        assert x + sheet.label_w <= sheet.page_w + 0.05 and y + sheet.label_h <= sheet.page_h


@pytest.mark.parametrize("key", sorted(SHEETS))
def test_every_code_decodes_to_its_url_in_the_right_place(key):
    """Each QR reads back as exactly its asset's URL; both corners within 0.1 mm."""
    sheet = SHEETS[key]
    items = labels(sheet.per_page + 1)  # a full page and one more
    pdf, writer = write(sheet, items)
    pages = render(pdf)
    assert len(pages) == 2
    width, height = pages[0].size  # pdfium rounds the page up to whole pixels
    assert abs(width / PX_PER_MM - sheet.page_w) <= 0.1 and \
        abs(height / PX_PER_MM - sheet.page_h) <= 0.1
    found = {}
    for page_no, image in enumerate(pages):
        for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
            found[code.text] = (page_no, code.position)
    assert set(found) == {scan_url(BASE, item.code) for item in items}
    for slot, item in enumerate(items):
        page_no, position = found[scan_url(BASE, item.code)]
        assert page_no == slot // sheet.per_page
        (x0, y0), (x1, y1), module = expected_corners(sheet, writer, slot % sheet.per_page,
                                                      scan_url(BASE, item.code))
        assert module >= 0.5
        for got, want in (((position.top_left.x, position.top_left.y), (x0, y0)),
                          ((position.bottom_right.x, position.bottom_right.y), (x1, y1))):
            assert abs(got[0] / PX_PER_MM - want[0]) <= 0.1
            assert abs(got[1] / PX_PER_MM - want[1]) <= 0.1


def test_start_position_skips_used_labels():
    """Starting at row 3, column 2 leaves the first 7 labels of the sheet blank."""
    sheet = SHEETS["a4-3x8"]
    pdf, writer = write(sheet, labels(2), start_slot=7)
    codes = zxingcpp.read_barcodes(render(pdf)[0])
    tops = sorted(c.position.top_left.y / PX_PER_MM for c in codes)
    lefts = sorted(c.position.top_left.x / PX_PER_MM for c in codes)
    (x0, y0), _, _ = expected_corners(sheet, writer, 7, codes[0].text)
    assert len(codes) == 2 and abs(tops[0] - y0) < 0.2 and abs(lefts[0] - x0) < 0.2


def test_url_is_upper_case_for_the_compact_alphanumeric_mode():
    """The encoded URL is all upper case: a smaller code than the lower-case URL."""
    url = scan_url("https://fix.example.com", "ABCDEFGHJK12")
    assert url == "HTTPS://FIX.EXAMPLE.COM/R/ABCDEFGHJK12"
    upper = qr.matrix(url, qr.ERROR_CORRECT_M)
    lower = qr.matrix(url.lower(), qr.ERROR_CORRECT_M)
    assert len(upper) < len(lower)


@pytest.mark.parametrize("key", sorted(SHEETS))
def test_modules_are_at_least_half_a_millimetre(key):
    """On every stock, with a long public address, printed modules stay >= 0.5 mm."""
    _pdf, writer = write(SHEETS[key], [])
    url = scan_url("https://repair-service.example-vendor.com.cn", "ABCDEFGHJK12")
    _modules, size = qr.fit(url, writer.qr_box())
    assert size >= 0.5


def test_a_path_prefix_keeps_its_case():
    """Behind a path prefix the code still leads to a page the server serves."""
    assert scan_url("https://example.com/repair/", "ABCDEFGHJK12") == \
        "HTTPS://EXAMPLE.COM/repair/R/ABCDEFGHJK12"


@pytest.mark.parametrize("key", sorted(SHEETS))
def test_long_names_never_reach_the_code(key):
    """With a very long Chinese name, the quiet zone right of the code stays blank."""
    sheet = SHEETS[key]
    item = LabelData("EQ-00001", "超长设备名称" * 30, "ABCDEFGHJK12")
    pdf, writer = write(sheet, [item])
    image = render(pdf)[0]
    modules, size = qr.fit(scan_url(BASE, item.code), writer.qr_box())
    (_x0, y0), (x1, y1), _ = expected_corners(sheet, writer, 0, scan_url(BASE, item.code))
    quiet = [(round((x1 + dx) * PX_PER_MM), round(y * PX_PER_MM))
             for dx in (0.3 * size, 2 * size, 3.7 * size)
             for y in [y0 + k * (y1 - y0) / 20 for k in range(21)]]
    assert all(image.getpixel(p) > 200 for p in quiet)


@pytest.mark.parametrize("text", ["短", "Conveyor line " * 20, "输送线" * 40])
def test_long_text_shrinks_or_is_cut_and_never_overflows(text):
    """Whatever the name, the drawn text fits its column (so it never overlaps the QR)."""
    width = 30 * mm
    fitted, size = fit_text(text, "Helvetica", 8, 4.5, width)
    assert pdfmetrics.stringWidth(fitted, "Helvetica", size) <= width
    assert size >= 4.5 and (fitted == text or fitted.endswith("…"))


@pytest.mark.parametrize("key", sorted(SHEETS))
def test_calibration_page_draws_every_outline(key):
    """The calibration page is one page of the stock's size with each label's outline."""
    sheet = SHEETS[key]
    out = io.BytesIO()
    calibration(out, sheet)
    (image,) = render(out.getvalue())
    for slot in range(sheet.per_page):
        x, top = sheet.origin(slot)
        # the outline's top edge, a third of the way along, is dark
        px = round((x + sheet.label_w / 3) * PX_PER_MM)
        py = round(top * PX_PER_MM)
        assert min(image.getpixel((px, y)) for y in range(max(0, py - 2), py + 3)) < 128


def test_large_batches_are_joined_from_chunks_in_order():
    """Written in chunks (here one page each) and joined: every page, in order, decodes."""
    from repairapp.labels.pdf import write_batch

    sheet = SHEETS["a4-2x7"]
    items = labels(sheet.per_page * 2 + 3)
    out = io.BytesIO()
    write_batch(items, sheet, out, start_slot=5, chunk_pages=1, base_url=BASE, vendor="V",
                hotline="1")
    pages = render(out.getvalue())
    assert len(pages) == 3  # 9 on the first sheet (5 slots used), then 14, then 8
    per_page = [{c.text for c in zxingcpp.read_barcodes(page)} for page in pages]
    expected, cursor = [], 0
    for size in (9, 14, 8):
        expected.append({scan_url(BASE, i.code) for i in items[cursor:cursor + size]})
        cursor += size
    assert per_page == expected

"""Label PDFs rendered at 300 dpi (pypdfium2) and read back with a real QR decoder (zxing-cpp):
every code decodes to its asset's URL and sits where the label stock says, to 0.1 mm."""

import io

import pypdfium2 as pdfium
import pytest
import zxingcpp
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from repairapp.labels import qr
from repairapp.labels.pdf import PAD, LabelData, LabelWriter, calibration, fit_text, scan_url
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
    """Where the symbol's top-left and bottom-right corners must be, in pixels."""
    modules, size = qr.fit(data, writer.qr_box())
    x, top = sheet.origin(slot)
    left = x + PAD + qr.QUIET_ZONE * size
    upper = top + (sheet.label_h - writer.qr_box()) / 2 + qr.QUIET_ZONE * size
    side = len(modules) * size
    return (left, upper), (left + side, upper + side), size


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
            # zxing reports the centre of the corner module's edge pixel
            assert abs(got[0] / PX_PER_MM - want[0]) <= 0.1 + 1 / PX_PER_MM
            assert abs(got[1] / PX_PER_MM - want[1]) <= 0.1 + 1 / PX_PER_MM


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


def test_small_labels_still_get_half_millimetre_modules():
    """On a 40x30 mm label the code keeps modules of at least 0.5 mm (less correction)."""
    writer_box = min(30 - 2 * PAD, 40 * 0.52)
    _modules, size = qr.fit(scan_url(BASE, "ABCDEFGHJK12"), writer_box)
    assert size >= 0.5


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

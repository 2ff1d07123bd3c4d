"""Label PDFs: vector QR codes (one path each, runs merged), tag, name, URL, vendor line."""

import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import BinaryIO
from urllib.parse import urlsplit

import pikepdf
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from repairapp.labels import qr
from repairapp.labels.sheets import Sheet

TAG_FONT = "Helvetica-Bold"
#: TrueType CJK fonts reportlab can embed (subset), first found wins; else a standard CID font.
CJK_CANDIDATES = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                  "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
PAD = 1.0  # mm inside the label edge
SCAN_TEXT = "扫码报修 / Scan to report a fault"


@dataclass(frozen=True)
class LabelData:
    tag: str
    name: str
    code: str


def scan_url(base_url: str, code: str) -> str:
    """What the QR encodes. Scheme and host in upper case (they ignore case) with /R/ and the
    code, so without a path prefix the whole URL uses the compact alphanumeric mode (fewer
    modules: bigger ones at the same size). A path prefix keeps its case: servers don't."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}".upper() + f"{parts.path.rstrip('/')}/R/{code}"


def cjk_font() -> str:
    """Register and name a font that renders Chinese, without any network access."""
    configured = os.environ.get("REPAIRAPP_LABEL_FONT")
    for path in ([configured] if configured else []) + list(CJK_CANDIDATES):
        if path and os.path.exists(path):
            if "LabelCJK" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("LabelCJK", path, subfontIndex=0))
            return "LabelCJK"
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


@lru_cache(maxsize=4096)
def fit_text(text: str, font: str, size: float, min_size: float, width_pt: float):
    """Shrink to fit the width; at the minimum size, cut with an ellipsis. Never overflows.

    Width grows linearly with size, so one measurement finds the size. Cached: most lines
    (scan text, host, vendor) are the same on every label of a batch.
    """
    width = pdfmetrics.stringWidth(text, font, size)
    if width <= width_pt:
        return text, size
    size = max(min_size, size * width_pt / width)
    if pdfmetrics.stringWidth(text, font, size) <= width_pt:
        return text, size
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width_pt:
        text = text[:-1]
    return text + "…", size


def strip_height(sheet: Sheet) -> float:
    return sheet.label_h * 0.22 if sheet.strip else 0.0


def qr_box(sheet: Sheet) -> float:
    """Side of the QR square (quiet zone included) in mm."""
    return min(sheet.label_h - 2 * PAD - strip_height(sheet), sheet.label_w * 0.52)


def module_mm(sheet: Sheet, base_url: str) -> float:
    """How big one QR module comes out on this stock for labels pointing at `base_url`."""
    return qr.fit(scan_url(base_url, "Z" * 12), qr_box(sheet))[1]  # any code: same length


class LabelWriter:
    """Draws labels onto a canvas, page after page, for one kind of stock."""

    def __init__(self, out: BinaryIO, sheet: Sheet, *, base_url: str, vendor: str,
                 hotline: str):
        self.sheet, self.base_url = sheet, base_url
        self.vendor, self.hotline = vendor, hotline
        self.footer = f"{vendor}  {hotline}".strip()
        parts = urlsplit(base_url)
        self.host = (parts.netloc + parts.path.rstrip("/")) or base_url
        self.font = cjk_font()
        self.canvas = Canvas(out, pagesize=(sheet.page_w * mm, sheet.page_h * mm),
                             pageCompression=1)
        self.canvas.setTitle("QR labels")

    def strip_h(self) -> float:
        return strip_height(self.sheet)

    def qr_box(self) -> float:
        return qr_box(self.sheet)

    def qr_origin(self, slot: int) -> tuple[float, float]:
        """Top-left corner of the QR square (quiet zone included), in mm from the page's
        top-left: at the top above a strip, else centred in the label's height."""
        x, top = self.sheet.origin(slot)
        spare = self.sheet.label_h - self.qr_box()
        return x + PAD, top + (PAD if self.sheet.strip else spare / 2)

    def draw(self, label: LabelData, slot: int) -> None:
        x, top = self.sheet.origin(slot)
        y = self.sheet.page_h - top - self.sheet.label_h  # reportlab counts from the bottom
        box = self.qr_box()
        qr_x, qr_top = self.qr_origin(slot)
        self._qr(scan_url(self.base_url, label.code), qr_x, self.sheet.page_h - qr_top - box, box)
        column = self.sheet.label_w - box - 2 * PAD - 0.5
        lines = self._column_lines(label)
        self._lines(lines, x + PAD + box + 0.5, y + self.strip_h(), column,
                    self.sheet.label_h - self.strip_h())
        if self.sheet.strip:
            self._lines(self._strip_lines(), x + PAD, y, self.sheet.label_w - 2 * PAD,
                        self.strip_h() + PAD)

    def _qr(self, data: str, x: float, y: float, box: float) -> None:
        """One filled path per code, in module units (small integers keep the PDF small)."""
        modules, size = qr.fit(data, box)
        n = len(modules)
        canvas = self.canvas
        canvas.saveState()
        canvas.translate((x + qr.QUIET_ZONE * size) * mm, (y + qr.QUIET_ZONE * size) * mm)
        canvas.scale(size * mm, size * mm)
        path = canvas.beginPath()
        # All coordinates are small integers: one string of "x y w h re" operators instead
        # of a float-formatting path.rect() per run (the hot loop of a batch). reportlab is
        # pinned, and the decoding tests render and read every code back.
        path._code.append(" ".join(f"{col} {n - 1 - row} {length} 1 re"
                                   for row, col, length in qr.runs(modules)))
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()

    def _column_lines(self, label: LabelData) -> list[tuple]:
        """(text, font, size, smallest size) beside the code, tag first."""
        scale = self.sheet.label_h / 37
        lines = [(label.tag, TAG_FONT, 14 * scale, 6), (label.name, self.font, 8 * scale, 4.5)]
        if not self.sheet.strip:
            lines.append((SCAN_TEXT, self.font, 6.5 * scale, 4))
        lines += [(self.host, "Helvetica", 5.5 * scale, 3.5),
                  (f"/r/{label.code}", "Helvetica", 5.5 * scale, 3.5)]
        if not self.sheet.strip:
            lines += [(self.vendor, self.font, 5 * scale, 3.5),
                      (self.hotline, "Helvetica", 5 * scale, 3.5)]
        return lines

    def _strip_lines(self) -> list[tuple]:
        return [(SCAN_TEXT, self.font, 6.5, 4.5), (self.footer, self.font, 5.5, 4)]

    def _lines(self, lines: list[tuple], x: float, y: float, width: float,
               height: float) -> None:
        """Lines spread evenly over a box (mm, bottom-left at x, y); each fits the width."""
        step = (height - PAD) * mm / len(lines)
        cursor = (y + height - PAD) * mm
        for text, font, size, min_size in lines:
            text, size = fit_text(text, font, size, min_size, width * mm)
            cursor -= step
            self.canvas.setFont(font, size)
            self.canvas.drawString(x * mm, cursor + (step - size) / 2, text)

    def write(self, labels: Iterable[LabelData], start_slot: int = 0) -> int:
        """Draw every label from `start_slot` on (to reuse a partly used sheet); pages made."""
        slot, pages = start_slot % self.sheet.per_page, 0
        for label in labels:
            self.draw(label, slot)
            slot += 1
            if slot == self.sheet.per_page:
                self.canvas.showPage()
                slot, pages = 0, pages + 1
        if slot:
            self.canvas.showPage()
            pages += 1
        self.canvas.save()
        return pages


def calibration(out: BinaryIO, sheet: Sheet) -> None:
    """One page with every label's outline and a 100 mm ruler: print at 100 %, hold it over
    a label sheet against the light, and check that the outlines sit on the die-cuts."""
    canvas = Canvas(out, pagesize=(sheet.page_w * mm, sheet.page_h * mm), pageCompression=1)
    canvas.setLineWidth(0.1 * mm)
    for slot in range(sheet.per_page):
        x, top = sheet.origin(slot)
        canvas.rect(x * mm, (sheet.page_h - top - sheet.label_h) * mm, sheet.label_w * mm,
                    sheet.label_h * mm)
    size = min(100, sheet.page_w - 10)
    canvas.line(5 * mm, sheet.page_h / 2 * mm, (5 + size) * mm, sheet.page_h / 2 * mm)
    for tick in range(0, int(size) + 1, 10):
        canvas.line((5 + tick) * mm, (sheet.page_h / 2 - 1.5) * mm, (5 + tick) * mm,
                    (sheet.page_h / 2 + 1.5) * mm)
    canvas.setFont("Helvetica", 6 if sheet.page_h < 50 else 8)
    canvas.drawString(5 * mm, (sheet.page_h / 2 + 2.5) * mm,
                      f"{size:g} mm - {sheet.title} - print at 100 % (actual size)")
    canvas.showPage()
    canvas.save()


#: Pages written per intermediate file; peak memory depends on this, not on the batch size.
CHUNK_PAGES = 40


def write_batch(labels: Iterable[LabelData], sheet: Sheet, out: BinaryIO, *,
                start_slot: int = 0, chunk_pages: int = CHUNK_PAGES, **options) -> None:
    """Any number of labels into one PDF with flat memory.

    reportlab keeps a document's pages in memory until it saves, so large batches are
    written as chunk files on disk and joined by qpdf (pikepdf), which copies the page
    streams from those files without loading them all.
    """
    items = iter(labels)
    with tempfile.TemporaryDirectory(prefix="labels-") as folder:
        paths, slot = [], start_slot % sheet.per_page
        while chunk := list(islice(items, sheet.per_page * chunk_pages - slot)):
            path = os.path.join(folder, f"{len(paths):05d}.pdf")
            with open(path, "wb") as part:
                LabelWriter(part, sheet, **options).write(chunk, slot)
            paths.append(path)
            slot = 0
        if not paths:  # nothing selected: still a valid (empty) PDF
            LabelWriter(out, sheet, **options).write([], 0)
        elif len(paths) == 1:
            with open(paths[0], "rb") as part:
                shutil.copyfileobj(part, out)
        else:
            _join(paths, out)


def _join(paths: list[str], out: BinaryIO) -> None:
    with pikepdf.Pdf.new() as joined:
        parts = [pikepdf.Pdf.open(path) for path in paths]
        try:
            for part in parts:
                joined.pages.extend(part.pages)
            joined.save(out, compress_streams=True)
        finally:
            for part in parts:
                part.close()

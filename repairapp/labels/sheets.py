"""Label stock: page size, grid, label size, margins and pitch, all in millimetres."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Sheet:
    """One kind of label stock. Positions are exact to 0.1 mm so labels sit on the die-cut."""

    key: str
    title: str
    page_w: float
    page_h: float
    cols: int
    rows: int
    label_w: float
    label_h: float
    left: float = 0.0   # page edge to the first label's left edge
    top: float = 0.0    # page edge to the first label's top edge
    pitch_x: float = 0.0  # left edge to left edge of neighbouring labels
    pitch_y: float = 0.0
    #: Small labels put the scan text and vendor line in a strip under the QR code.
    strip: bool = False

    @property
    def name(self):
        """The stock's name in the reader's language (`title` stays English for the PDF)."""
        return NAME[self.key]

    @property
    def per_page(self) -> int:
        return self.cols * self.rows

    def origin(self, slot: int) -> tuple[float, float]:
        """Top-left corner (x from the left, y from the top) of the label in `slot`."""
        row, col = divmod(slot, self.cols)
        return (self.left + col * (self.pitch_x or self.label_w),
                self.top + row * (self.pitch_y or self.label_h))


SHEETS = {s.key: s for s in (
    # The common 24-up office sheet: 3 x 8 labels of 70 x 37 mm, no side margins.
    Sheet("a4-3x8", "A4 3×8, 70×37 mm (24 per sheet)", 210, 297, 3, 8, 70, 37,
          left=0, top=0.5, pitch_x=70, pitch_y=37),
    # 14-up (L7163 layout): 2 x 7 labels of 99.1 x 38.1 mm.
    Sheet("a4-2x7", "A4 2×7, 99.1×38.1 mm (14 per sheet)", 210, 297, 2, 7, 99.1, 38.1,
          left=4.65, top=15.15, pitch_x=101.6, pitch_y=38.1),
    # Thermal printers: one label per page, page = label.
    Sheet("thermal-50x30", "Thermal 50×30 mm", 50, 30, 1, 1, 50, 30, strip=True),
    Sheet("thermal-40x30", "Thermal 40×30 mm", 40, 30, 1, 1, 40, 30, strip=True),
)}
#: Stock names on screen, translated.
NAME = {
    "a4-3x8": _l("A4 3×8, 70×37 mm (24 per sheet)"),
    "a4-2x7": _l("A4 2×7, 99.1×38.1 mm (14 per sheet)"),
    "thermal-50x30": _l("Thermal 50×30 mm"),
    "thermal-40x30": _l("Thermal 40×30 mm"),
}

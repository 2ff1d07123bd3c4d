"""What the app's A4 report PDFs share (reportlab platypus): margins, colours, paragraph
styles in the CJK font, escaped paragraphs, ruled tables, scaled images, the document
template and a canvas that numbers the pages. Each document keeps its own content and its
own few differences (sizes, spacing, footer lines), passed in here as arguments."""

import functools
import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Table, TableStyle

from repairapp.labels.pdf import fit_text

MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
GRID = colors.HexColor("#c5ccd6")
SHADE = colors.HexColor("#e6eef8")
NAVY = colors.HexColor("#12355b")
#: Cell ranges for `grid(shaded=...)`.
HEADER_ROW = ((0, 0), (-1, 0))
FIRST_COLUMN = ((0, 0), (0, -1))
#: Baselines of stacked footer lines, apart.
FOOT_STEP = 4 * mm

#: The styles every document has; a document overrides single settings of any of them.
BASE_STYLES: dict[str, dict[str, Any]] = {
    "title": {"fontSize": 18},
    "h2": {"fontSize": 12, "spaceBefore": 5 * mm, "spaceAfter": 1.5 * mm, "textColor": NAVY},
    "body": {"fontSize": 9.5},
    "note": {"fontSize": 8.5, "textColor": colors.grey},
    "cell": {"fontSize": 9},
}


def styles(font: str, locale: str, *, leading: float = 1.35,
           **overrides: dict[str, Any]) -> dict[str, Any]:
    """Paragraph styles by name (BASE_STYLES with `overrides` merged per style, new names
    added), all in `font`, line height `leading` x size; "font" names the font itself."""
    wrap = "CJK" if locale == "zh" else None  # Chinese breaks between any two characters
    found: dict[str, Any] = {"font": font}
    for name in BASE_STYLES.keys() | overrides.keys():
        settings = {**BASE_STYLES.get(name, {}), **overrides.get(name, {})}
        found[name] = ParagraphStyle(name, fontName=font, leading=settings["fontSize"] * leading,
                                     wordWrap=wrap, **settings)
    return found


def para(text: str, style: ParagraphStyle, *, breaks: bool = False) -> Paragraph:
    """Plain text as a paragraph: escaped, since reportlab reads its own markup in it;
    `breaks` keeps the text's line breaks (markup would fold them into spaces)."""
    markup = escape(text)
    return Paragraph(markup.replace("\n", "<br/>") if breaks else markup, style)


def grid(rows: list[list], widths: Sequence[float], font: str, *,
         shaded: Sequence[tuple] = ()) -> Table:
    """A table ruled in GRID, `widths` in mm, the `shaded` cell ranges in SHADE; a shaded
    header row repeats at the top of each page the table runs onto."""
    table = Table(rows, colWidths=[w * mm for w in widths],
                  repeatRows=1 if HEADER_ROW in shaded else 0)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font),
                               ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                               *[("BACKGROUND", *cells, SHADE) for cells in shaded],
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def image(data: bytes, max_width: float, max_height: float) -> Image:
    """A picture (logo, signature) scaled to fit the box keeping its proportions, at the
    left edge."""
    with PILImage.open(io.BytesIO(data)) as picture:
        w, h = picture.size
    scale = min(max_height / h, max_width / w)
    found = Image(io.BytesIO(data), width=w * scale, height=h * scale)
    found.hAlign = "LEFT"
    return found


def build(story: list[Flowable], *, font: str, locale: str, title: str, author: str,
          margin: float = MARGIN, foot: float = 0, canvasmaker: type[Canvas] | None = None,
          **metadata: Any) -> bytes:
    """The story as A4 PDF bytes, `margin` all round plus `foot` at the bottom for a footer;
    `metadata` goes to SimpleDocTemplate as is (subject, invariant)."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=margin + foot, title=title,
                            author=author, lang="zh-CN" if locale == "zh" else "en",
                            **metadata)
    # reportlab's default font (Helvetica) would be named in the file, not embedded.
    doc.build(story, canvasmaker=canvasmaker or functools.partial(Canvas, initialFontName=font))
    return out.getvalue()


def numbered_canvas(font: str, size: float, page_line: str, lines: Sequence[str], *,
                    bottom: float, fit: bool = False) -> type[Canvas]:
    """A canvas that writes, in grey at the foot of every page, `lines` stacked top to
    bottom at the left (the last on `bottom`) and `page_line` ("Page {page} of {pages}")
    at the right on `bottom`. `fit` shrinks or cuts the lines to the width the page line
    leaves them. Pages are kept until the document is saved, when their number is known."""

    def foot(canvas: Canvas, page: int, pages: int) -> None:
        canvas.setFont(font, size)
        canvas.setFillColor(colors.grey)
        for n, line in enumerate(lines):
            text = line
            if fit:
                text, fitted = fit_text(line, font, size, 6, WIDTH - 35 * mm)
                canvas.setFont(font, fitted)
            canvas.drawString(MARGIN, bottom + (len(lines) - 1 - n) * FOOT_STEP, text)
        if fit:
            canvas.setFont(font, size)
        canvas.drawRightString(A4[0] - MARGIN, bottom, page_line.format(page=page, pages=pages))

    class Numbered(Canvas):
        def __init__(self, *args, **kwargs):
            # reportlab's default (Helvetica) would be named on every page, not embedded.
            super().__init__(*args, **{**kwargs, "initialFontName": font})
            self._pages = []

        def showPage(self):  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for state in self._pages:
                self.__dict__.update(state)
                foot(self, self._pageNumber, len(self._pages))
                super().showPage()
            super().save()

    return Numbered

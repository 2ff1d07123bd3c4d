"""The customer's service report as an A4 PDF (reportlab platypus): the same sections as the
web page (customer_text), in Chinese or English, with a CJK TrueType font embedded as a
subset, the vendor's logo if one is configured, and page numbers."""

import io
from xml.sax.saxutils import escape

from flask_babel import force_locale
from flask_babel import gettext as _
from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from repairapp.labels.pdf import cjk_font, fit_text
from repairapp.reports.customer import CustomerReport
from repairapp.reports.customer_text import Section, Words

MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
#: Column widths (mm) per section; a section not named here splits the width evenly.
COLUMNS = {
    "coverage": (130, 50), "machines": (30, 38, 42, 45, 25), "tickets": (130, 50),
    "durations": (56, 20, 35, 35, 34), "compliance": (30, 34, 56, 30, 30),
    "satisfaction": (90, 90), "repeated": (35, 75, 45, 25), "chargeable": (95, 30, 55),
    "followups": (130, 50),
}
#: Sections up to this many rows stay on one page with their heading.
KEEP_ROWS = 15
GRID = colors.HexColor("#c5ccd6")
SHADE = colors.HexColor("#e6eef8")


def render_pdf(report: CustomerReport, *, locale: str) -> bytes:
    """The report as PDF bytes in `locale` ("zh" or "en"); needs an app context, not a
    request (the CLI sends reports too)."""
    with force_locale(locale):
        words = report.words()
        footer = _("Page %(page)s of %(pages)s", page="{page}", pages="{pages}")
        styles = _styles(cjk_font(), locale)
        story = _head(report, words, styles) + [_headline(words, styles)]
        for section in words.sections:
            story += _section(section, styles)
        out = io.BytesIO()
        doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                                topMargin=MARGIN, bottomMargin=MARGIN + 5 * mm,
                                title=words.title,
                                author=report.vendor_name, subject=words.period,
                                lang="zh-CN" if locale == "zh" else "en")
        tail = f"{report.vendor_name} · {report.customer_name} · {words.period}"
        doc.build(story, canvasmaker=_numbered(styles["font"], tail, footer))
    return out.getvalue()


def _styles(font: str, locale: str) -> dict:
    wrap = "CJK" if locale == "zh" else None  # Chinese breaks between any two characters

    def style(name, size, **kw):
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.35,
                              wordWrap=wrap, **kw)

    return {"font": font, "title": style("title", 18, spaceAfter=2 * mm),
            "h2": style("h2", 13, spaceBefore=5 * mm, spaceAfter=1.5 * mm,
                        textColor=colors.HexColor("#12355b")),
            "body": style("body", 9.5), "note": style("note", 8.5, textColor=colors.grey,
                                                     spaceAfter=1.5 * mm),
            "cell": style("cell", 9), "head": style("head", 9, textColor=colors.black)}


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text), style)


def _head(report: CustomerReport, words: Words, styles: dict) -> list:
    parts = []
    if words.logo:
        with PILImage.open(io.BytesIO(report.vendor_logo)) as image:
            w, h = image.size
        scale = min(15 * mm / h, 60 * mm / w)
        logo = Image(io.BytesIO(report.vendor_logo), width=w * scale, height=h * scale)
        logo.hAlign = "LEFT"
        parts.append(logo)
        parts.append(Spacer(1, 2 * mm))
    return parts + [_p(report.vendor_name, styles["body"]),
                    _p(words.title, styles["title"]),
                    _p(words.period, styles["body"]), _p(words.generated, styles["note"])]


def _headline(words: Words, styles: dict) -> Table:
    """The key figures, two to a row."""
    cells = [[_p(label, styles["note"]), _p(value, styles["body"])]
             for label, value in words.headline]
    rows = [cells[i] + (cells[i + 1] if i + 1 < len(cells) else ["", ""])
            for i in range(0, len(cells), 2)]
    table = Table(rows, colWidths=[45 * mm, 45 * mm] * 2)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), styles["font"]),
                               ("BOX", (0, 0), (-1, -1), 0.5, GRID),
                               ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


def _section(section: Section, styles: dict) -> list:
    parts = [_p(section.title, styles["h2"])]
    if section.note:
        parts.append(_p(section.note, styles["note"]))
    if section.rows:
        widths = COLUMNS.get(section.key) or [WIDTH / mm / len(section.header)] * len(
            section.header)
        rows = [[_p(h, styles["head"]) for h in section.header]]
        rows += [[_p(value, styles["cell"]) for value in row] for row in section.rows]
        table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), styles["font"]),
                                   ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                                   ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        parts.append(table)
    else:
        parts.append(_p(section.empty, styles["body"]))
    if section.more:
        parts.append(_p(section.more, styles["note"]))
    return [KeepTogether(parts)] if len(section.rows) <= KEEP_ROWS else parts


def _numbered(font: str, tail: str, footer: str):
    """A canvas that writes "Page n of N" and `tail` at the foot of every page, once the
    number of pages is known (pages are kept until the document is saved)."""

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
                self.setFont(font, 8)
                self.setFillColor(colors.grey)
                text, size = fit_text(tail, font, 8, 6, WIDTH - 35 * mm)
                self.setFont(font, size)
                self.drawString(MARGIN, 10 * mm, text)
                self.setFont(font, 8)
                self.drawRightString(A4[0] - MARGIN, 10 * mm, footer.format(
                    page=self._pageNumber, pages=len(self._pages)))
                super().showPage()
            super().save()

    return Numbered

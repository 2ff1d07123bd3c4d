"""The customer's service report as an A4 PDF (reportlab platypus): the same sections as the
web page (customer_text), in Chinese or English, with a CJK TrueType font embedded as a
subset, the vendor's logo if one is configured, and page numbers."""

from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from repairapp import pdfdoc
from repairapp.labels.pdf import cjk_font
from repairapp.pdfdoc import para as _p
from repairapp.reports.customer import CustomerReport
from repairapp.reports.customer_text import Section, Words

#: Column widths (mm) per section; a section not named here splits the width evenly.
COLUMNS = {
    "coverage": (130, 50), "machines": (30, 38, 42, 45, 25), "tickets": (130, 50),
    "durations": (56, 20, 35, 35, 34), "compliance": (30, 34, 56, 30, 30),
    "satisfaction": (90, 90), "repeated": (35, 75, 45, 25), "chargeable": (95, 30, 55),
    "followups": (130, 50), "inspections": (130, 50), "inspection_models": (60, 40, 40, 40),
}
#: Sections up to this many rows stay on one page with their heading.
KEEP_ROWS = 15


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
        tail = f"{report.vendor_name} · {report.customer_name} · {words.period}"
        canvas = pdfdoc.numbered_canvas(styles["font"], 8, footer, [tail], bottom=10 * mm,
                                        fit=True)
        return pdfdoc.build(story, font=styles["font"], locale=locale, title=words.title,
                            author=report.vendor_name, subject=words.period, foot=5 * mm,
                            canvasmaker=canvas)


def _styles(font: str, locale: str) -> dict:
    return pdfdoc.styles(font, locale, title={"spaceAfter": 2 * mm},
                         h2={"fontSize": 13}, note={"spaceAfter": 1.5 * mm},
                         head={"fontSize": 9, "textColor": colors.black})


def _head(report: CustomerReport, words: Words, styles: dict) -> list:
    parts = []
    if words.logo:
        parts += [pdfdoc.image(report.vendor_logo, 60 * mm, 15 * mm), Spacer(1, 2 * mm)]
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
                               ("BOX", (0, 0), (-1, -1), 0.5, pdfdoc.GRID),
                               ("BACKGROUND", (0, 0), (-1, -1), pdfdoc.SHADE),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


#: A table cell's padding left and right (reportlab's default, 6 points each side).
PADDING = 12


def _cell(value: str, width: float, style) -> str | Paragraph:
    """A cell's text as a plain string when it fits the cell on one line: the table draws it
    in the cell style's font, size and leading, on the baseline a paragraph's first line
    has, and it costs far less to lay out than a paragraph (the machines list has a
    thousand cells). Anything longer, or with breaks, is a paragraph that wraps."""
    if ("\n" in value or value != " ".join(value.split())
            or stringWidth(value, style.fontName, style.fontSize) > width - PADDING):
        return _p(value, style)
    return value


def _section(section: Section, styles: dict) -> list:
    parts = [_p(section.title, styles["h2"])]
    if section.note:
        parts.append(_p(section.note, styles["note"]))
    if section.rows:
        widths = COLUMNS.get(section.key) or [pdfdoc.WIDTH / mm / len(section.header)] * len(
            section.header)
        rows = [[_p(h, styles["head"]) for h in section.header]]
        rows += [[_cell(value, width * mm, styles["cell"]) for value, width in zip(
            row, widths, strict=False)] for row in section.rows]
        table = pdfdoc.grid(rows, widths, styles["font"], shaded=[pdfdoc.HEADER_ROW])
        cell = styles["cell"]  # the font of the cells written as plain text
        table.setStyle(TableStyle([("FONTSIZE", (0, 1), (-1, -1), cell.fontSize),
                                   ("LEADING", (0, 1), (-1, -1), cell.leading),
                                   ("TEXTCOLOR", (0, 1), (-1, -1), cell.textColor)]))
        parts.append(table)
    else:
        parts.append(_p(section.empty, styles["body"]))
    if section.more:
        parts.append(_p(section.more, styles["note"]))
    return [KeepTogether(parts)] if len(section.rows) <= KEEP_ROWS else parts


"""The shared A4 PDF scaffolding: footer numbering and escaped text, read back with pypdfium2."""

import pypdfium2
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak

from repairapp import pdfdoc
from repairapp.labels.pdf import cjk_font


def _pages(data: bytes) -> list[str]:
    pdf = pypdfium2.PdfDocument(data)
    return [page.get_textpage().get_text_range() for page in pdf]


def test_every_page_says_its_number_of_the_total_and_the_footer_lines():
    """Three pages: each foot reads "Page n of 3" and both lines."""
    font = cjk_font()
    styles = pdfdoc.styles(font, "en")
    story = [pdfdoc.para("one", styles["body"]), PageBreak(),
             pdfdoc.para("two", styles["body"]), PageBreak(), pdfdoc.para("three", styles["body"])]
    canvas = pdfdoc.numbered_canvas(font, 8, "Page {page} of {pages}", ["upper", "lower"],
                                    bottom=9 * mm)
    pages = _pages(pdfdoc.build(story, font=font, locale="en", title="t", author="a",
                                foot=8 * mm, canvasmaker=canvas))
    assert len(pages) == 3
    for n, text in enumerate(pages, start=1):
        assert f"Page {n} of 3" in text and "upper" in text and "lower" in text


def test_markup_in_text_is_printed_not_read():
    """A "<b>" typed by a user appears as typed; with breaks, a newline starts a line."""
    font = cjk_font()
    styles = pdfdoc.styles(font, "en")
    story = [pdfdoc.para("a <b>bold</b> & co", styles["body"]),
             pdfdoc.para("first\nsecond", styles["body"], breaks=True)]
    text = _pages(pdfdoc.build(story, font=font, locale="en", title="t", author="a"))[0]
    assert "a <b>bold</b> & co" in text
    assert "first\r\nsecond" in text or "first\nsecond" in text

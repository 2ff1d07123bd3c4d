"""A service sheet as an A4 PDF (reportlab platypus), drawn from its frozen content alone.

Chinese or English, a CJK TrueType font embedded as a subset, the customer's signature
image, and on every page the content's SHA-256. Rendering is deterministic (reportlab's
invariant mode): the same content gives the same bytes, so the PDF need not be stored.
"""

from collections.abc import Sequence

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table

from repairapp import pdfdoc
from repairapp.i18n import duration
from repairapp.jobreports import words
from repairapp.jobreports.models import JobReport
from repairapp.labels.pdf import cjk_font

LOCALES = ("zh", "en")
#: The label columns of a `_pairs` table.
LABEL_COLUMNS = (((0, 0), (0, -1)), ((2, 0), (2, -1)))


def render(report: JobReport, signature_png: bytes | None, *, locale: str) -> bytes:
    """The sheet as PDF bytes in `locale`; needs an app context, not a request."""
    content = report.content
    with force_locale(locale):
        styles = sheet_styles(cjk_font(), locale)
        story = _head(content, styles) + _correction(content, styles) + _facts(content, styles)
        story += signature(content["signature"], signature_png, content["timezone"], styles,
                           _("By signing, the customer confirms the work and the facts above."))
        title = _("Service sheet %(number)s", number=content["ticket"]["number"])
        return document(story, styles, locale, title, [
            _("Content SHA-256: %(hash)s", hash=report.content_sha256),
            _("%(title)s, version %(version)s", title=title, version=report.version)])


def document(story: list, styles: dict, locale: str, title: str, lines: list[str]) -> bytes:
    """A signed sheet's story as A4 PDF bytes, `lines` (the content's hash) and the page
    number at the foot of every page. Used by the inspection reports too."""
    page_line = _("Page %(page)s of %(pages)s", page="{page}", pages="{pages}")
    canvas = pdfdoc.numbered_canvas(styles["font"], 7.5, page_line, lines, bottom=9 * mm)
    # Invariant: no timestamps or random ids, so the same content gives the same bytes.
    return pdfdoc.build(story, font=styles["font"], locale=locale, title=title,
                        author=current_app.config["VENDOR_NAME"], foot=8 * mm,
                        canvasmaker=canvas, invariant=1)


def sheet_styles(font: str, locale: str) -> dict:
    return pdfdoc.styles(font, locale, title={"spaceAfter": 1 * mm},
                         h2={"spaceBefore": 4 * mm},
                         box={"fontSize": 9.5, "backColor": colors.HexColor("#fff7d6"),
                              "borderPadding": 6, "borderColor": colors.HexColor("#d97706"),
                              "borderWidth": 0.8, "spaceBefore": 3 * mm, "spaceAfter": 3 * mm})


def para(words: str, style) -> Paragraph:
    """Plain text as a paragraph, its line breaks kept."""
    return pdfdoc.para(words, style, breaks=True)


def table(rows: list[list], widths: list[float], styles: dict,
          shaded: Sequence[tuple] = (pdfdoc.HEADER_ROW,)) -> Table:
    return pdfdoc.grid([[para(str(v), styles["cell"]) for v in row] for row in rows], widths,
                       styles["font"], shaded=shaded)


def pairs(labelled: list[tuple[str, str]], styles: dict) -> Table:
    """Label / value rows, two pairs to a row."""
    cells = [[label, value or "—"] for label, value in labelled]
    rows = [cells[i] + (cells[i + 1] if i + 1 < len(cells) else ["", ""])
            for i in range(0, len(cells), 2)]
    return table(rows, [24, 66, 24, 66], styles, shaded=LABEL_COLUMNS)


def _head(content: dict, styles: dict) -> list:
    ticket = content["ticket"]
    return [para(current_app.config["VENDOR_NAME"], styles["body"]),
            para(_("Service sheet"), styles["title"]),
            para(_("Repair request %(number)s · version %(version)s",
                 number=ticket["number"], version=content["version"]), styles["body"]),
            Spacer(1, 2 * mm)]


def signed_line(signed: dict | None, tz: str) -> str:
    if not signed:
        return _("Not signed by the customer.")
    return _("Signed by %(name)s on %(time)s.", name=signed["name"],
             time=words.when(signed["signed_at"], tz))


def _correction(content: dict, styles: dict) -> list:
    """Version n + 1: which version it corrects, what changed, who made it."""
    corrects = content["corrects"]
    if not corrects:
        return []
    tz, names = content["timezone"], words.section_names()
    if content["signature"]:  # signed again after the job was reopened and resolved again
        text = _("This version replaces version %(version)s: the job was reopened and "
                 "resolved again, and the customer signed again.", version=corrects["version"])
    else:
        changed = words.listed(names[k] for k in content["changed"]) or "—"
        text = "\n".join([
            _("This version corrects version %(version)s (SHA-256 %(hash)s).",
              version=corrects["version"], hash=corrects["sha256"][:16] + "…"),
            _("What changed: %(note)s", note=content["change_note"]),
            _("Sections changed: %(sections)s", sections=changed),
            _("Corrected by %(name)s on %(time)s; the customer did not sign this correction. "
              "Customer's signature on the earlier version: %(signed)s",
              name=content["made_by"], time=words.when(content["made_at"], tz),
              signed=signed_line(corrects["signed"], tz))])
    return [para(text, styles["box"])]


def _facts(content: dict, styles: dict) -> list:
    machine, ticket, times, tz = (content["machine"], content["ticket"], content["times"],
                                  content["timezone"])
    story = [para(_("Machine"), styles["h2"]), pairs([
        (_("Asset tag"), machine["tag"]), (_("Machine"), machine["name"]),
        (_("Model"), machine["model"]), (_("Serial number"), machine["serial_number"]),
        (_("Customer"), machine["customer"]), (_("Site"), machine["site"]),
        (_("Address"), machine["address"])], styles)]
    story += [para(_("Fault"), styles["h2"]), pairs([
        (_("Category"), words.category(content)), (_("Severity"), words.severity(content)),
        (_("Reported by"), ticket["requester"]), (_("Filed"), words.when(times["filed_at"], tz))],
        styles)]
    if ticket["description"]:
        story.append(para(ticket["description"], styles["body"]))
    story += [para(_("Work done"), styles["h2"]), para(content["work_done"] or "—", styles["body"])]
    story += [para(_("Times"), styles["h2"]), pairs([
        (_("Responded"), words.when(times["responded_at"], tz)),
        (_("Arrived on site"), words.when(times["arrived_at"], tz)),
        (_("Resolved"), words.when(times["resolved_at"], tz)),
        (_("Time on site"), duration(times["on_site_minutes"])),
        (_("Remote work"), duration(times["remote_minutes"]) if times["remote_minutes"] else "—"),
    ], styles)]
    return story + _parts(content, styles) + _amounts(content, styles) + _people(content, styles)


def _parts(content: dict, styles: dict) -> list:
    story = [para(_("Parts used"), styles["h2"])]
    if not content["parts"]:
        return story + [para(_("No parts used."), styles["body"])]
    rows = [[_("Part"), _("Qty")]] + [[p["description"], p["quantity"]]
                                       for p in content["parts"]]
    return story + [table(rows, [150, 30], styles)]


def _amounts(content: dict, styles: dict) -> list:
    amounts = content["amounts"]
    story = [para(_("Amounts (tax included)"), styles["h2"])]
    if amounts["source"] == "quote":
        story.append(para(_("As in the approved quote (version %(version)s).",
                          version=amounts["reference"]), styles["note"]))
    if not amounts["lines"]:
        return story + [para(words.no_charge(content), styles["body"])]
    rows = [[_("Item"), _("Qty"), _("Unit price"), _("Amount")]]
    rows += [[words.line_name(line), line["quantity"],
              "" if line["unit_price"] is None else words.yuan(line["unit_price"]),
              words.yuan(line["amount"])] for line in amounts["lines"]]
    if amounts["total"] is not None:
        rows.append([_("Total (tax included)"), "", "", words.yuan(amounts["total"])])
        rows.append([_("of which tax (%(rate)s%%)", rate=amounts["tax_percent"]), "", "",
                     words.yuan(amounts["tax"])])
    return story + [table(rows, [90, 20, 35, 35], styles)]


def _people(content: dict, styles: dict) -> list:
    return [para(_("Coverage and engineer"), styles["h2"]), pairs([
        (_("Coverage"), words.coverage(content)), (_("Plan"), content["coverage"]["plan"]),
        (_("Period"), words.coverage_period(content)),
        (_("Engineer"), words.engineers(content))], styles)]


def signature(signed: dict | None, png: bytes | None, tz: str, styles: dict,
              confirms: str) -> list:
    """The customer's signature block: the drawing (or a note that the typed name signed),
    who signed when, and what signing confirms."""
    parts = [para(_("Customer's signature"), styles["h2"])]
    if signed and png:
        parts.append(pdfdoc.image(png, 80 * mm, 25 * mm))
    elif signed:
        parts.append(para(_("Signed with the typed name only."), styles["note"]))
    parts.append(para(signed_line(signed, tz), styles["body"]))
    if signed:
        parts.append(para(confirms, styles["note"]))
    return [KeepTogether(parts)]

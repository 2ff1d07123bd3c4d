"""An inspection report as an A4 PDF, drawn from its frozen content alone: one section per
machine (the visit, each check's result, reading and note, the tickets failed checks
opened), then the customer's one signature. Built from the service sheet's pieces
(repairapp.jobreports.pdf): the same styles, tables, signature block and footer."""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from repairapp.jobreports.pdf import document, pairs, para, sheet_styles, signature, table
from repairapp.jobreports.words import when
from repairapp.labels.pdf import cjk_font
from repairapp.maintenance.models import InspectionReport
from repairapp.maintenance.wording import check_result

LOCALES = ("zh", "en")


def title(content: dict) -> str:
    if content["kind"] == "round":
        return _("Inspection round report, %(site)s, %(day)s", site=content["site"]["name"],
                 day=content["day"])
    machine = content["visits"][0]["machine"]
    return _("Inspection report, %(tag)s, %(day)s", tag=machine["tag"], day=content["day"])


def render(report: InspectionReport, signature_png: bytes | None, *, locale: str) -> bytes:
    """The report as PDF bytes in `locale`; needs an app context, not a request."""
    content = report.content
    with force_locale(locale):
        styles = sheet_styles(cjk_font(), locale)
        story = _head(content, styles)
        for number, visit in enumerate(content["visits"], 1):
            story += _visit(number, visit, content["timezone"], styles)
        story += signature(content["signature"], signature_png, content["timezone"], styles,
                           _("By signing, the customer confirms the inspections and their "
                             "results above."))
        return document(story, styles, locale, title(content), [
            _("Content SHA-256: %(hash)s", hash=report.content_sha256), title(content)])


def _head(content: dict, styles: dict) -> list:
    site = content["site"]
    heading = _("Inspection round report") if content["kind"] == "round" \
        else _("Inspection report")
    return [para(current_app.config["VENDOR_NAME"], styles["body"]),
            para(heading, styles["title"]), Spacer(1, 2 * mm), pairs([
                (_("Customer"), content["customer"]), (_("Site"), site["name"]),
                (_("Address"), site["address"]), (_("Site contact"), site["contact"]),
                (_("Day"), content["day"]), (_("Technician"), content["technician"]),
                (_("Machines"), str(len(content["visits"]))),
                (_("Failed checks"), str(sum(c["passed"] is False for v in content["visits"]
                                             for c in v["checks"])))], styles)]


def _visit(number: int, visit: dict, tz: str, styles: dict) -> list:
    machine = visit["machine"]
    story = [para(f"{number}. {machine['tag']} · {machine['name']}", styles["h2"]), pairs([
        (_("Model"), machine["model"]), (_("Serial number"), machine["serial_number"]),
        (_("Inspection plan"), visit["plan"]), (_("Due"), visit["due_date"]),
        (_("Started"), when(visit["started_at"], tz)),
        (_("Done"), when(visit["done_at"], tz))], styles), Spacer(1, 1.5 * mm)]
    rows = [[_("Checklist item"), _("Result"), _("Reading / notes"), _("Ticket")]]
    for check in visit["checks"]:
        shown = [check["value"]] if check["kind"] in ("number", "text") and check["value"] \
            else []
        if check["limits"]:
            shown = [_("%(value)s (allowed %(limits)s)", value=check["value"] or "—",
                       limits=check["limits"])]
        if check["note"]:
            shown.append(check["note"])
        if check["photos"]:
            shown.append(_("%(n)d photo(s)", n=check["photos"]))
        rows.append([check["label"], check_result(check["passed"]), "\n".join(shown) or "—",
                     check["ticket"] or ""])
    story.append(table(rows, [55, 22, 73, 30], styles))
    failed = [c for c in visit["checks"] if c["passed"] is False]
    if failed:
        story.append(para(_("Failed checks opened repair tickets: %(list)s", list="; ".join(
            f"{c['label']} → {c['ticket'] or '—'}" for c in failed)), styles["note"]))
    return [KeepTogether(story[:2]), *story[2:]]

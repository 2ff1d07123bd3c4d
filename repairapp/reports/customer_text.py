"""The customer's service report in words: its header, key figures and sections as text in
the current language (a request's, or `flask_babel.force_locale`'s). The web page and the
PDF lay out these same sections, so they say the same thing with the same numbers."""

import base64
import io
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import ngettext
from PIL import Image

from repairapp.contracts.models import CoverageState
from repairapp.i18n import duration
from repairapp.reports.customer import CustomerReport, Machine, Promise
from repairapp.reports.services import ZONE
from repairapp.sla.wording import LEVEL, target_phrase
from repairapp.wording import BILLING, COVERAGE, SEVERITY

NONE = "—"


@dataclass
class Section:
    """One part of the report: a title, what it counts, and a table of text."""

    key: str
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""
    #: Said instead of the table when it has no rows.
    empty: str = ""
    #: Said under the table (e.g. machines not listed).
    more: str = ""


@dataclass
class Words:
    """What the page and the PDF say: the title lines, key figures and sections."""

    title: str
    period: str
    generated: str
    logo: dict | None
    headline: list[tuple[str, str]]
    sections: list[Section]


def words(report: CustomerReport) -> Words:
    return Words(_("Service report for %(customer)s", customer=report.customer_name),
                 period(report), generated(report), logo(report),
                 headline(report), sections(report))


def percent(met: int, decided: int) -> str:
    """"95.0% (19/20)", or "—" when nothing was decided."""
    if not decided:
        return NONE
    return _("%(rate)s (%(met)d/%(of)d)", rate=f"{100 * met / decided:.1f}%", met=met,
             of=decided)


def money(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


def number(value: Decimal) -> str:
    """A quantity without trailing zeros: 3, 1.5."""
    return f"{value.normalize():f}" if value else "0"


def minutes(value: float | None) -> str:
    return NONE if value is None else duration(round(value))


def period(report: CustomerReport) -> str:
    return _("%(start)s to %(end)s", start=report.start.isoformat(), end=report.end.isoformat())


def generated(report: CustomerReport) -> str:
    made = report.generated_at.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%d %H:%M")
    return _("Made on %(when)s (Beijing time)", when=made)


def headline(report: CustomerReport) -> list[tuple[str, str]]:
    """The key figures at the top: label and value."""
    s = report.satisfaction
    return [
        (_("Machines"), str(report.machine_count)),
        (_("Tickets filed"), str(report.filed)),
        (_("Resolved"), str(report.resolved)),
        (_("Open at the end"), str(report.open_at_end)),
        (_("Response compliance"), percent(report.response_met, report.response_decided)),
        (_("Resolution compliance"), percent(report.resolution_met,
                                             report.resolution_decided)),
        (_("Average satisfaction"), NONE if s.average is None else f"{s.average:.2f} / 5"),
        (_("Chargeable work"), money(report.chargeable_total)),
        (_("Inspections on time"), percent(report.inspection_visits.on_time,
                                           report.inspection_visits.decided)),
    ]


def sections(report: CustomerReport) -> list[Section]:
    """Every section of the report, in order."""
    return [_coverage(report), _machines(report), _tickets(report), _durations(report),
            _compliance(report), _satisfaction(report), _repeated(report),
            _chargeable(report), _followups(report), _inspections(report),
            _inspection_failures(report)]


def _state(state: CoverageState, plan: str, level=None) -> str:
    if state is not CoverageState.CONTRACT:
        return str(COVERAGE[state])
    if level is not None:
        return _("Service contract: %(plan)s (%(level)s)", plan=plan, level=LEVEL[level])
    return _("Service contract: %(plan)s", plan=plan)


def _coverage(report: CustomerReport) -> Section:
    return Section("coverage", _("Machines and coverage"), [_("Coverage"), _("Machines")],
                   [[_state(c.state, c.plan, c.level), str(c.machines)]
                    for c in report.coverage],
                   note=_("Coverage on %(date)s, the period's last day: in warranty, under a "
                          "service contract, awaiting payment (a pay-first contract not paid "
                          "yet), lapsed (a warranty or contract ended and was not renewed) or "
                          "never covered.", date=report.end.isoformat()),
                   empty=_("No machines on record."))


def _until(machine: Machine) -> str:
    return machine.until.isoformat() if machine.until else NONE


def _machines(report: CustomerReport) -> Section:
    section = Section("machines", _("Machine list"),
                      [_("Tag"), _("Model"), _("Site"), _("Coverage"), _("Covered until")],
                      [[m.tag, m.model or NONE, m.site, _state(m.state, m.plan), _until(m)]
                       for m in report.machines],
                      empty=_("No machines on record."))
    if report.machines_unlisted:
        section.more = ngettext("And %(num)d more machine.", "And %(num)d more machines.",
                                report.machines_unlisted)
    return section


def _tickets(report: CustomerReport) -> Section:
    return Section("tickets", _("Repair requests"), [_("Figure"), _("Tickets")], [
        [_("Filed in the period"), str(report.filed)],
        [_("Resolved in the period"), str(report.resolved)],
        [_("Open at the end of the period"), str(report.open_at_end)],
        [_("Reopened after a fix"), str(report.reopened)],
    ], note=_("Resolved: the tickets whose fix falls in the period, whenever they were filed. "
              "Open at the end: filed by then and not yet resolved or closed. Reopened: of "
              "the tickets filed in the period."))


def _durations(report: CustomerReport) -> Section:
    names = {"response_working": _("Response, working time"),
             "response_wall": _("Response, wall clock"),
             "resolution_working": _("Resolution, working time"),
             "resolution_wall": _("Resolution, wall clock")}
    return Section("durations", _("Time to respond and to resolve"),
                   [_("Duration"), _("Tickets"), _("Mean"), _("Median"), _("90th percentile")],
                   [[names[key], str(s.count), minutes(s.mean), minutes(s.median),
                     minutes(s.p90)] for key, s in report.durations],
                   note=_("Working time counts the plan's service hours only, without time "
                          "spent waiting for the customer; wall clock counts every minute "
                          "from filing."))


def promise(p: Promise) -> str:
    """The plan's targets for the severity, in the words every page uses."""
    phrases = [target_phrase(what, m, p.working) for what, m in
               (("response", p.response_minutes), ("fix", p.resolution_minutes))
               if m is not None]
    return _("%(list)s; %(item)s", list=phrases[0], item=phrases[1]) if len(phrases) == 2 \
        else (phrases[0] if phrases else NONE)


def _compliance(report: CustomerReport) -> Section:
    section = Section("compliance", _("Service levels: promised and kept"),
                      [_("Plan"), _("Severity"), _("Promise"), _("Response compliance"),
                       _("Resolution compliance")],
                      note=_("Of the tickets filed in the period whose target is decided (met, "
                             "or missed as recorded when it happened), the share met, and "
                             "how many of how many."),
                      empty=_("No tickets in the period."))
    for p in report.compliance:
        section.rows.append([p.plan or NONE, str(SEVERITY[p.severity]) if p.severity else NONE,
                             promise(p), percent(p.response_met, p.response_decided),
                             percent(p.resolution_met, p.resolution_decided)])
    if len(report.compliance) > 1:
        section.rows.append([_("All"), "", "",
                             percent(report.response_met, report.response_decided),
                             percent(report.resolution_met, report.resolution_decided)])
    return section


def _satisfaction(report: CustomerReport) -> Section:
    s = report.satisfaction
    return Section("satisfaction", _("Satisfaction"), [_("Stars"), _("Tickets")],
                   [[ngettext("%(num)d star", "%(num)d stars", n), str(s.by_stars[n])]
                    for n in range(5, 0, -1)],
                   note=_("Average %(average)s from %(rated)d ratings; %(share)s%% of the "
                          "%(finished)d finished tickets were rated.",
                          average=NONE if s.average is None else f"{s.average:.2f}",
                          rated=s.rated, finished=s.finished,
                          share=NONE if not s.finished else f"{100 * s.rated / s.finished:.1f}"))


def _repeated(report: CustomerReport) -> Section:
    return Section("repeated", _("Machines that failed 3 or more times in 90 days"),
                   [_("Tag"), _("Name"), _("Model"), _("Tickets")],
                   [[tag, name, model or NONE, str(n)] for tag, name, model, n in report.repeated],
                   note=_("Tickets filed in the 90 days up to the period's end, duplicates "
                          "aside."),
                   empty=_("None."))


def _chargeable(report: CustomerReport) -> Section:
    section = Section("chargeable", _("Chargeable work"),
                      [_("Kind"), _("Quantity"), _("Amount (tax included)")],
                      note=_("Work outside warranty and contracts, on the tickets filed in "
                             "the period."),
                      empty=_("No chargeable work."))
    for kind, quantity, amount in report.chargeable:
        label = _("Parts") if kind == "part" else str(BILLING.get(kind, kind))
        shown = _("quoted separately") if kind == "part" and not amount else money(amount)
        section.rows.append([label, number(quantity), shown])
    if report.chargeable:
        section.rows.append([_("Total"), "", money(report.chargeable_total)])
    return section


def _followups(report: CustomerReport) -> Section:
    f = report.followups
    return Section("followups", _("Follow-ups"), [_("Figure"), _("How many")], [
        [_("Due in the period"), str(f.total)],
        [_("Done"), str(f.done)],
        [_("Answered by the requester's own rating"), str(f.by_requester)],
        [_("Late, or still open past due"), str(f.late)],
        [_("Average satisfaction recorded"),
         NONE if f.average_satisfaction is None else f"{f.average_satisfaction:.2f} / 5"],
    ], note=_("After each repair we call or message the person who reported it; key customers "
              "also hear from us every month."))


def _inspections(report: CustomerReport) -> Section:
    v = report.inspection_visits
    rows = [[_("Due in the period"), str(v.due)], [_("Done on time"), str(v.on_time)],
            [_("Done late"), str(v.late)], [_("Overdue now"), str(v.overdue)],
            [_("Not due yet"), str(v.upcoming)], [_("Cancelled"), str(v.cancelled)],
            [_("Done on time, of those done or overdue"), percent(v.on_time, v.decided)]]
    return Section("inspections", _("Preventive inspections"),
                   [_("Figure"), _("Inspection visits")], rows,
                   note=_("The inspection visits of your machines due in the period. On time: "
                          "done on or before the due date (Beijing time). Overdue: not done "
                          "and past the due date now."))


def _inspection_failures(report: CustomerReport) -> Section:
    return Section("inspection_models", _("Failed inspection checks by model"),
                   [_("Model"), _("Visits done"), _("Checks failed"), _("Repair tickets")],
                   [[r.name or NONE, str(r.visits), percent(r.failed, r.judged), str(r.tickets)]
                    for r in report.inspection_failures],
                   note=_("On the inspections due in the period and done: the checks failed, "
                          "of those judged pass or fail; each failed check opened a repair "
                          "ticket."),
                   empty=_("No inspections done in the period."))


def logo(report: CustomerReport, height: int = 48, widest: int = 240) -> dict | None:
    """The vendor's logo for an <img>: a data: address (the CSP allows them) and a size that
    keeps its proportions within `height` x `widest` pixels; None without a logo."""
    if not report.vendor_logo:
        return None
    with Image.open(io.BytesIO(report.vendor_logo)) as image:
        kind, (w, h) = image.format.lower(), image.size
    scale = min(height / h, widest / w)
    data = base64.b64encode(report.vendor_logo).decode()
    return {"src": f"data:image/{kind};base64,{data}", "width": max(1, round(w * scale)),
            "height": max(1, round(h * scale))}

"""What a service sheet shows, frozen as plain JSON values, and the hash that seals it.

`freeze` reads a ticket once and returns every fact the sheet prints (machine, fault, work
done, times, parts, amounts, coverage, engineer), with the version, what it corrects and who
signed. Only codes and the people's own words are stored, never translated labels, so one
frozen content renders in Chinese or English. `seal` is the SHA-256 of its canonical JSON.
"""

import hashlib
import json
from datetime import datetime
from decimal import Decimal

from repairapp.billing.money import tax_contained, to_fen
from repairapp.tickets.models import EventKind, Status, Ticket, WorkType
from repairapp.tickets.workflow import note_for_customer

FORMAT = 1
#: Sections a correction may change, in the order the sheet prints them.
SECTIONS = ("work_done", "times", "parts", "amounts", "coverage", "engineer")


def canonical(content: dict) -> bytes:
    """One byte string per content: sorted keys, no spaces, UTF-8."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def seal(content: dict) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def stamp(moment: datetime | None) -> str | None:
    """A UTC instant as stored in content: ISO 8601 to the second."""
    return None if moment is None else moment.replace(microsecond=0).isoformat()


def signed_by(name: str, now: datetime, png: bytes | None) -> dict | None:
    """Who signed, when, and the drawn image's own hash, as content names them (None when
    nobody signed): sealed with the facts, so a swapped image or name breaks the seal."""
    if not name:
        return None
    return {"name": name, "signed_at": stamp(now),
            "png_sha256": hashlib.sha256(png).hexdigest() if png else None}


def signature_matches(signed: dict | None, name: str, signed_at: datetime | None,
                      png: bytes | None) -> bool:
    """A row's signer, time and image are the ones its content names."""
    actual = None if not name and signed_at is None and png is None else (
        name, stamp(signed_at), hashlib.sha256(png).hexdigest() if png else None)
    expected = None if signed is None else (
        signed["name"], signed["signed_at"], signed["png_sha256"])
    return expected == actual


def _first_arrival(ticket: Ticket) -> datetime | None:
    """The first check-in at the machine, or the first tap on "I'm on site"."""
    for event in ticket.events:
        if event.kind is EventKind.CHECK_IN or (
                event.kind is EventKind.STATUS and event.to_value == Status.ON_SITE.value):
            return event.created_at
    return None


def _machine(ticket: Ticket) -> dict:
    asset = ticket.asset
    return {"tag": asset.tag, "name": asset.name, "model": asset.model or "",
            "serial_number": asset.serial_number or "", "customer": ticket.customer.name,
            "site": asset.site.name, "address": asset.site.address or ""}


def _times(ticket: Ticket) -> dict:
    minutes = {kind: sum(log.minutes for log in ticket.work_logs if log.work_type is kind)
               for kind in WorkType}
    return {"filed_at": stamp(ticket.created_at), "responded_at": stamp(ticket.responded_at),
            "arrived_at": stamp(_first_arrival(ticket)),
            "resolved_at": stamp(ticket.resolved_at),
            "on_site_minutes": minutes[WorkType.ON_SITE],
            "remote_minutes": minutes[WorkType.REMOTE]}


def _parts(ticket: Ticket) -> list[dict]:
    """Every part used, the same description on several logs added up, first use first."""
    totals: dict[str, int] = {}
    for log in ticket.work_logs:
        for part in log.parts:
            totals[part.description] = totals.get(part.description, 0) + part.quantity
    return [{"description": d, "quantity": q} for d, q in totals.items()]


def plain(number) -> str:
    """A quantity or rate without trailing zeros: 1, 0.5, 10 (not 1E+1)."""
    return format(Decimal(number).normalize(), "f")


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(to_fen(Decimal(value)))


def _line(kind: str, description: str, quantity, unit_price, amount) -> dict:
    return {"kind": kind, "description": description, "quantity": plain(quantity),
            "unit_price": _money(unit_price), "amount": _money(amount)}


def approved_quote(ticket: Ticket):
    """The ticket's approved quote (repairapp.quotes), if that feature is installed."""
    try:
        from repairapp.quotes.services import approved_quote as find
    except ImportError:
        return None
    return find(ticket)


def _amounts(ticket: Ticket, tax_percent: Decimal) -> dict:
    """Priced lines (the approved quote's, else the billable items recorded at resolution),
    the tax-included total and the tax it contains."""
    quote = approved_quote(ticket)
    if quote is not None:
        lines = [_line(f"quote:{q.kind.value}", q.description, q.quantity, q.unit_price,
                       q.amount) for q in quote.lines]
        source, reference, tax_percent = "quote", str(quote.version), quote.tax_percent
    else:
        lines = [_line(i.kind, i.description, i.quantity, i.unit_price, i.amount)
                 for i in ticket.billable_items]
        source, reference = "work", ""
    priced = [Decimal(line["amount"]) for line in lines if line["amount"] is not None]
    total = to_fen(sum(priced, Decimal(0))) if priced else None
    return {"chargeable": ticket.is_chargeable, "source": source, "reference": reference,
            "lines": lines, "total": _money(total), "tax_percent": plain(tax_percent),
            "tax": None if total is None else _money(tax_contained(total, tax_percent))}


def _coverage(ticket: Ticket) -> dict:
    return {"state": ticket.coverage_state.value, "plan": ticket.plan_name,
            "start": ticket.coverage_start.isoformat() if ticket.coverage_start else None,
            "end": ticket.coverage_end.isoformat() if ticket.coverage_end else None}


def _engineer(ticket: Ticket) -> dict:
    """The assigned engineer, and everyone else who logged work on the job."""
    name = ticket.assignee.name if ticket.assignee else ""
    others = []
    for log in ticket.work_logs:
        if log.user.name != name and log.user.name not in others:
            others.append(log.user.name)
    return {"name": name, "others": others}


def freeze(ticket: Ticket, *, tax_percent: Decimal, work_done: str | None = None) -> dict:
    """The facts of the job as the sheet shows them now (no version or signature yet)."""
    return {
        "format": FORMAT,
        "ticket": {"number": ticket.number, "severity": ticket.severity.value,
                   "category": ticket.category.value, "description": ticket.description,
                   "requester": ticket.requester_name, "locale": ticket.requester_locale,
                   #: Which resolution this is: a job reopened and resolved again is signed again.
                   "reopen_count": ticket.reopen_count},
        "timezone": ticket.asset.site.timezone,
        "machine": _machine(ticket),
        "work_done": note_for_customer(ticket) if work_done is None else work_done,
        "times": _times(ticket),
        "parts": _parts(ticket),
        "amounts": _amounts(ticket, tax_percent),
        "coverage": _coverage(ticket),
        "engineer": _engineer(ticket),
    }


def changed_sections(before: dict, after: dict) -> list[str]:
    """The sections whose facts differ between two contents, in printing order."""
    return [key for key in SECTIONS if before.get(key) != after.get(key)]

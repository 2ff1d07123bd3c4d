"""Chargeable work: per-incident terms, items from the work log, Decimal amounts."""

from decimal import Decimal

import pytest

from repairapp.billing.work import Terms, items_for, total
from repairapp.tickets.models import PartUsed, WorkLog, WorkType

TERMS = Terms(Decimal("300.00"), Decimal("800.00"), Decimal("2000.00"), Decimal("6"))


def log(kind: WorkType, minutes: int, *parts) -> WorkLog:
    return WorkLog(work_type=kind, minutes=minutes,
                   parts=[PartUsed(description=d, quantity=q) for d, q in parts])


@pytest.mark.parametrize("logs,expected", [
    ([log(WorkType.REMOTE, 30)], Decimal("300.00")),
    ([log(WorkType.ON_SITE, 45)], Decimal("800.00")),                 # one visit
    ([log(WorkType.ON_SITE, 240)], Decimal("800.00")),                # half a day: a visit
    ([log(WorkType.ON_SITE, 300)], Decimal("2000.00")),               # 1 person-day
    ([log(WorkType.ON_SITE, 600)], Decimal("3000.00")),               # 1.5 person-days
    ([log(WorkType.REMOTE, 10), log(WorkType.ON_SITE, 60)], Decimal("1100.00")),
])
def test_items_and_total(logs, expected):
    """Remote incident, visit, person-days in half-day steps: exact Decimal totals."""
    assert total(items_for(logs, TERMS)) == expected


def test_parts_are_listed_and_quoted_separately():
    """Parts appear with their quantity; without a price list they are quoted separately."""
    items = items_for([log(WorkType.ON_SITE, 30, ("Fuse 10A", 2))], TERMS)
    part = items[-1]
    assert (part.kind, part.description, part.quantity, part.amount) == \
        ("part", "Fuse 10A", Decimal(2), None)
    assert total(items) == Decimal("800.00")


def test_tax_contained_in_a_tax_included_total():
    """6 % included in 1,060.00 is 60.00."""
    assert TERMS.tax_in(Decimal("1060.00")) == Decimal("60.00")


def test_resolving_a_chargeable_ticket_records_its_billable_items(client, auth):
    """Lapsed machine, 45 min on site with a part: a visit and the part are recorded."""
    from datetime import date

    import factories as f
    from repairapp.accounts.models import Role
    from repairapp.extensions import db
    from repairapp.tickets.models import Status, Ticket

    plans = f.standard_plans()
    machine = f.asset(accepted=date(2020, 1, 1))  # warranty long over: lapsed
    tech = f.user(Role.TECHNICIAN)
    ticket = f.ticket(machine, assignee=tech, status=Status.ON_SITE)
    covered = f.asset(accepted=date(2020, 1, 1))
    f.contract(covered, plans["A"], date(2020, 1, 1), date(2099, 1, 1))
    free = f.ticket(covered, assignee=tech, status=Status.ON_SITE)
    auth.login(tech.email)
    for t in (ticket, free):
        auth.post(f"/tickets/{t.id}/resolve", {"work_type": "on_site", "minutes": "45",
                                               "parts-0-item": "Fuse", "parts-0-quantity": "2",
                                               "notes": "fixed"}, page_url=f"/tickets/{t.id}")
    db.session.expire_all()
    billed = db.session.get(Ticket, ticket.id)
    assert [(i.kind, i.amount) for i in billed.billable_items] == \
        [("visit", Decimal("800.00")), ("part", None)]
    assert db.session.get(Ticket, free.id).billable_items == []
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "¥800.00" in page


def test_scan_page_shows_the_per_incident_terms_only_when_chargeable(client):
    """Before filing, a chargeable machine shows the prices; a covered one does not."""
    from datetime import date

    import factories as f

    plans = f.standard_plans()
    lapsed = f.asset(accepted=date(2020, 1, 1))
    covered = f.asset(accepted=date(2020, 1, 1))
    f.contract(covered, plans["A"], date(2020, 1, 1), date(2099, 1, 1))
    client.set_cookie("lang", "en")
    page = client.get(f"/r/{lapsed.active_label.code}").get_data(as_text=True)
    assert "¥300.00 per incident" in page and "¥2000.00 per person-day" in page
    assert "6% tax" in page
    assert "per incident" not in client.get(f"/r/{covered.active_label.code}").get_data(
        as_text=True)

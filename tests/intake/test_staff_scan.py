"""Staff scanning a label: the machine's open tickets and a one-tap check-in."""

import factories as f
from conftest import Auth
from intake.conftest import scan_url
from repairapp.accounts.models import Role
from repairapp.extensions import db
from repairapp.tickets.models import EventKind, Status, Ticket


def test_technician_scan_opens_staff_view_and_checks_in(client, auth):
    """The label opens the staff page; "I'm on site" records the time and moves the job."""
    tech = f.user(Role.TECHNICIAN)
    machine = f.asset()
    ticket = f.ticket(machine, assignee=tech, status=Status.ON_THE_WAY)
    auth.login(tech.email)
    client.set_cookie("lang", "en")
    page = client.get(scan_url(machine)).get_data(as_text=True)
    assert ticket.number in page and "on site" in page and 'name="phone"' not in page
    response = Auth(client).post(f"{scan_url(machine)}/check-in/{ticket.id}", {},
                                 page_url=scan_url(machine))
    assert response.headers["Location"] == f"/tickets/{ticket.id}"
    db.session.expire_all()
    checked = db.session.get(Ticket, ticket.id)
    assert checked.status is Status.ON_SITE
    assert [e.kind for e in checked.events][-2:] == [EventKind.CHECK_IN, EventKind.STATUS]


def test_check_in_only_through_the_tickets_own_label(client, auth):
    """Another machine's label cannot check in on this ticket (no proof of presence)."""
    tech = f.user(Role.TECHNICIAN)
    ticket = f.ticket(f.asset(), assignee=tech, status=Status.ACKNOWLEDGED)
    elsewhere = f.asset()
    auth.login(tech.email)
    response = Auth(client).post(f"{scan_url(elsewhere)}/check-in/{ticket.id}", {},
                                 page_url=scan_url(elsewhere))
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status is Status.ACKNOWLEDGED


def test_other_technician_cannot_check_in_through_the_right_label(client, auth):
    """The right label is not enough: only the assigned technician checks in."""
    machine = f.asset()
    ticket = f.ticket(machine, assignee=f.user(Role.TECHNICIAN), status=Status.ON_THE_WAY)
    intruder = f.user(Role.TECHNICIAN)
    auth.login(intruder.email)
    page = client.get(scan_url(machine)).get_data(as_text=True)
    assert ticket.number not in page  # someone else's job is not listed
    Auth(client).post(f"{scan_url(machine)}/check-in/{ticket.id}", {},
                      page_url=scan_url(machine))
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status is Status.ON_THE_WAY


def test_technician_at_the_machine_takes_an_unassigned_ticket(client, auth):
    """An unassigned ticket on the scanned machine can be taken with one tap."""
    machine = f.asset()
    ticket = f.ticket(machine)
    tech = f.user(Role.TECHNICIAN)
    auth.login(tech.email)
    response = Auth(client).post(f"{scan_url(machine)}/take/{ticket.id}", {},
                                 page_url=scan_url(machine))
    assert response.headers["Location"] == f"/tickets/{ticket.id}"
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).assignee_id == tech.id

"""At the machine: start through the label, fill in the checklist, failed checks open tickets."""

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from maintenance.data import CHECKS, plan
from PIL import Image

import factories as f
from repairapp.accounts.models import Role
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.maintenance.models import (
    MaintenanceVisit,
    Unit,
    VisitResult,
    VisitStatus,
)
from repairapp.maintenance.services import generate
from repairapp.tickets.models import Status, Ticket, TicketPhoto


@pytest.fixture
def visit(tech) -> MaintenanceVisit:
    """`tech`'s yearly inspection of a machine, due in two days."""
    plan(start=utcnow().date() + timedelta(days=2), unit=Unit.YEAR, engineer=tech, items=CHECKS)
    generate(horizon=60)
    db.session.commit()
    return db.session.scalars(sa.select(MaintenanceVisit)).one()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "blue").save(out, "JPEG")
    return out.getvalue()


def _start(auth, visit):
    code = visit.asset.active_label.code
    return auth.post(f"/maintenance/r/{code}/start/{visit.id}", {}, page_url=f"/r/{code}")


def _answers(visit, fan="fail", volts="221", note="Bearing grinds"):
    ids = [item.id for item in visit.plan.checks]
    return {f"value_{ids[0]}": fan, f"note_{ids[0]}": note,
            f"photos_{ids[0]}": (io.BytesIO(_jpeg()), "fan.jpg"),
            f"value_{ids[1]}": volts, f"note_{ids[1]}": "",
            f"value_{ids[2]}": "Dusty", f"note_{ids[2]}": ""}


def test_the_scan_page_offers_the_inspection_and_starting_proves_presence(client, auth, tech,
                                                                          visit):
    """The technician scans the label, sees the visit, starts it: in progress, stamped."""
    auth.login(tech.email)
    client.set_cookie("lang", "en")
    page = client.get(f"/r/{visit.asset.active_label.code}").get_data(as_text=True)
    assert "Start the inspection" in page and visit.plan.name in page
    response = _start(auth, visit)
    assert response.headers["Location"].endswith(f"/maintenance/visits/{visit.id}")
    db.session.refresh(visit)
    assert visit.status is VisitStatus.IN_PROGRESS and visit.started_at is not None


def test_starting_through_another_machines_label_is_not_found(client, auth, tech, visit):
    """Only the visit's own machine's label starts it."""
    auth.login(tech.email)
    other = f.asset()
    response = auth.post(f"/maintenance/r/{other.active_label.code}/start/{visit.id}", {},
                         page_url=f"/r/{other.active_label.code}")
    assert response.status_code == 404
    db.session.refresh(visit)
    assert visit.status is VisitStatus.PLANNED


def test_another_technicians_visit_cannot_be_started(client, auth, visit):
    """A colleague at the machine is refused and sent back to the label's page."""
    auth.login(f.user().email)
    response = _start(auth, visit)
    assert response.status_code == 302
    assert visit.asset.active_label.code in response.headers["Location"]
    db.session.refresh(visit)
    assert visit.status is VisitStatus.PLANNED


def test_a_failed_check_opens_a_ticket_with_its_note_and_photo(client, auth, tech, visit):
    """Fan fails, voltage 221 V in 210-230: one ticket, with the note and the photo, in the
    dispatch queue; the visit is done; a second submit opens nothing more."""
    auth.login(tech.email)
    _start(auth, visit)
    url = f"/maintenance/visits/{visit.id}/checklist"
    response = auth.post(url, _answers(visit), content_type="multipart/form-data",
                         page_url=f"/maintenance/visits/{visit.id}")
    assert response.status_code == 302
    tickets = db.session.scalars(sa.select(Ticket)).all()
    assert len(tickets) == 1
    ticket = tickets[0]
    assert ticket.asset_id == visit.asset_id and ticket.status is Status.NEW
    assert "Fan runs quietly" in ticket.description and "Bearing grinds" in ticket.description
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TicketPhoto).where(
        TicketPhoto.ticket_id == ticket.id)) == 1
    results = {r.item.label: r for r in db.session.scalars(sa.select(VisitResult))}
    assert results["Fan runs quietly"].passed is False
    assert results["Fan runs quietly"].ticket_id == ticket.id
    assert results["Supply voltage (V)"].passed is True
    assert results["Remarks"].passed is None and results["Remarks"].value == "Dusty"
    db.session.refresh(visit)
    assert visit.status is VisitStatus.DONE and visit.done_at is not None
    again = auth.post(url, _answers(visit), content_type="multipart/form-data",
                      page_url=f"/maintenance/visits/{visit.id}")
    assert again.status_code == 409
    assert f.count(Ticket) == 1
    auth.logout()
    auth.login(f.user(Role.DISPATCHER).email)
    assert ticket.number in client.get("/dispatch/").get_data(as_text=True)


def test_a_reading_outside_its_limits_fails(client, auth, tech, visit):
    """235 V with limits 210-230 fails and opens a ticket naming the reading."""
    auth.login(tech.email)
    _start(auth, visit)
    auth.post(f"/maintenance/visits/{visit.id}/checklist",
              _answers(visit, fan="pass", volts="235", note=""),
              content_type="multipart/form-data", page_url=f"/maintenance/visits/{visit.id}")
    ticket = db.session.scalars(sa.select(Ticket)).one()
    assert "Supply voltage (V)" in ticket.description and "235" in ticket.description


def test_an_unanswered_check_comes_back_with_a_message(client, auth, tech, visit):
    """A required pass/fail left out: 422, nothing recorded, the visit still in progress."""
    auth.login(tech.email)
    client.set_cookie("lang", "en")
    _start(auth, visit)
    answers = _answers(visit)
    del answers[f"value_{visit.plan.checks[0].id}"]
    response = auth.post(f"/maintenance/visits/{visit.id}/checklist", answers,
                         content_type="multipart/form-data",
                         page_url=f"/maintenance/visits/{visit.id}")
    assert response.status_code == 422
    assert "Answer this check." in response.get_data(as_text=True)
    assert f.count(VisitResult) == 0 and f.count(Ticket) == 0


def test_my_jobs_shows_the_visit_due_and_overdue(client, auth, tech, visit):
    """Due in two days: listed with its date; after it, marked overdue."""
    auth.login(tech.email)
    client.set_cookie("lang", "en")
    page = client.get("/jobs/").get_data(as_text=True)
    assert f"due {visit.due_date.isoformat()}" in page and "Overdue" not in page
    visit.due_date = utcnow().date() - timedelta(days=3)
    db.session.commit()
    page = client.get("/jobs/").get_data(as_text=True)
    assert "Overdue" in page and 'class="card row job late"' in page


def test_unassigned_visits_wait_on_the_desks_list(client, auth):
    """A plan without an engineer: the dispatcher sees the visit and assigns it."""
    plan(start=utcnow().date() + timedelta(days=5), unit=Unit.YEAR, items=CHECKS)
    generate(horizon=60)
    db.session.commit()
    tech = f.user()
    auth.login(f.user(Role.DISPATCHER).email)
    visit = db.session.scalars(sa.select(MaintenanceVisit)).one()
    assert visit.asset.tag in client.get("/maintenance/visits").get_data(as_text=True)
    auth.post(f"/maintenance/visits/{visit.id}/assign", {"technician": str(tech.id)},
              page_url="/maintenance/visits")
    db.session.refresh(visit)
    assert visit.assignee_id == tech.id

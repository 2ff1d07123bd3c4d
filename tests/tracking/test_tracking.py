"""The requester's private tracking page."""

from datetime import date

import factories as f
from conftest import token_from
from repairapp.accounts.models import Role
from repairapp.contracts.models import Severity
from repairapp.extensions import db
from repairapp.tickets import services, work
from repairapp.tickets.models import Category, Status, WorkType
from repairapp.tickets.workflow import Actor, change_status


def _ticket():
    plans = f.standard_plans()
    machine = f.asset(accepted=date(2020, 1, 1), name="Laser cutter")
    f.contract(machine, plans["A"], date(2020, 1, 1), date(2099, 1, 1))
    return services.file_ticket(machine, category=Category.ERROR, severity=Severity.CRITICAL,
                                description="Spindle alarm", requester_name="Zhou",
                                requester_phone="13900000001", idempotency_key="t" * 20)


def test_tracking_page_shows_status_and_public_timeline(client):
    """Status and each public step are shown; staff notes are not."""
    ticket = _ticket()
    tech = f.user(Role.TECHNICIAN)
    ticket.assignee = tech
    change_status(ticket, Status.ACKNOWLEDGED, Actor.ASSIGNEE, user=tech,
                  note="internal: customer grumpy")
    db.session.commit()
    page = client.get(f"/t/{ticket.tracking_token}",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert ticket.number in page and "Laser cutter" in page
    assert "Request received" in page and "Acknowledged" in page
    assert "customer grumpy" not in page and "13900000001" not in page


def test_unknown_tracking_token_is_404(client):
    """A guessed token finds nothing."""
    _ticket()
    db.session.commit()
    assert client.get("/t/not-a-real-token").status_code == 404
    assert client.get("/t/" + "x" * 100).status_code == 404


def test_tracking_token_is_long_and_random(client):
    """Tokens carry at least 128 bits and differ between tickets."""
    first = _ticket()
    assert len(first.tracking_token) >= 32
    other = services.file_ticket(first.asset, category=Category.OTHER, severity=Severity.MINOR,
                                 description="", requester_name="A", requester_phone="1390000",
                                 idempotency_key="u" * 20)
    assert first.tracking_token != other.tracking_token


def test_information_added_by_a_colleague_appears_on_the_tracking_page(client):
    """Notes added from the scan page are part of the public timeline."""
    ticket = _ticket()
    services.add_info(ticket, requester_name="Zhao", note="It smokes now")
    db.session.commit()
    page = client.get(f"/t/{ticket.tracking_token}").get_data(as_text=True)
    assert "It smokes now" in page and "Zhao" in page


def _resolved(client):
    """A resolved ticket, its tracking URL, and the CSRF token of its page."""
    ticket = _ticket()
    ticket.status = Status.RESOLVED
    db.session.commit()
    client.set_cookie("lang", "en")
    url = f"/t/{ticket.tracking_token}"
    return ticket, url, token_from(client.get(url).get_data(as_text=True))


def test_requester_confirms_and_rates_through_the_link(client):
    """A resolved ticket asks for a verdict; 5 stars and a comment close it."""
    ticket, url, token = _resolved(client)
    assert "Is it fixed?" in client.get(url).get_data(as_text=True)
    client.post(f"{url}/confirm", data={"rating": "5", "comment": "Fast!", "csrf_token": token})
    db.session.expire_all()
    done = db.session.get(type(ticket), ticket.id)
    assert done.status is Status.CLOSED and done.rating == 5
    page = client.get(url).get_data(as_text=True)
    assert "Is it fixed?" not in page and "Fast!" in page


def test_requester_says_not_fixed(client):
    """"Not fixed" without a note asks for one; with it the ticket goes back to work."""
    ticket, url, token = _resolved(client)
    refused = client.post(f"{url}/reopen", data={"note": "", "csrf_token": token})
    assert refused.status_code == 422 and "still wrong" in refused.get_data(as_text=True)
    client.post(f"{url}/reopen", data={"note": "Still beeping", "csrf_token": token})
    db.session.expire_all()
    reopened = db.session.get(type(ticket), ticket.id)
    assert reopened.status is Status.IN_PROGRESS and reopened.reopen_count == 1
    assert "Still beeping" in client.get(url).get_data(as_text=True)


def test_rating_without_stars_keeps_the_comment(client):
    """Forgetting the stars is explained and the comment survives."""
    ticket, url, token = _resolved(client)
    response = client.post(f"{url}/confirm", data={"comment": "Keep me", "csrf_token": token})
    assert response.status_code == 422 and "Keep me" in response.get_data(as_text=True)


def _page(client, ticket) -> str:
    return client.get(f"/t/{ticket.tracking_token}",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_tracking_page_names_the_engineer(client):
    """Once assigned, the requester sees who is coming, by name (not their email)."""
    ticket = _ticket()
    db.session.commit()
    assert "Your engineer" not in _page(client, ticket)
    ticket.assignee = f.user(Role.TECHNICIAN, name="Wang Wei", email="wang@vendor.example")
    db.session.commit()
    page = _page(client, ticket)
    assert "Your engineer: Wang Wei" in page and "wang@vendor.example" not in page


def test_while_waiting_the_page_says_what_is_awaited(client):
    """The technician's "waiting for" text is on the page until work resumes."""
    ticket = _ticket()
    tech = f.user(Role.TECHNICIAN)
    ticket.assignee = tech
    change_status(ticket, Status.ACKNOWLEDGED, Actor.ASSIGNEE, user=tech)
    change_status(ticket, Status.WAITING_CUSTOMER, Actor.ASSIGNEE, user=tech,
                  note="a photo of the error screen")
    db.session.commit()
    page = _page(client, ticket)
    assert "We are waiting for you" in page
    assert "Your engineer needs: a photo of the error screen" in page
    assert "Waiting for customer" in page  # the step, in the public timeline
    change_status(ticket, Status.IN_PROGRESS, Actor.ASSIGNEE, user=tech)
    db.session.commit()
    assert "a photo of the error screen" not in _page(client, ticket)


def test_the_resolution_note_is_shown_to_the_requester(client):
    """What was done, as written at resolution, is on the page; work log notes are not."""
    ticket = _ticket()
    tech = f.user(Role.TECHNICIAN)
    ticket.assignee = tech
    change_status(ticket, Status.ACKNOWLEDGED, Actor.ASSIGNEE, user=tech)
    work.log_work(ticket, tech, work_type=WorkType.REMOTE, minutes=5, notes="internal: cable")
    work.resolve(ticket, tech, resolution_note="Replaced the spindle encoder cable",
                 work_type=WorkType.ON_SITE)
    db.session.commit()
    page = _page(client, ticket)
    assert "What was done" in page and "Replaced the spindle encoder cable" in page
    assert "internal: cable" not in page


def test_a_resolution_note_from_before_stays_private(client):
    """A ticket resolved before the note was shown keeps its note off the page."""
    ticket = _ticket()
    change_status(ticket, Status.ACKNOWLEDGED, Actor.DISPATCHER)
    change_status(ticket, Status.RESOLVED, Actor.DISPATCHER)
    ticket.resolution_note = "internal: the operator dropped it"
    db.session.commit()
    page = _page(client, ticket)
    assert "What was done" not in page and "operator dropped it" not in page

"""Complaints: from the tracking page (no account) and logged by staff; owners, due times,
outcomes, and the counts the reports read."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

import factories as f
from conftest import token_from
from repairapp.accounts.models import Role
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.followups.models import Complaint, ComplaintSource, ComplaintStatus
from repairapp.followups.services import complain, complaints_between


def _complaints() -> list[Complaint]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Complaint).order_by(Complaint.id)))


def _complain_from_tracking(client, ticket, text="The engineer was rude", **kw):
    page = client.get(f"/t/{ticket.tracking_token}").get_data(as_text=True)
    return client.post(f"/t/{ticket.tracking_token}/complain",
                       data={"description": text, "csrf_token": token_from(page)}, **kw)


def test_a_requester_complains_from_the_tracking_page(client):
    """No account: the complaint is saved against the ticket, with the requester as the
    caller, open and due three days on."""
    ticket = f.ticket(requester_name="Zhou", requester_phone="13900000001")
    client.set_cookie("lang", "en")
    response = _complain_from_tracking(client, ticket)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "passed to our service desk" in page
    [c] = _complaints()
    assert (c.source, c.status, c.ticket_id, c.customer_id) == (
        ComplaintSource.TRACKING, ComplaintStatus.OPEN, ticket.id, ticket.customer_id)
    assert (c.caller_name, c.caller_phone, c.owner_id) == ("Zhou", "13900000001", None)
    assert c.due_at - c.created_at == timedelta(days=3)


def test_a_complaint_without_a_valid_form_token_or_text_saves_nothing(client):
    """A post without the page's CSRF token, or with no text, comes back 422."""
    ticket = f.ticket()
    client.set_cookie("lang", "en")
    forged = client.post(f"/t/{ticket.tracking_token}/complain", data={"description": "x"})
    empty = _complain_from_tracking(client, ticket, text="  ")
    assert forged.status_code == empty.status_code == 422
    assert "Tell us what went wrong." in empty.get_data(as_text=True)
    assert _complaints() == []


@pytest.fixture
def filing_limit(app):
    saved = app.config["RATE_LIMIT_FILING"]
    app.config["RATE_LIMIT_FILING"] = "1/10 minutes"
    yield
    app.config["RATE_LIMIT_FILING"] = saved


def test_complaints_share_the_public_rate_limit(client, filing_limit):
    """Past the filing limit a complaint is refused with 429 and the text kept."""
    ticket = f.ticket()
    client.set_cookie("lang", "en")
    assert _complain_from_tracking(client, ticket).status_code == 302
    again = _complain_from_tracking(client, ticket, text="Second try")
    assert again.status_code == 429 and "Second try" in again.get_data(as_text=True)
    assert len(_complaints()) == 1


def test_the_desk_logs_a_complaint_from_the_ticket_page_and_settles_it(client, auth):
    """From the ticket page: the caller filled in, the dispatcher its owner; closing needs
    an outcome."""
    ticket = f.ticket(requester_name="Wang")
    dispatcher = f.user(Role.DISPATCHER)
    auth.login(dispatcher.email)
    client.set_cookie("lang", "en")
    detail = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert f"/followups/complaints/new?ticket={ticket.id}" in detail
    url = f"/followups/complaints/new?ticket={ticket.id}"
    assert 'value="Wang"' in client.get(url).get_data(as_text=True)
    assert auth.post(url, {"description": "Came two days late"}).status_code == 302
    [c] = _complaints()
    assert (c.source, c.ticket_id, c.owner_id, c.caller_name) == (
        ComplaintSource.STAFF, ticket.id, dispatcher.id, "Wang")
    edit = f"/followups/complaints/{c.id}"
    no_outcome = auth.post(edit, {"owner": str(dispatcher.id), "status": "closed"})
    assert no_outcome.status_code == 422 and "Say how the complaint was settled" in \
        no_outcome.get_data(as_text=True)
    assert auth.post(edit, {"owner": str(dispatcher.id), "status": "closed",
                            "outcome": "Apologised; visit fee waived"}).status_code == 302
    [c] = _complaints()
    assert c.status is ComplaintStatus.CLOSED and c.closed_at is not None
    assert "Came two days late" in client.get(
        "/followups/complaints?view=closed").get_data(as_text=True)


def test_a_complaint_for_a_caller_without_a_ticket(client, auth):
    """Logged from /followups/complaints/new: the caller's name is required."""
    auth.login(f.user(Role.ADMIN).email)
    client.set_cookie("lang", "en")
    url = "/followups/complaints/new"
    assert auth.post(url, {"caller_name": "", "description": "x"}).status_code == 422
    assert auth.post(url, {"caller_name": "Li", "caller_phone": "139 0000 0009",
                           "description": "Nobody called back", "owner": "0"}).status_code == 302
    [c] = _complaints()
    assert c.ticket_id is None and c.owner_id is None and c.caller_name == "Li"


def test_overdue_complaints_come_first_and_are_counted(client, auth):
    """An open complaint past its due time is overdue: listed first and in the counts."""
    ticket = f.ticket()
    old = complain(source=ComplaintSource.STAFF, description="Old one", ticket=ticket,
                   now=utcnow() - timedelta(days=5))
    complain(source=ComplaintSource.TRACKING, description="New one", ticket=ticket)
    db.session.commit()
    auth.login(f.user(Role.DISPATCHER).email)
    client.set_cookie("lang", "en")
    listed = client.get("/followups/complaints").get_data(as_text=True)
    assert listed.index("Old one") < listed.index("New one") and "Overdue since" in listed
    overdue = client.get("/followups/complaints?view=overdue").get_data(as_text=True)
    assert "Old one" in overdue and "New one" not in overdue
    counts = complaints_between(utcnow() - timedelta(days=30), utcnow() + timedelta(days=1))
    assert (counts.total, counts.from_staff, counts.from_tracking) == (2, 1, 1)
    assert (counts.open, counts.closed, counts.late) == (2, 0, 1)
    assert complaints_between(utcnow() - timedelta(days=1), utcnow() + timedelta(days=1),
                              customer_id=ticket.customer_id).total == 1
    assert old.id


def test_complaints_between_counts_by_period_and_answered_late():
    """Only complaints made inside [start, end); closed after the due time counts late."""
    ticket = f.ticket()
    march = datetime(2027, 3, 10, tzinfo=UTC)
    on_time = complain(source=ComplaintSource.STAFF, description="a", ticket=ticket, now=march)
    late = complain(source=ComplaintSource.STAFF, description="b", ticket=ticket, now=march)
    complain(source=ComplaintSource.STAFF, description="c", ticket=ticket,
             now=datetime(2027, 4, 1, tzinfo=UTC))
    on_time.status, on_time.closed_at = ComplaintStatus.CLOSED, march + timedelta(days=1)
    late.status, late.closed_at = ComplaintStatus.CLOSED, march + timedelta(days=4)
    db.session.commit()
    counts = complaints_between(datetime(2027, 3, 1, tzinfo=UTC),
                                datetime(2027, 4, 1, tzinfo=UTC), now=march + timedelta(days=9))
    assert (counts.total, counts.closed, counts.open, counts.late) == (2, 2, 0, 1)

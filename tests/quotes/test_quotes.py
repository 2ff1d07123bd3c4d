"""Quotes through the real pages: staff prepare and send, the requester approves or declines
on the tracking page while the clock waits; resolution bills the approved quote."""

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

import factories as f
from conftest import token_from
from repairapp.accounts.models import Role
from repairapp.billing.work import Terms
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.quotes import services
from repairapp.quotes.models import LineKind, Quote, QuoteStatus
from repairapp.quotes.services import Line
from repairapp.tickets import work
from repairapp.tickets.models import BillableItem, EventKind, Status, TicketEvent, WorkType

D = Decimal
TERMS = Terms(remote=D("300.00"), visit=D("800.00"), person_day=D("2000.00"),
              tax_percent=D("6"))


def _sent(ticket, tech, *, hours_ago=2):
    """A quote (visit 800 + 3 person-days 6,000 = 6,800.00) sent `hours_ago` hours ago."""
    quote = services.save_draft(ticket, tech, [
        Line(LineKind.VISIT_FEE, "", D(1), D("800.00")),
        Line(LineKind.PERSON_DAY, "2026-03-02 – 2026-03-04 × 1", D(3), D("2000.00"))], D("6"))
    services.send(quote, tech, now=utcnow() - timedelta(hours=hours_ago))
    db.session.commit()
    return quote


def _answer(client, ticket, action, **data):
    page = client.get(f"/t/{ticket.tracking_token}").get_data(as_text=True)
    quote = db.session.scalar(sa.select(Quote.id).where(Quote.ticket_id == ticket.id,
                                                        Quote.status == QuoteStatus.SENT))
    return client.post(f"/t/{ticket.tracking_token}/quote/{action}",
                       data={"csrf_token": token_from(page), "quote": quote, **data})


def test_staff_prepare_a_quote_on_the_ticket_page(client, auth, chargeable, tech, fuse):
    """Visit + Mon-Wed with 2 engineers + a day's travel each + train + 2 fuses, priced from
    the settings and the catalogue: 800 + 12,000 + 4,000 + 356.40 + 25.00 = 17,181.40,
    VAT 6 % contained 17,181.40 × 6 / 106 = 972.53."""
    client.set_cookie("lang", "en")
    auth.login(tech.email)
    assert "Prepare a quote" in client.get(f"/tickets/{chargeable.id}").get_data(as_text=True)
    url = f"/quotes/ticket/{chargeable.id}"
    response = auth.post(url, {
        "service": "visit", "first_day": "2026-03-02", "last_day": "2026-03-04",
        "engineers": "2", "travel_days": "1", "travel-0-item": "High-speed rail",
        "travel-0-amount": "356.40", "parts-0-item": "FU-10A · Fuse 10 A",
        "parts-0-quantity": "2"})
    assert response.status_code == 302
    quote = db.session.scalar(sa.select(Quote))
    assert [(line.kind, line.quantity, line.amount) for line in quote.lines] == [
        (LineKind.VISIT_FEE, 1, D("800.00")), (LineKind.PERSON_DAY, 6, D("12000.00")),
        (LineKind.TRAVEL_DAY, 2, D("4000.00")), (LineKind.TRAVEL_COST, 1, D("356.40")),
        (LineKind.PART, 2, D("25.00"))]
    assert (quote.status, quote.total, quote.tax) == (QuoteStatus.DRAFT, D("17181.40"),
                                                      D("972.53"))
    assert quote.lines[-1].part_id == fuse.id
    page = client.get(url).get_data(as_text=True)
    assert "¥17,181.40" in page and "¥972.53" in page


def test_a_part_not_in_the_catalogue_comes_back_with_a_message(client, auth, chargeable, tech):
    """Nothing is saved; the row says why."""
    client.set_cookie("lang", "en")
    auth.login(tech.email)
    response = auth.post(f"/quotes/ticket/{chargeable.id}", {
        "service": "remote", "parts-0-item": "XX-404", "parts-0-quantity": "1"})
    assert response.status_code == 422
    assert "XX-404 is not in the parts catalogue." in response.get_data(as_text=True)
    assert f.count(Quote) == 0


def test_sending_waits_for_the_customer_and_the_page_shows_the_price(client, auth,
                                                                     chargeable, tech):
    """Sent from the quote page: waiting for the customer, the clock stopped; the tracking
    page shows the lines, the total and the tax it contains."""
    client.set_cookie("lang", "en")
    auth.login(tech.email)
    chargeable.requester_locale = "en"  # the note asking for approval is in their language
    quote = services.save_draft(chargeable, tech, [
        Line(LineKind.REMOTE_FEE, "", D(1), D("300.00"))], D("6"))
    db.session.commit()
    response = auth.post(f"/quotes/ticket/{chargeable.id}/send", {"quote": str(quote.id)},
                         page_url=f"/quotes/ticket/{chargeable.id}")
    assert response.status_code == 302
    ticket = f.fresh(chargeable)
    assert ticket.status is Status.WAITING_CUSTOMER and ticket.paused_at is not None
    auth.logout()
    page = client.get(f"/t/{ticket.tracking_token}").get_data(as_text=True)
    # 300.00 × 6 / 106 = 16.98
    assert "¥300.00" in page and "¥16.98" in page and "Approve the quote" in page
    assert f"your approval of quote {ticket.number}-1: ¥300.00 including tax" in page


def test_the_requester_approves_and_the_deadlines_move_by_the_wait(client, chargeable, tech):
    """Approved with a typed name: recorded with the time; the work resumes; the due time
    moves later by the (24 x 7) minutes the quote waited, 2 hours or a little more."""
    client.set_cookie("lang", "en")
    due = chargeable.resolution_due_at
    quote = _sent(chargeable, tech)
    response = _answer(client, chargeable, "approve", name="周工")
    assert response.status_code == 302
    ticket, quote = f.fresh(chargeable), db.session.get(Quote, quote.id)
    assert quote.status is QuoteStatus.APPROVED and quote.decided_by_name == "周工"
    waited = int((quote.decided_at - quote.sent_at).total_seconds() // 60)
    assert waited >= 120 and ticket.paused_minutes == waited and ticket.paused_at is None
    assert ticket.resolution_due_at == due + timedelta(minutes=waited)
    assert ticket.status is Status.IN_PROGRESS  # accepted when sent: the work starts now
    page = client.get(f"/t/{ticket.tracking_token}").get_data(as_text=True)
    assert "Approved by 周工" in page and "Approve the quote" not in page


def test_approval_resumes_the_work_where_it_stood(client, chargeable, tech):
    """Sent from the site, approved: the technician is on site again."""
    work.check_in(chargeable, tech)
    db.session.commit()
    _sent(chargeable, tech)
    _answer(client, chargeable, "approve", name="Zhou")
    assert f.fresh(chargeable).status is Status.ON_SITE


def test_a_second_tap_or_tab_does_not_approve_twice(client, chargeable, tech):
    """The same form posted again finds the quote answered: one approval, one event."""
    client.set_cookie("lang", "en")
    quote = _sent(chargeable, tech)
    page = client.get(f"/t/{chargeable.tracking_token}").get_data(as_text=True)
    data = {"csrf_token": token_from(page), "quote": quote.id, "name": "Zhou"}
    first = client.post(f"/t/{chargeable.tracking_token}/quote/approve", data=data)
    second = client.post(f"/t/{chargeable.tracking_token}/quote/approve",
                         data={**data, "name": "Someone else"})
    assert first.status_code == second.status_code == 302
    assert "already answered" in client.get(second.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Quote, quote.id).decided_by_name == "Zhou"
    approvals = db.session.scalars(sa.select(TicketEvent).where(
        TicketEvent.kind == EventKind.QUOTE, TicketEvent.to_value == "approved")).all()
    assert len(approvals) == 1


def test_declining_closes_the_request_with_the_reason(client, chargeable, tech):
    """Declined: closed, the reason on record and shown; nothing billed; an approval sent
    afterwards (another tab) changes nothing."""
    client.set_cookie("lang", "en")
    quote = _sent(chargeable, tech)
    page = client.get(f"/t/{chargeable.tracking_token}").get_data(as_text=True)
    token = token_from(page)
    _answer(client, chargeable, "decline", reason="Too expensive, we fix it ourselves")
    ticket, quote = f.fresh(chargeable), db.session.get(Quote, quote.id)
    assert ticket.status is Status.CLOSED and ticket.paused_at is None
    assert quote.status is QuoteStatus.DECLINED
    assert quote.decline_reason == "Too expensive, we fix it ourselves"
    assert f.count(BillableItem) == 0
    client.post(f"/t/{chargeable.tracking_token}/quote/approve",
                data={"csrf_token": token, "quote": quote.id, "name": "Zhou"})
    db.session.expire_all()
    assert db.session.get(Quote, quote.id).status is QuoteStatus.DECLINED
    page = client.get(f"/t/{chargeable.tracking_token}").get_data(as_text=True)
    assert "Too expensive, we fix it ourselves" in page and "Declined by Zhou" in page


def test_approve_needs_a_name_and_decline_a_reason(client, chargeable, tech):
    """Empty: the form comes back saying so, nothing changes."""
    client.set_cookie("lang", "en")
    _sent(chargeable, tech)
    response = _answer(client, chargeable, "approve", name=" ")
    assert response.status_code == 422
    assert "Type your name to approve." in response.get_data(as_text=True)
    response = _answer(client, chargeable, "decline", reason="")
    assert response.status_code == 422
    assert f.fresh(chargeable).status is Status.WAITING_CUSTOMER


def test_resolution_bills_the_approved_quote_not_the_work_log(chargeable, tech):
    """Quoted 6,800.00; 3 more hours logged beyond it are not billed."""
    quote = _sent(chargeable, tech)
    services.approve(chargeable, quote.id, "Zhou")
    work.log_work(chargeable, tech, work_type=WorkType.ON_SITE, minutes=180)
    work.resolve(chargeable, tech, resolution_note="Replaced the pump",
                 work_type=WorkType.ON_SITE, minutes=60, terms=TERMS)
    db.session.commit()
    items = f.fresh(chargeable).billable_items
    assert [(i.kind, i.quantity, i.amount) for i in items] == [
        ("visit", 1, D("800.00")), ("person_day", 3, D("6000.00"))]


def test_a_covered_ticket_needs_no_quote(client, auth, in_warranty, tech):
    """Without a not-quality finding, posting a quote writes nothing."""
    client.set_cookie("lang", "en")
    auth.login(tech.email)
    response = auth.post(f"/quotes/ticket/{in_warranty.id}", {"service": "remote"})
    assert response.status_code == 302 and f.count(Quote) == 0


def test_managers_read_quotes_and_colleagues_do_not_see_them(client, auth, chargeable, tech):
    """A manager reads the quote page; another technician finds nothing there."""
    _sent(chargeable, tech)
    auth.login(f.user(Role.MANAGER).email)
    assert client.get(f"/quotes/ticket/{chargeable.id}").status_code == 200
    auth.logout()
    auth.login(f.user(Role.TECHNICIAN).email)
    assert client.get(f"/quotes/ticket/{chargeable.id}").status_code == 404

"""From the scan to the requester's inbox: everyone hears what they should, over real sockets."""

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

import factories as f
from intake.conftest import Requester, scan_url
from repairapp.accounts.models import Role
from repairapp.extensions import db
from repairapp.notifications.models import Channel, Transport
from repairapp.tickets import work
from repairapp.tickets.models import Status, Ticket, WorkType
from repairapp.tickets.workflow import Actor, change_status


@pytest.fixture
def machine():
    plans = f.standard_plans()
    asset = f.asset(accepted=date(2020, 1, 1), name="Press 7")
    f.contract(asset, plans["A"], date(2020, 1, 1), date(2099, 12, 31))
    return asset


def test_request_to_resolution_notifies_each_party_once(app, client, runner, smtp, robot,
                                                       machine):
    """Desk and group hear of the request, the technician of the job, the requester of the fix."""
    desk = f.user(Role.DISPATCHER, email="desk@example.com")
    tech = f.user(Role.TECHNICIAN, email="wang@example.com")
    db.session.add(Channel(name="Service group", transport=Transport.WECOM,
                           target=robot.hook("group")))
    db.session.commit()
    Requester(client, scan_url(machine)).submit(email="zhou@customer.cn")
    ticket = db.session.scalar(sa.select(Ticket))
    assert ticket.requester_email == "zhou@customer.cn" and ticket.requester_locale == "en"
    runner.invoke(args=["sla", "sweep"])
    assert len(smtp.to(desk.email)) == 1 and len(robot.bodies("group")) == 1

    work.assign(ticket, tech, by=desk)
    db.session.commit()
    change_status(ticket, Status.ACKNOWLEDGED, Actor.ASSIGNEE, user=tech)
    work.resolve(ticket, tech, resolution_note="Reset the drive", work_type=WorkType.REMOTE)
    db.session.commit()
    runner.invoke(args=["sla", "sweep"])
    runner.invoke(args=["sla", "sweep"])

    [assigned] = smtp.to(tech.email)
    assert "Press 7" in assigned["Subject"]
    [done] = smtp.to("zhou@customer.cn")
    assert "Your repair request is resolved" in done["Subject"]  # the language they filed in
    assert "新报修" in smtp.to(desk.email)[0]["Subject"]  # staff: the installation's language
    link = re.search(r"https?://\S+/t/\S+", done.get_content()).group(0)
    assert link.startswith(app.config["PUBLIC_URL"]) and "Reset the drive" in done.get_content()
    page = client.get(urlsplit(link).path).get_data(as_text=True)
    assert "Press 7" in page and 'name="rating"' in page
    assert len(smtp.messages) == 3


def test_a_mistyped_email_is_explained_and_nothing_is_lost(client, machine):
    """A bad address gets its message; the description, name and phone stay; no ticket."""
    page = Requester(client, scan_url(machine)).submit(email="zhou@", description="Jammed")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Check the email address" in html
    assert "Jammed" in html and 'value="139 0000 0001"' in html and 'value="zhou@"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0


def test_the_ticket_page_lists_who_was_told(app, client, auth, smtp, machine):
    """Staff see on the ticket what was announced, to whom, and whether it went out."""
    desk = f.user(Role.DISPATCHER, email="desk@example.com")
    ticket = f.ticket(machine)
    auth.login(desk.email)
    client.set_cookie("lang", "en")
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "New request:" in page and "desk@example.com (Waiting)" in page
    runner = app.test_cli_runner()
    runner.invoke(args=["sla", "sweep"])
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "desk@example.com (Sent)" in page


def test_staff_emails_follow_the_language_they_use(app, client, auth, smtp, machine):
    """A technician who works in English gets English emails; switching back to Chinese in
    the app switches their emails too."""
    desk = f.user(Role.DISPATCHER, email="desk@example.com")
    tech = f.user(Role.TECHNICIAN, email="tom@example.com")
    client.set_cookie("lang", "en")
    auth.login(tech.email)
    db.session.refresh(tech)
    assert tech.locale == "en"
    first, second = f.ticket(machine), f.ticket(machine)
    work.assign(first, tech, by=desk)
    db.session.commit()
    auth.post("/lang/zh", {"next": "/jobs/"}, page_url="/jobs/")
    work.assign(second, tech, by=desk)
    db.session.commit()
    app.test_cli_runner().invoke(args=["sla", "sweep"])
    by_ticket = {t.number: [m["Subject"] for m in smtp.to(tech.email) if t.number in
                            m["Subject"]] for t in (first, second)}
    assert "Assigned to" in by_ticket[first.number][0]
    assert "已指派给" in by_ticket[second.number][0]

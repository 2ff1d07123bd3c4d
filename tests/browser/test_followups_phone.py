"""Follow-ups and complaints on a 360 px phone in WeChat, in Chinese: the desk records a
call with taps, the requester complains from the tracking page; nothing scrolls sideways."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

import factories as f
from repairapp.accounts.models import Role
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.followups.models import Complaint, FollowUp
from repairapp.tickets import work
from repairapp.tickets.models import Status

pytestmark = pytest.mark.browser

SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"


def test_the_desk_and_the_requester_on_a_phone(wechat_phone, live_server, output_dir):
    desk = f.user(Role.DISPATCHER, email="desk@example.com", name="客服 Wu")
    machine = f.asset(name="五轴立式加工中心 5-axis vertical machining centre")
    ticket = f.ticket(machine, status=Status.RESOLVED, requester_name="周工")
    work.auto_close(ticket, now=utcnow() - timedelta(days=5))
    db.session.commit()

    page = wechat_phone.new_page()
    page.goto(f"{live_server}/t/{ticket.tracking_token}")
    page.click("#complain summary")
    page.fill("textarea[name=description]", "工程师迟到了两天")
    page.click("#complain button.primary")
    page.wait_for_load_state()
    assert "服务台" in page.locator("main").inner_text()
    assert page.evaluate(SIDEWAYS) <= 0

    page.goto(f"{live_server}/accounts/login")
    page.fill("input[name=email]", desk.email)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button.primary")
    page.goto(f"{live_server}/followups/")
    assert "逾期" in page.locator(f"#task-{db.session.scalar(sa.select(FollowUp.id))}").inner_text()
    assert page.evaluate(SIDEWAYS) <= 0
    page.screenshot(path=str(output_dir / "followups-360.png"), full_page=True)
    page.click("a.job")
    for name, value in (("method", "call"), ("satisfaction", "4"), ("stays_fixed", "yes")):
        page.locator(f"label.tile:has(input[name={name}][value='{value}'])").click()
    assert page.evaluate(SIDEWAYS) <= 0
    page.screenshot(path=str(output_dir / "followup-record-360.png"), full_page=True)
    page.click("button.primary.big")
    page.wait_for_load_state()
    assert "回访已记录" in page.locator("main").inner_text()
    page.goto(f"{live_server}/followups/complaints")
    assert "工程师迟到了两天" in page.locator("main").inner_text()
    assert page.evaluate(SIDEWAYS) <= 0
    db.session.expire_all()
    task = db.session.scalar(sa.select(FollowUp))
    assert (task.method, task.satisfaction, task.stays_fixed) == ("call", 4, True)
    assert db.session.scalar(sa.select(Complaint.ticket_id)) == ticket.id

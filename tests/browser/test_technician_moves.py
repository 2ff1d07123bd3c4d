"""At 360 px inside WeChat: a technician on the way waits for the customer, saying what is
awaited; the page confirms it, and the requester's tracking page names the engineer and says
what is awaited. My jobs shows what was done this week."""

import pytest
import sqlalchemy as sa

from repairapp.demo import DEMO_PASSWORD
from repairapp.extensions import db
from repairapp.tickets.models import Status, Ticket

pytestmark = pytest.mark.browser

WIDE = "document.documentElement.scrollWidth"


def test_on_the_way_to_waiting_for_the_customer_on_a_wechat_phone(
        browser, wechat_phone, live_server, demo_scan_url, output_dir):
    """Every button fits the 360 px screen; the wait is confirmed and shown to the requester."""
    ticket = db.session.scalar(sa.select(Ticket).where(
        Ticket.status == Status.ON_THE_WAY,
        Ticket.assignee.has(email="tech1@example.com")).limit(1))
    tech = wechat_phone.new_page()
    tech.goto(f"{live_server}/accounts/login")
    tech.fill("input[name=email]", "tech1@example.com")
    tech.fill("input[name=password]", DEMO_PASSWORD)
    tech.click("button.primary")
    tech.wait_for_load_state()
    assert "今天：" in tech.inner_text("#done") and "本周（自周一起）：" in tech.inner_text("#done")
    tech.screenshot(path=output_dir / "20-my-jobs-done.png", full_page=True)

    tech.goto(f"{live_server}/tickets/{ticket.id}")
    buttons = tech.locator("#actions button[name=go]").all_inner_texts()
    assert buttons == ["我已到场", "远程处理", "等待备件"]
    assert tech.locator("#actions a.button").inner_text() == "远程解决"
    for box in (b.bounding_box() for b in tech.locator("#actions button, #actions summary, "
                                                       "#actions a.button").all()):
        assert box["height"] >= 44 and box["width"] >= 44
    assert tech.evaluate(WIDE) <= 360
    tech.screenshot(path=output_dir / "21-ticket-on-the-way.png", full_page=True)

    tech.click("#wait summary")
    tech.fill("#wait input[name=note]", "报错界面的照片")
    tech.screenshot(path=output_dir / "22-wait-for-customer.png", full_page=True)
    tech.click("#wait button.primary")
    tech.wait_for_load_state()
    assert "已标记为“等待客户”" in tech.content()
    assert "等待客户提供：报错界面的照片" in tech.inner_text("#awaited")
    assert tech.evaluate(WIDE) <= 360

    requester = wechat_phone.new_page()
    requester.goto(f"{live_server}/t/{ticket.tracking_token}")
    assert "负责工程师：" in requester.inner_text("#engineer")
    assert "工程师需要您提供：报错界面的照片" in requester.inner_text("#awaited")
    assert requester.evaluate(WIDE) <= 360
    requester.screenshot(path=output_dir / "23-tracking-awaited.png", full_page=True)

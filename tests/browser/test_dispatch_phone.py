"""A dispatcher on a 360 px phone in WeChat: search, see a duplicate, merge it with one tap."""

import pytest

import factories as f
from repairapp.accounts.models import Role
from repairapp.extensions import db
from repairapp.tickets.models import Status, Ticket

pytestmark = pytest.mark.browser

SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"


def test_dispatcher_finds_and_merges_a_duplicate_on_a_phone(wechat_phone, live_server,
                                                            output_dir):
    """No sideways scroll; the merge button is a 44 px target; one tap closes the later."""
    desk = f.user(Role.DISPATCHER, email="desk@example.com", name="调度 Li")
    machine = f.asset(tag="EQ-4711", name="数控车床 CNC lathe")
    earlier = f.ticket(machine, description="主轴报警 E42")
    later = f.ticket(machine, description="主轴又报警了，屏幕显示 E42，整条线停了" * 3,
                     requester_phone="139-0000-7777")
    page = wechat_phone.new_page()
    page.goto(f"{live_server}/accounts/login")
    page.fill("input[name=email]", desk.email)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button.primary")
    page.wait_for_load_state()

    page.goto(f"{live_server}/dispatch/")
    page.fill("input[name=q]", "7777")
    page.click("form[role=search] button")
    page.wait_for_load_state()
    assert page.locator("#total").inner_text() == "找到 1 张与“7777”匹配的工单"
    assert page.evaluate(SIDEWAYS) <= 0
    button = page.locator(".dup button")
    box = button.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    page.screenshot(path=str(output_dir / "dispatch-duplicate-360.png"), full_page=True)

    button.click()
    page.wait_for_load_state()
    assert "q=7777" in page.url  # back on the same search
    assert f"{later.number} 已作为 {earlier.number} 的重复报修关闭" in page.content()
    db.session.expire_all()
    assert db.session.get(Ticket, later.id).status is Status.CLOSED

    page.goto(f"{live_server}/tickets/{earlier.id}")
    assert page.evaluate(SIDEWAYS) <= 0
    assign = page.locator("#assign").bounding_box()["y"]
    assert assign < page.locator("h2", has_text="报修人").bounding_box()["y"]
    page.screenshot(path=str(output_dir / "dispatch-merged-ticket-360.png"), full_page=True)

"""The manager's home page on a 360 px phone in WeChat, in Chinese: no sideways scroll,
every section readable, a long machine name wraps."""

from datetime import date, datetime, timedelta

import pytest

import factories as f
from repairapp.accounts.models import Role
from repairapp.db import utcnow
from repairapp.tickets.models import Status

pytestmark = pytest.mark.browser

SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"


def test_manager_home_fits_a_phone(wechat_phone, live_server, output_dir):
    manager = f.user(Role.MANAGER, email="boss@example.com", name="经理 Zhao")
    plan = f.plan(response=120, resolution=240)
    machine = f.asset(tag="EQ-9001", name="五轴立式加工中心 5-axis vertical machining centre" * 2,
                      accepted=date(2020, 1, 1))
    f.contract(machine, plan, date(2020, 1, 1), date(2099, 1, 1))
    now: datetime = utcnow()
    late = f.ticket(machine, now=now - timedelta(minutes=300), status=Status.IN_PROGRESS)
    for days in (1, 2):
        f.ticket(machine, now=now - timedelta(days=days))

    page = wechat_phone.new_page()
    page.goto(f"{live_server}/accounts/login")
    page.fill("input[name=email]", manager.email)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button.primary")
    page.wait_for_load_state()
    assert page.url.endswith("/manager/")  # where a manager lands
    assert page.locator("h1").inner_text() == "服务概况"
    assert page.locator("#backlog .total").inner_text() == "3 张未完成工单"
    assert late.number in page.locator("#breached").inner_text()
    assert "EQ-9001" in page.locator("#machines").inner_text()
    assert page.evaluate(SIDEWAYS) <= 0
    page.screenshot(path=str(output_dir / "manager-home-360.png"), full_page=True)

"""The reports page on a 360 px phone in WeChat, in Chinese: no sideways scroll, each chart
scaled to the screen's width, the page's CSP breaks nothing (no console errors)."""

from datetime import timedelta

import pytest
from security.test_exports import _inspected

import factories as f
from repairapp.accounts.models import Role
from repairapp.db import utcnow
from repairapp.tickets.models import Category

pytestmark = pytest.mark.browser

SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"


def test_reports_fit_a_phone(wechat_phone, live_server, output_dir):
    manager = f.user(Role.MANAGER, email="boss-reports@example.com", name="经理 Zhao")
    machine = f.asset(tag="EQ-9101", model="五轴立式加工中心 VMC-850 long model name" * 2)
    now = utcnow()
    for n, category in enumerate((Category.ERROR, Category.MECHANICAL, Category.ERROR)):
        f.ticket(machine, category=category, now=now - timedelta(seconds=n + 1))
    _inspected(machine, "月度巡检", "主轴无异响")

    page = wechat_phone.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server}/accounts/login")
    page.fill("input[name=email]", manager.email)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button.primary")
    page.wait_for_load_state()
    page.goto(f"{live_server}/reports/?period=this_month")
    assert page.locator("h1").inner_text() == "报表"
    assert page.locator("#by_category table").inner_text().split() == [
        "报错或报警", "2", "异响、漏液或卡料", "1"]
    assert "主轴无异响" in page.locator("#inspection_items table").inner_text()
    assert "按期完成" in page.locator("#inspections table").inner_text()
    widths = page.eval_on_selector_all("figure.chart svg",
                                       "svgs => svgs.map(s => s.getBoundingClientRect().width)")
    assert widths and max(widths) <= 360
    assert page.evaluate(SIDEWAYS) <= 0
    assert problems == []
    page.screenshot(path=str(output_dir / "reports-360.png"), full_page=True)

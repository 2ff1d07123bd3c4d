"""The customer's service report on a 360 px phone in WeChat, in Chinese: a manager previews
it; every section fits the screen (tables become cards, no sideways scroll), the figures
are the hand-built quarter's, and the page's CSP breaks nothing (no console errors)."""

import pytest
from reports.test_customer_report import NAME, quarter  # noqa: F401 - the fixture

import factories as f
from repairapp.accounts.models import Role

pytestmark = pytest.mark.browser

SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"


def test_the_customer_report_fits_a_phone(quarter, wechat_phone, live_server,  # noqa: F811
                                          output_dir):
    f.asset(tag="HD-LONG-0000000001", model="五轴立式加工中心 VMC-850 long model name" * 2,
            site=quarter.customer.sites[0])
    manager = f.user(Role.MANAGER, email="boss-customer@example.com", name="经理 Zhao")
    page = wechat_phone.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server}/accounts/login")
    page.fill("input[name=email]", manager.email)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button.primary")
    page.wait_for_load_state()
    page.goto(f"{live_server}/reports/customer")
    page.select_option("select[name=customer]", label=NAME)
    page.select_option("select[name=period]", value="")
    page.fill("input[name=start]", "2026-01-01")
    page.fill("input[name=end]", "2026-03-31")
    page.click("form.report-filters button.primary")
    page.wait_for_load_state()
    assert page.locator("h1").last.inner_text() == f"{NAME} 服务报告"
    assert "83.3%（5/6）" in page.locator("#headline").inner_text()
    assert "¥1,400.50" in page.locator("#chargeable").inner_text()
    assert page.locator("#machines tr").count() == 6  # the header and five machines
    assert page.evaluate(SIDEWAYS) <= 0
    assert problems == []
    page.screenshot(path=str(output_dir / "customer-report-360.png"), full_page=True)

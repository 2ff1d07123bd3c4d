"""The language switch on a 360 px WeChat phone without JavaScript: a 44 px button in the
header (visitors) and in the menu (staff) that switches and comes back to the same page."""

import pytest

import factories as f
from browser.conftest import WECHAT_PHONE
from repairapp.accounts.models import Role

pytestmark = pytest.mark.browser

TARGET = 44  # px


@pytest.fixture
def no_js_phone(browser):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False, **WECHAT_PHONE)
    yield context.new_page()
    context.close()


def _size(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    assert box, selector
    return box


def test_a_visitor_switches_from_the_header(no_js_phone, live_server, output_dir):
    """On the log-in page the header's "English" is a 44×44 px button; tapping it shows the
    same page in English, and the choice stays on the next page."""
    page = no_js_phone
    page.goto(f"{live_server}/accounts/login?next=/jobs/")
    assert page.inner_text("h1") == "员工登录"
    box = _size(page, "header .lang-switch button")
    assert box["width"] >= TARGET and box["height"] >= TARGET
    page.screenshot(path=output_dir / "language-switch-header.png")
    page.click("header .lang-switch button")
    page.wait_for_url("**/accounts/login?next=/jobs/")
    assert page.inner_text("h1") == "Staff log-in"
    page.goto(f"{live_server}/accounts/login")
    assert page.inner_text("h1") == "Staff log-in"


def test_staff_switch_from_the_menu_and_stay_logged_in(no_js_phone, live_server):
    """A technician opens the menu, taps "English" (a full-width 44 px row): My jobs comes
    back in English, still logged in."""
    technician = f.user(Role.TECHNICIAN)
    page = no_js_phone
    page.goto(f"{live_server}/accounts/login")
    page.fill("input[name=email]", technician.email)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/jobs/")
    page.click(".menu > summary")
    box = _size(page, ".menu-list .lang-switch button")
    assert box["height"] >= TARGET and box["width"] >= 200
    page.click(".menu-list .lang-switch button")
    page.wait_for_url("**/jobs/")
    assert "My jobs" in page.inner_text("header")

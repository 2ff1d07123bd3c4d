"""On a phone, a request form sent with mistakes comes back with the focus on the first wrong
field, with and without JavaScript; the summary's links take the focus to their field."""

import pytest

import factories as f
from browser.conftest import WECHAT_PHONE
from repairapp.extensions import db

pytestmark = pytest.mark.browser


def _send_with_mistakes(page, scan_url):
    page.goto(scan_url)
    page.locator("label.tile", has=page.locator("input[value=error]")).click()
    page.locator("label.tile", has=page.locator("input[value=stopped]")).click()
    page.fill("input[name=phone]", "139 0000")  # short, and no name
    page.eval_on_selector("#request", "form => form.noValidate = true")
    page.click("#request button.primary")
    page.wait_for_selector("#error-summary")


@pytest.fixture
def scan_url(live_server):
    """A machine without an open request: its scan page shows the request form."""
    machine = f.asset()
    db.session.commit()
    return f"{live_server}/r/{machine.active_label.code}"


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id")


@pytest.mark.parametrize("javascript", [False, True])
def test_focus_lands_on_the_first_wrong_field(browser, scan_url, javascript, output_dir):
    """Name (first wrong) has the focus; the summary lists name and phone."""
    context = browser.new_context(locale="zh-CN", java_script_enabled=javascript, **WECHAT_PHONE)
    page = context.new_page()
    _send_with_mistakes(page, scan_url)
    assert _focused(page) == "name"
    assert page.locator("#error-summary li").count() == 2
    page.screenshot(path=output_dir / f"form-errors-js-{javascript}.png")
    context.close()


def test_summary_link_focuses_its_field(wechat_phone, scan_url):
    """Tapping the phone problem in the summary puts the cursor in the phone field."""
    page = wechat_phone.new_page()
    _send_with_mistakes(page, scan_url)
    page.click("#error-summary a[href='#phone']")
    assert _focused(page) == "phone"
    assert page.evaluate("document.getElementById('phone').value") == "139 0000"

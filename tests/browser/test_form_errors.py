"""On a phone, a request form sent with mistakes comes back with the focus on the first wrong
field, with and without JavaScript; the summary's links take the focus to their field."""

import pytest

import factories as f
from browser.conftest import WECHAT_PHONE
from repairapp.accounts.models import Role
from repairapp.extensions import db
from repairapp.tickets.models import Status

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


def test_summary_link_finds_the_sent_form_when_two_share_field_ids(wechat_phone, live_server):
    """On a ticket, the work log and resolve forms both have "minutes": the summary's link
    after a bad work log goes to the work log's field, not the resolve form's."""
    technician = f.user(Role.TECHNICIAN)
    ticket = f.ticket(assignee=technician, status=Status.ON_SITE)
    page = wechat_phone.new_page()
    page.goto(f"{live_server}/accounts/login")
    page.fill("input[name=email]", technician.email)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button.primary")
    page.goto(f"{live_server}/tickets/{ticket.id}")
    assert page.locator("#resolve [id=minutes]").count() == 1  # the clash is real
    page.click("#work > summary")
    page.fill("#work [id=minutes]", "")
    page.eval_on_selector("#work form", "form => form.noValidate = true")
    page.click("#work button.primary")
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.closest('#work') !== null")  # autofocus
    page.click("#error-summary a[href='#minutes']")
    assert page.evaluate("document.activeElement.closest('#work') !== null")
    assert _focused(page) == "minutes"

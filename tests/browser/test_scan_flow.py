"""End to end in a real browser: scan, file with a photo, track; staff resolve; track again."""

import pytest
import sqlalchemy as sa

from browser.conftest import PHONE, file_request
from repairapp.demo import DEMO_PASSWORD
from repairapp.extensions import db
from repairapp.tickets.models import Status, Ticket, TicketPhoto

pytestmark = pytest.mark.browser


def test_phone_files_request_and_follows_it_to_resolved(
        browser, phone, live_server, demo_scan_url, camera_photo, output_dir):
    """375x667 Chromium: demo scan URL → form with photo → confirmation → tracking → staff
    log in and resolve → tracking shows each step."""
    page = phone.new_page()
    request = file_request(page, demo_scan_url, camera_photo)
    # The phone shrank the multi-megabyte photo before sending it.
    assert request.sizes()["requestBodySize"] < camera_photo.stat().st_size / 3
    page.screenshot(path=output_dir / "01-submitted.png", full_page=True)
    assert "R0" in page.inner_text("h1")
    tracking = page.get_attribute("#tracking-link", "href")

    page.goto(f"{live_server}{tracking}")
    assert "已收到" in page.inner_text(".status")
    page.screenshot(path=output_dir / "02-tracking-new.png", full_page=True)

    ticket = db.session.scalar(sa.select(Ticket).order_by(Ticket.id.desc()).limit(1))
    photo = db.session.scalar(sa.select(TicketPhoto))
    assert ticket.asset.active_label.code in demo_scan_url
    assert ticket.requester_name == "周师傅" and max(photo.width, photo.height) <= 1600

    staff = browser.new_context(locale="zh-CN", **PHONE)
    desk = staff.new_page()
    desk.goto(f"{live_server}/accounts/login")
    desk.fill("input[name=email]", "dispatch@example.com")
    desk.fill("input[name=password]", DEMO_PASSWORD)
    desk.click("button.primary")
    desk.click(f"text={ticket.number}")
    for to in ("acknowledged", "in_progress"):
        desk.click(f"form:has(input[value={to}]) button")
        desk.wait_for_load_state()
    resolve = desk.locator("#resolve")
    resolve.locator("label.tile", has=desk.locator("input[value=remote]")).click()
    resolve.locator("textarea[name=notes]").fill("远程重启 PLC 后恢复 / restarted the PLC")
    resolve.locator("button.primary").click()
    desk.wait_for_load_state()
    desk.screenshot(path=output_dir / "03-staff-resolved.png", full_page=True)
    staff.close()

    page.reload()
    assert "已解决" in page.inner_text(".status")
    timeline = page.inner_text(".timeline")
    assert all(word in timeline for word in ("已收到报修", "已确认", "已解决"))
    page.screenshot(path=output_dir / "04-tracking-resolved.png", full_page=True)
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status is Status.RESOLVED


def test_form_works_without_javascript(browser, demo_scan_url):
    """JavaScript only enhances: with it off, the same request still goes through."""
    context = browser.new_context(java_script_enabled=False, locale="en-US",
                                  viewport={"width": 375, "height": 667})
    page = context.new_page()
    page.goto(demo_scan_url)
    page.check("input[value=software]")
    page.check("input[value=minor]")
    page.fill("input[name=name]", "No JS")
    page.fill("input[name=phone]", "13900000002")
    page.click("#request button.primary")
    page.wait_for_url("**/submitted")
    assert "sent" in page.inner_text("h1")
    context.close()
    assert db.session.scalar(sa.select(Ticket).where(Ticket.requester_name == "No JS"))

"""End to end on phones: a technician works a job from "My jobs" to resolved, checking in
by scanning the machine's label, and the requester follows and rates it."""

import pytest
import sqlalchemy as sa

from browser.conftest import PHONE, file_request
from repairapp.demo import DEMO_PASSWORD
from repairapp.extensions import db
from repairapp.tickets.models import OPEN_STATUSES, EventKind, Status, Ticket

pytestmark = pytest.mark.browser


def _log_in(context, live_server, email):
    page = context.new_page()
    page.goto(f"{live_server}/accounts/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_load_state()
    return page


def test_technician_takes_a_job_from_my_jobs_to_rated(
        browser, phone, live_server, demo_scan_url, camera_photo, output_dir):
    """Requester files → dispatcher assigns → technician accepts, checks in at the label,
    logs 45 min on site with a part, resolves → requester sees each step and rates it."""
    requester = phone.new_page()
    file_request(requester, demo_scan_url, camera_photo)
    tracking = requester.get_attribute("#tracking-link", "href")
    ticket = db.session.scalar(sa.select(Ticket).order_by(Ticket.id.desc()).limit(1))

    desk_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    desk = _log_in(desk_context, live_server, "dispatch@example.com")
    desk.click(f"text={ticket.number}")
    # A dispatcher's assign form is open at the top of the ticket page.
    # The option names the technician's open jobs: the demo gives Wang some already.
    wang_jobs = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket).where(
        Ticket.assignee.has(email="tech1@example.com"), Ticket.status.in_(OPEN_STATUSES)))
    desk.select_option("#assign select[name=technician]", label=f"王工 Wang ({wang_jobs})")
    desk.click("#assign button.primary")
    desk.wait_for_load_state()
    desk_context.close()

    tech_context = browser.new_context(locale="zh-CN", **PHONE)
    tech = _log_in(tech_context, live_server, "tech1@example.com")
    first_card = tech.locator("a.job", has_text=ticket.number)  # among the demo's jobs
    tech.screenshot(path=output_dir / "10-my-jobs.png", full_page=True)
    first_card.click()
    tech.click("form:has(input[value=acknowledged]) button")  # accept: one tap
    tech.wait_for_load_state()

    tech.goto(demo_scan_url)  # scanning the label while logged in
    tech.screenshot(path=output_dir / "11-staff-scan.png", full_page=True)
    tech.click("form[action*=check-in] button")
    tech.wait_for_url(f"**/tickets/{ticket.id}")

    resolve = tech.locator("#resolve")
    resolve.locator("label.tile", has=tech.locator("input[value=on_site]")).click()
    resolve.locator("input[name=minutes]").fill("45")
    resolve.locator("input[name='parts-0-item']").fill("保险丝 Fuse 10A")
    resolve.locator("input[name='parts-0-quantity']").fill("2")
    resolve.locator("textarea[name=notes]").fill("更换保险丝 / replaced the fuse")
    tech.screenshot(path=output_dir / "12-resolve-form.png", full_page=True)
    resolve.locator("button.primary").click()
    tech.wait_for_load_state()
    tech_context.close()

    requester.goto(f"{live_server}{tracking}")
    timeline = requester.inner_text(".timeline")
    for step in ("已收到报修", "已确认", "工程师已到现场", "已解决"):
        assert step in timeline, step
    assert "更换保险丝 / replaced the fuse" in requester.inner_text("#done")  # written for them
    assert "Fuse 10A" not in requester.content()  # parts and work logs stay internal
    requester.screenshot(path=output_dir / "13-tracking-resolved.png", full_page=True)
    requester.locator("label.tile", has=requester.locator("input[value='5']")).click()
    requester.fill("textarea[name=comment]", "很快，谢谢 / quick, thanks")
    requester.click("#verdict button.primary")
    requester.wait_for_load_state()
    requester.screenshot(path=output_dir / "14-tracking-rated.png", full_page=True)
    assert "已关闭" in requester.inner_text(".status")

    db.session.expire_all()
    done = db.session.get(Ticket, ticket.id)
    assert done.status is Status.CLOSED and done.rating == 5
    assert done.assignee.email == "tech1@example.com"
    log = done.work_logs[-1]
    assert (log.minutes, log.work_type.value, log.parts[0].quantity) == (45, "on_site", 2)
    assert EventKind.CHECK_IN in [e.kind for e in done.events]

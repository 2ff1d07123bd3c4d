"""An inspection on a 360 px phone in WeChat: the technician scans the machine's label,
starts the inspection, fills in the checklist with one failed check (note and photo), and
the ticket it opens is in the dispatch queue."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from maintenance.data import plan

import factories as f
from browser.conftest import WECHAT_PHONE, log_in, staff_phone
from repairapp.accounts.models import Role
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.maintenance.models import ItemKind, MaintenanceVisit, Unit, VisitStatus
from repairapp.maintenance.services import generate
from repairapp.tickets.models import Ticket

pytestmark = pytest.mark.browser
SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"
CHECKS = (("风扇运转无异响", ItemKind.PASS_FAIL, None, None),
          ("供电电压 (V)", ItemKind.NUMBER, 210, 230),
          ("其他情况", ItemKind.TEXT, None, None))


def test_technician_inspects_at_the_machine_and_the_failed_check_reaches_dispatch(
        browser, live_server, output_dir, camera_photo):
    """Scan → start → pass/fail tiles, a reading, a note and a photo → sent; one ticket,
    shown in the dispatch queue; no sideways scroll, no console errors."""
    tech = f.user(Role.TECHNICIAN, name="王工")
    machine = f.asset(tag="EQ-52001", name="空压机 2 号", model="AC-75")
    plan(machine, start=utcnow().date() + timedelta(days=3), unit=Unit.QUARTER,
         name="季度巡检", engineer=tech, items=CHECKS)
    generate(horizon=60)
    db.session.commit()
    visit = db.session.scalars(sa.select(MaintenanceVisit)).one()

    context, page, errors = staff_phone(browser, live_server, tech.email, timeout=30_000)
    page.goto(f"{live_server}/jobs/")
    assert "季度巡检" in page.inner_text("#inspections")
    page.screenshot(path=str(output_dir / "inspection-1-my-jobs.png"), full_page=True)

    page.goto(f"{live_server}/r/{machine.active_label.code}")
    page.screenshot(path=str(output_dir / "inspection-2-scan.png"), full_page=True)
    page.click("#inspections button.primary")  # 开始巡检
    page.wait_for_url(f"**/maintenance/visits/{visit.id}")
    checks = [i.id for i in visit.plan.checks]
    page.locator("label.tile", has=page.locator(f"input[name=value_{checks[0]}][value=fail]"))\
        .click()
    page.fill(f"textarea[name=note_{checks[0]}]", "轴承有摩擦声，需更换")
    page.set_input_files(f"input[name=photos_{checks[0]}]", str(camera_photo))
    page.fill(f"input[name=value_{checks[1]}]", "221")
    page.fill(f"textarea[name=value_{checks[2]}]", "机房积灰，已清理")
    assert page.evaluate(SIDEWAYS) <= 0
    page.screenshot(path=str(output_dir / "inspection-3-checklist.png"), full_page=True)
    page.click("form.checklist button.primary")
    page.wait_for_load_state()
    assert "1 个不合格项已生成维修工单" in page.inner_text("body")
    page.screenshot(path=str(output_dir / "inspection-4-done.png"), full_page=True)

    ticket = db.session.scalars(sa.select(Ticket)).one()
    assert "轴承有摩擦声" in ticket.description and len(ticket.photos) == 1
    db.session.refresh(visit)
    assert visit.status is VisitStatus.DONE

    desk = browser.new_context(locale="zh-CN", **WECHAT_PHONE)
    desk_page = desk.new_page()
    log_in(desk_page, live_server, f.user(Role.DISPATCHER).email)
    desk_page.goto(f"{live_server}/dispatch/")
    assert ticket.number in desk_page.inner_text("body")
    assert desk_page.evaluate(SIDEWAYS) <= 0
    desk_page.screenshot(path=str(output_dir / "inspection-5-dispatch.png"), full_page=True)
    assert not errors, errors
    desk.close()
    context.close()

"""An inspection round on a 360 px phone in WeChat: two machines at one site due the same
day. The technician opens the round from My jobs, puts the second machine first, inspects
both one after the other (scan, start, checklist), and the site's contact signs once, with
a finger, for the whole round; the round's PDF lists both machines and the signer."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from jobreports.conftest import pdf_text
from maintenance.data import plan

import factories as f
from browser.conftest import staff_phone
from browser.test_inspection_phone import CHECKS, SIDEWAYS
from browser.test_signoff_phone import _draw
from repairapp.accounts.models import Role
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.maintenance.models import InspectionReport, MaintenanceVisit, Unit
from repairapp.maintenance.services import generate
from repairapp.tickets.models import Ticket

pytestmark = pytest.mark.browser


def _inspect(page, live_server, machine, visit, *, fail_note: str = "") -> None:
    """Scan the machine's label, start, fill in the checklist (the fan failed when a note
    is given), send, and come back to the round from the visit's page."""
    page.goto(f"{live_server}/r/{machine.active_label.code}")
    page.click("#inspections button.primary")
    page.wait_for_url(f"**/maintenance/visits/{visit.id}")
    checks = [i.id for i in visit.plan.checks]
    fan = "fail" if fail_note else "pass"
    page.locator("label.tile", has=page.locator(f"input[name=value_{checks[0]}][value={fan}]"))\
        .click()
    if fail_note:
        page.fill(f"textarea[name=note_{checks[0]}]", fail_note)
    page.fill(f"input[name=value_{checks[1]}]", "220")
    page.fill(f"textarea[name=value_{checks[2]}]", "正常")
    page.click("form.checklist button.primary")
    page.wait_for_load_state()
    page.click("#round-link a")
    page.wait_for_url("**/round")


def test_a_round_of_two_is_inspected_and_signed_once(browser, live_server, output_dir):
    tech = f.user(Role.TECHNICIAN, name="王工")
    site = f.site(name="三号厂房", contact_name="陈主管")
    first = f.asset(tag="EQ-53001", name="空压机 1 号", site=site)
    second = f.asset(tag="EQ-53002", name="冷干机 2 号", site=site)
    start = utcnow().date() + timedelta(days=2)
    for machine in (first, second):
        plan(machine, start=start, unit=Unit.QUARTER, name="季度巡检", engineer=tech,
             items=CHECKS)
    generate(horizon=60)
    db.session.commit()
    visits = {v.asset_id: v for v in db.session.scalars(sa.select(MaintenanceVisit))}

    context, page, errors = staff_phone(browser, live_server, tech.email, timeout=30_000)
    page.goto(f"{live_server}/jobs/")
    page.click("#inspections .round-link a")  # 巡检路线：… 共 2 台设备
    page.wait_for_url("**/round")
    tags = page.locator("#round .card .tag").all_inner_texts()
    assert tags == ["EQ-53001", "EQ-53002"]
    page.screenshot(path=str(output_dir / "round-1-round.png"), full_page=True)
    page.locator(f"#visit-{visits[first.id].id} button", has_text="延后").click()
    page.wait_for_load_state()
    assert page.locator("#round .card .tag").all_inner_texts() == ["EQ-53002", "EQ-53001"]
    assert "EQ-53002" in page.inner_text("#round .next")
    assert page.evaluate(SIDEWAYS) <= 0
    page.screenshot(path=str(output_dir / "round-2-reordered.png"), full_page=True)

    _inspect(page, live_server, second, visits[second.id])
    assert "EQ-53001" in page.inner_text("#round .next")
    page.screenshot(path=str(output_dir / "round-3-one-done.png"), full_page=True)
    _inspect(page, live_server, first, visits[first.id], fail_note="皮带磨损")
    page.click("#sign-round")
    page.wait_for_url("**/round/sign")
    facts = page.inner_text("#report-facts")
    assert facts.index("EQ-53002") < facts.index("EQ-53001") and "皮带磨损" in facts
    assert page.input_value("input[name=signer_name]") == "陈主管"  # the site's contact
    page.locator("#signature-canvas").scroll_into_view_if_needed()
    _draw(page, "#signature-canvas")
    assert page.evaluate(SIDEWAYS) <= 0
    page.screenshot(path=str(output_dir / "round-4-sign.png"), full_page=True)
    page.click("#sign button.primary")
    page.wait_for_url("**/round")
    assert "陈主管 已签字确认，巡检报告涵盖 2 台设备" in page.inner_text(".flash")
    page.screenshot(path=str(output_dir / "round-5-signed.png"), full_page=True)
    link = page.locator("#round-report a.pdf").get_attribute("href")
    answer = page.request.get(f"{live_server}{link}")
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    text = pdf_text(answer.body())
    assert not errors, errors
    context.close()

    db.session.expire_all()
    [report] = db.session.scalars(sa.select(InspectionReport)).all()
    ticket = db.session.scalars(sa.select(Ticket)).one()
    assert report.is_round and report.signature_png is not None
    for expected in ("巡检路线报告", "三号厂房", "EQ-53001", "EQ-53002", "皮带磨损", "王工",
                     "陈主管", ticket.number, report.content_sha256):
        assert expected in text, expected
    assert text.index("EQ-53002") < text.index("EQ-53001")


def test_without_javascript_the_typed_name_signs_an_inspection(browser, live_server,
                                                               output_dir):
    """At 360 px with JavaScript off the pad stays hidden and the typed name signs one
    visit's report; no sideways scroll."""
    tech = f.user(Role.TECHNICIAN, name="王工")
    machine = f.asset(tag="EQ-53101", name="空压机 3 号")
    plan(machine, start=utcnow().date() + timedelta(days=1), unit=Unit.QUARTER,
         name="季度巡检", engineer=tech, items=CHECKS)
    generate(horizon=60)
    db.session.commit()
    visit = db.session.scalars(sa.select(MaintenanceVisit)).one()
    context, page, _ = staff_phone(browser, live_server, tech.email, timeout=30_000,
                                   java_script_enabled=False)
    page.goto(f"{live_server}/r/{machine.active_label.code}")
    page.click("#inspections button.primary")
    page.wait_for_url(f"**/maintenance/visits/{visit.id}")
    checks = [i.id for i in visit.plan.checks]
    page.locator("label.tile", has=page.locator(f"input[name=value_{checks[0]}][value=pass]"))\
        .click()
    page.fill(f"input[name=value_{checks[1]}]", "220")
    page.fill(f"textarea[name=value_{checks[2]}]", "正常")
    page.click("form.checklist button.primary")
    page.wait_for_load_state()
    page.click("#sign-visit")
    page.wait_for_url(f"**/maintenance/visits/{visit.id}/sign")
    assert not page.is_visible("#signature-canvas")
    page.fill("input[name=signer_name]", "李工长")
    assert page.evaluate(SIDEWAYS) <= 0
    page.screenshot(path=str(output_dir / "round-6-sign-no-js.png"), full_page=True)
    page.click("#sign button.primary")
    page.wait_for_url(f"**/maintenance/visits/{visit.id}")
    assert "李工长" in page.inner_text("#inspection-report")
    context.close()
    [report] = db.session.scalars(sa.select(InspectionReport)).all()
    assert report.signer_name == "李工长" and report.signature_png is None

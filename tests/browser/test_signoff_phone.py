"""The service sheet signed on a 360 px phone: the technician resolves on site, the customer
draws a signature with a finger (real touch events), types their name and signs; the PDF is
then on the requester's tracking page."""

import io

import pypdfium2
import pytest
import sqlalchemy as sa
from PIL import Image

import factories as f
from browser.conftest import staff_phone
from repairapp.accounts.models import Role
from repairapp.extensions import db
from repairapp.jobreports.models import JobReport
from repairapp.tickets.models import Category, Status

pytestmark = pytest.mark.browser
SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"


def _draw(page, selector: str) -> None:
    """Two strokes with one finger, as touch events the browser turns into pointer events."""
    box = page.locator(selector).bounding_box()
    touch = page.context.new_cdp_session(page)
    x0, y0, w, h = box["x"], box["y"], box["width"], box["height"]
    strokes = [[(0.1, 0.7), (0.25, 0.3), (0.4, 0.75), (0.55, 0.35)],
               [(0.6, 0.6), (0.75, 0.25), (0.9, 0.7)]]
    for stroke in strokes:
        points = [{"x": x0 + w * px, "y": y0 + h * py} for px, py in stroke]
        touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": points[:1]})
        for point in points[1:]:
            touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def _pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(io.BytesIO(data))
    return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def test_customer_signs_the_service_sheet_on_the_technicians_phone(
        browser, phone, live_server, output_dir):
    """On site → resolve → the sign page (sheet, pad) → finger signature and name → signed;
    the requester's tracking page links the PDF, which names the signer."""
    tech = f.user(Role.TECHNICIAN, name="王工 Wang")
    machine = f.asset(tag="EQ-36001", name="空压机 Air compressor", accepted=None,
                      warranty_months=0)
    ticket = f.ticket(machine, assignee=tech, status=Status.ACKNOWLEDGED,
                      category=Category.NO_POWER, description="开机无反应",
                      requester_name="陈经理")

    context, page, errors = staff_phone(browser, live_server, tech.email)
    page.goto(f"{live_server}/tickets/{ticket.id}")
    page.click("form:has(input[value=on_site]) button")  # "I'm on site"
    page.wait_for_load_state()
    resolve = page.locator("#resolve")
    resolve.locator("label.tile", has=page.locator("input[value=on_site]")).click()
    resolve.locator("input[name=minutes]").fill("45")
    resolve.locator("input[name='parts-0-item']").fill("保险丝 Fuse 10A")
    resolve.locator("input[name='parts-0-quantity']").fill("2")
    resolve.locator("textarea[name=notes]").fill("更换保险丝，试机正常")
    resolve.locator("button.primary").click()
    page.wait_for_url(f"**/job-report/ticket/{ticket.id}/sign")

    assert "更换保险丝，试机正常" in page.inner_text("#sheet-facts")
    assert "¥800.00" in page.inner_text("#sheet-facts")  # one on-site visit, not covered
    assert page.is_visible("#signature-canvas")  # the pad shows once signature.js runs
    page.screenshot(path=output_dir / "signoff-1-sheet.png", full_page=True)
    page.locator("#signature-canvas").scroll_into_view_if_needed()
    _draw(page, "#signature-canvas")
    page.fill("input[name=signer_name]", "陈经理")
    page.locator("#sign").screenshot(path=output_dir / "signoff-2-signed-pad.png")
    assert page.evaluate(SIDEWAYS) <= 0
    page.click("#sign button.primary")
    page.wait_for_url(f"**/tickets/{ticket.id}*")
    assert "陈经理 已签字确认" in page.inner_text(".flash")
    assert "版本 1" in page.inner_text("#job-report")
    page.screenshot(path=output_dir / "signoff-3-ticket.png", full_page=True)
    assert not errors, errors  # no script blocked by the CSP, no failure
    context.close()

    db.session.expire_all()
    [report] = db.session.scalars(sa.select(JobReport)).all()
    assert report.signer_name == "陈经理" and report.signature_png is not None
    with Image.open(io.BytesIO(report.signature_png)) as drawing:
        inked = drawing.getchannel("A").getbbox()  # strokes across most of the pad
        assert inked and inked[2] - inked[0] > drawing.width * 0.6

    requester = phone.new_page()
    requester.goto(f"{live_server}/t/{ticket.tracking_token}")
    sheet = requester.locator("#job-report")
    assert "服务报告单" in sheet.inner_text()
    requester.screenshot(path=output_dir / "signoff-4-tracking.png", full_page=True)
    link = sheet.locator("a.pdf").first.get_attribute("href")
    answer = requester.request.get(f"{live_server}{link}")
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    text = _pdf_text(answer.body())
    assert "陈经理" in text and "EQ-36001" in text and report.content_sha256 in text

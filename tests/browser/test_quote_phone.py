"""A requester approves a quote on the tracking page, inside WeChat on a 360 px phone, in
Chinese: the lines, the total and the tax contained fit the screen; the approval is kept."""

from decimal import Decimal

import pytest

import factories as f
from repairapp.extensions import db
from repairapp.quotes import services
from repairapp.quotes.models import LineKind, Quote, QuoteStatus
from repairapp.quotes.services import Line
from repairapp.tickets.models import Status

pytestmark = pytest.mark.browser

SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"


def test_the_requester_approves_a_quote_in_wechat(wechat_phone, live_server, output_dir):
    f.standard_plans()
    tech = f.user(name="王工 Wang")
    ticket = f.ticket(f.asset(name="旧打包机 Old strapper"), assignee=tech,
                      status=Status.ACKNOWLEDGED, requester_name="周工")
    quote = services.save_draft(ticket, tech, [
        Line(LineKind.VISIT_FEE, "", Decimal(1), Decimal("800.00")),
        Line(LineKind.PERSON_DAY, "2026-03-02 – 2026-03-04 × 2", Decimal(6), Decimal("2000.00")),
        Line(LineKind.TRAVEL_COST, "高铁 上海–苏州往返", Decimal(1), Decimal("356.40"))],
        Decimal(6))
    services.send(quote, tech)
    db.session.commit()

    page = wechat_phone.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server}/t/{ticket.tracking_token}")
    text = page.locator("#quote-card").inner_text()
    # 800 + 12,000 + 356.40 = 13,156.40; 6 % contained: 13,156.40 × 6 / 106 = 744.70
    assert "¥13,156.40" in text and "¥744.70" in text and "差旅费按实报销" in text
    assert page.evaluate(SIDEWAYS) <= 0
    page.screenshot(path=str(output_dir / "quote-360.png"), full_page=True)
    page.fill("#approve input[name=name]", "周工")
    page.click("#approve button.primary")
    page.wait_for_load_state()
    assert "您已同意报价" in page.locator("main").inner_text()
    assert "周工 于" in page.locator("#quote-decision").inner_text()
    assert page.evaluate(SIDEWAYS) <= 0 and not errors
    page.screenshot(path=str(output_dir / "quote-approved-360.png"), full_page=True)
    db.session.expire_all()
    assert db.session.get(Quote, quote.id).status is QuoteStatus.APPROVED

"""The scan page fits the first round trip of a new connection: ≤ 14 KB, nothing external."""

from datetime import date
from urllib.parse import urlsplit

import pytest

import factories as f
from repairapp.contracts.models import Severity
from repairapp.extensions import db
from repairapp.tickets import services
from repairapp.tickets.models import Category

pytestmark = pytest.mark.browser
FIRST_ROUND_TRIP = 14 * 1024  # ~10 TCP segments of the initial congestion window


def _heaviest_asset():
    """The fullest scan page: contract badge, an open request and the add-information form."""
    plans = f.standard_plans()
    machine = f.asset(accepted=date(2020, 1, 1),
                      name="输送线 Conveyor line with a rather long descriptive name")
    f.contract(machine, plans["A"], date(2020, 1, 1), date(2099, 1, 1))
    services.file_ticket(machine, category=Category.ERROR, severity=Severity.CRITICAL,
                         description="", requester_name="周师傅",
                         requester_phone="13900000001", idempotency_key="w" * 20)
    db.session.commit()
    return machine


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_scan_page_weighs_at_most_14_kb_compressed(browser, live_server, locale):
    """HTML + everything it loads, as transferred (compressed, headers included)."""
    machine = _heaviest_asset()
    context = browser.new_context(locale=locale, viewport={"width": 375, "height": 667})
    page = context.new_page()
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))
    page.goto(f"{live_server}/r/{machine.active_label.code}", wait_until="networkidle")
    hosts = {urlsplit(r.url).netloc for r in requests if not r.url.startswith("data:")}
    assert hosts == {urlsplit(live_server).netloc}
    sizes = {r.url: r.sizes() for r in requests if not r.url.startswith("data:")}
    total = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes.values())
    context.close()
    assert len(sizes) >= 3  # the page, its CSS and its script were all counted
    print(f"scan page {locale}: {total} bytes transferred")
    assert total <= FIRST_ROUND_TRIP, sizes

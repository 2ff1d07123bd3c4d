"""The customer's service report on a hand-built first quarter of 2026 (Asia/Shanghai), its
answers worked out by hand: `build`'s values, the staff page, and the PDF read back by text
extraction (pypdfium2) with its CJK font embedded (pikepdf), in Chinese and in English.
Another customer's tickets, on the same days, must never show."""

import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pikepdf
import pypdfium2
import pytest
import sqlalchemy as sa
from PIL import Image
from reports.conftest import _file, local

import factories as f
from conftest import counting_queries
from repairapp.assets.models import Asset
from repairapp.contracts.models import CoverageState, PlanKind, ServiceLevel, Severity
from repairapp.customers.models import Customer
from repairapp.extensions import db
from repairapp.followups.models import FollowUp, FollowUpKind
from repairapp.reports import customer
from repairapp.reports.customer_pdf import render_pdf
from repairapp.sla.models import ServiceCalendar
from repairapp.tickets.models import BillableItem, Status

Q1 = (date(2026, 1, 1), date(2026, 3, 31))
Q1_ARGS = {"period": "", "start": "2026-01-01", "end": "2026-03-31"}
NAME = "华东精密制造有限公司"
OTHER = "Rival Works 对手公司"


@dataclass
class Quarter:
    customer: Customer
    other: Customer
    warranty: object  # machines, by their coverage on 31 March
    contracted: object
    lapsed: object
    uncovered: object


def _bill(ticket, kind, quantity, amount):
    db.session.add(BillableItem(ticket_id=ticket.id, kind=kind, description=kind,
                                quantity=Decimal(quantity),
                                amount=None if amount is None else Decimal(amount)))


def _follow_up(customer_id, due, done=None, satisfaction=None, ticket=None, period=None):
    db.session.add(FollowUp(kind=FollowUpKind.TICKET if ticket else FollowUpKind.KEY_CUSTOMER,
                            ticket_id=ticket.id if ticket else None, customer_id=customer_id,
                            period=period, created_at=due, due_at=due, done_at=done,
                            method="call" if done else "", satisfaction=satisfaction))


def _plans():
    office = ServiceCalendar(name="Office", china_holidays=False,
                             hours={str(d): [[540, 1020]] for d in range(5)})
    db.session.add(office)
    db.session.commit()
    return {"warranty": f.plan(PlanKind.WARRANTY, name="Warranty", response=120,
                               resolution=480, calendar=office),
            "per_incident": f.plan(PlanKind.PER_INCIDENT, name="Per incident", response=1440,
                                   resolution=4320),
            "A": f.plan(PlanKind.EXTENDED, ServiceLevel.A, name="Level A", response=60,
                        resolution=240),
            "silver": f.plan(PlanKind.EXTENDED, ServiceLevel.B, name="Silver", response=240,
                             resolution=960)}


def _fleet(plans):
    """Four machines of the customer, one in each coverage state on 31 March, and one
    archived; the other customer's machine."""
    ours = Customer(name=NAME)
    one, two = f.site(customer=ours, name="1号厂房"), f.site(customer=ours, name="2号厂房")
    warranty = f.asset(tag="HD-001", model="VMC-850", site=one, accepted=date(2025, 6, 1))
    contracted = f.asset(tag="HD-002", model="VMC-850", site=one)
    f.contract(contracted, plans["A"], date(2026, 1, 1), date(2026, 12, 31))
    lapsed = f.asset(tag="HD-003", model="CNC-5", site=two)
    f.contract(lapsed, plans["silver"], date(2025, 1, 1), date(2025, 12, 31))
    uncovered = f.asset(tag="HD-004", model="", site=two)
    f.asset(tag="HD-005", site=two, is_archived=True)
    theirs = f.site(customer=Customer(name=OTHER), name="Rival plant")
    return ours, theirs, (warranty, contracted, lapsed, uncovered)


def _other_customer(site, plans):
    """On the same days: three tickets on one machine (a repeated failure of theirs), a
    breach, a 1-star rating, a chargeable visit and a follow-up."""
    machine = f.asset(tag="RV-900", model="RIVAL-1", site=site)
    for day in (5, 6, 7):
        t = _file(machine, local(2, day, 9), plan_name="Level A",
                  responded_at=local(2, day, 12), response_working_minutes=180,
                  response_wall_minutes=180, response_due_at=local(2, day, 10),
                  response_breached=True, resolved_at=local(2, day, 13), rating=1,
                  resolution_working_minutes=240, resolution_wall_minutes=240)
    _bill(t, "visit", "1", "9999.99")
    _follow_up(site.customer_id, local(2, 10, 9), local(2, 10, 10), 1, ticket=t)


@pytest.fixture
def quarter() -> Quarter:
    plans = _plans()
    ours, theirs, (warranty, contracted, lapsed, uncovered) = _fleet(plans)
    a = {"plan_name": "Level A", "severity": Severity.CRITICAL}
    # Filed in December, fixed on 2 January: resolved in the quarter, nothing else.
    _file(contracted, local(12, 30, 9).replace(year=2025), status=Status.RESOLVED,
          resolved_at=local(1, 2, 10), responded_at=local(12, 30, 10).replace(year=2025), **a)
    # On time, rated 5; followed up by the desk.
    t1 = _file(contracted, local(1, 10, 10), status=Status.CLOSED, **a,
               responded_at=local(1, 10, 10, 30), response_due_at=local(1, 10, 11),
               resolved_at=local(1, 10, 13), resolution_due_at=local(1, 10, 14),
               closed_at=local(1, 11, 9), rating=5, response_working_minutes=30,
               response_wall_minutes=30, resolution_working_minutes=180,
               resolution_wall_minutes=180)
    # Both targets missed, rated 2; its follow-up never made.
    t2 = _file(contracted, local(2, 3, 9), status=Status.RESOLVED, **a,
               responded_at=local(2, 3, 10, 30), response_due_at=local(2, 3, 10),
               response_breached=True, resolved_at=local(2, 3, 15),
               resolution_due_at=local(2, 3, 13), resolution_breached=True, rating=2,
               response_working_minutes=90, response_wall_minutes=90,
               resolution_working_minutes=360, resolution_wall_minutes=360)
    # Warranty, major: answered in time, reopened after a fix, open past its fix time.
    _file(warranty, local(2, 10, 9), status=Status.IN_PROGRESS, plan_name="Warranty",
          severity=Severity.MAJOR, responded_at=local(2, 10, 9, 20),
          response_due_at=local(2, 10, 13), resolution_due_at=local(2, 12, 9),
          resolution_breached=True, reopen_count=1, response_working_minutes=20,
          response_wall_minutes=20)
    # Not covered: on time, unrated; chargeable visit, remote support and parts.
    t4 = _file(uncovered, local(3, 5, 10), status=Status.RESOLVED, plan_name="Per incident",
               severity=Severity.MINOR, responded_at=local(3, 5, 12),
               response_due_at=local(3, 6, 10), resolved_at=local(3, 6, 10),
               resolution_due_at=local(3, 9, 10), response_working_minutes=120,
               response_wall_minutes=120, resolution_working_minutes=1440,
               resolution_wall_minutes=1500)
    # Third failure of the contracted machine in 90 days: on time, rated 4.
    _file(contracted, local(3, 20, 9), status=Status.RESOLVED, **a,
          responded_at=local(3, 20, 9, 40), response_due_at=local(3, 20, 10),
          resolved_at=local(3, 20, 12), resolution_due_at=local(3, 20, 13), rating=4,
          response_working_minutes=40, response_wall_minutes=40,
          resolution_working_minutes=180, resolution_wall_minutes=180)
    # Lapsed: filed on the quarter's last evening, fixed on 1 April (on time), chargeable.
    t5 = _file(lapsed, local(3, 31, 22), status=Status.RESOLVED, plan_name="Per incident",
               severity=Severity.MINOR, responded_at=local(3, 31, 23),
               response_due_at=local(4, 1, 22), resolved_at=local(4, 1, 10),
               resolution_due_at=local(4, 3, 22), response_working_minutes=60,
               response_wall_minutes=60, resolution_working_minutes=720,
               resolution_wall_minutes=720)
    _file(warranty, local(4, 1, 0, 10))  # just after the quarter
    for ticket, kind, quantity, amount in ((t4, "visit", "1", "800.00"),
                                           (t4, "remote", "1", "300.00"),
                                           (t4, "part", "2", None),
                                           (t5, "remote", "1", "300.50")):
        _bill(ticket, kind, quantity, amount)
    _follow_up(ours.id, local(1, 14, 9), local(1, 13, 15), 5, ticket=t1)
    _follow_up(ours.id, local(2, 6, 9), ticket=t2)
    _follow_up(ours.id, local(3, 15, 9), local(3, 16, 9), 4, period="2026-03")
    _other_customer(theirs, plans)
    db.session.commit()
    return Quarter(ours, theirs.customer, warranty, contracted, lapsed, uncovered)


def test_the_period_is_the_last_full_quarter():
    assert customer.quarter_before(date(2026, 5, 10)) == Q1
    assert customer.quarter_before(date(2026, 4, 1)) == Q1
    assert customer.quarter_before(date(2026, 1, 1)) == (date(2025, 10, 1), date(2025, 12, 31))


def test_machines_and_their_coverage_on_the_last_day(quarter):
    """Four machines (the archived one aside), one in each state; contracts named by plan
    and tier; each listed with its last covered day."""
    report = customer.build(quarter.customer.id, *Q1)
    assert report.customer_name == NAME and report.machine_count == 4
    assert report.coverage == (
        customer.Covered(CoverageState.WARRANTY, "", None, 1),
        customer.Covered(CoverageState.CONTRACT, "Level A", ServiceLevel.A, 1),
        customer.Covered(CoverageState.LAPSED, "", None, 1),
        customer.Covered(CoverageState.NOT_COVERED, "", None, 1))
    assert [(m.tag, m.site, m.state, m.plan, m.until) for m in report.machines] == [
        ("HD-001", "1号厂房", CoverageState.WARRANTY, "", date(2026, 6, 1)),
        ("HD-002", "1号厂房", CoverageState.CONTRACT, "Level A", date(2026, 12, 31)),
        ("HD-003", "2号厂房", CoverageState.LAPSED, "", date(2025, 12, 31)),
        ("HD-004", "2号厂房", CoverageState.NOT_COVERED, "", None)]
    assert report.machines_unlisted == 0


def test_an_unpaid_pay_first_contract_covers_nothing_yet(quarter):
    """The never-covered machine gets a pay-first contract running on 31 March: unpaid, it
    is awaiting payment, as its scan page says; paid by then, it is under contract."""
    uncovered = db.session.scalars(sa.select(Asset).where(Asset.tag == "HD-004")).one()
    plan = f.plan(PlanKind.EXTENDED, ServiceLevel.H8, name="8h pay first",
                  is_pay_first=True)
    contract = f.contract(uncovered, plan, date(2026, 3, 1), date(2027, 2, 28))
    db.session.commit()
    report = customer.build(quarter.customer.id, *Q1)
    assert (CoverageState.PENDING_PAYMENT, "", None, 1) in [
        (c.state, c.plan, c.level, c.machines) for c in report.coverage]
    assert [m.state for m in report.machines if m.tag == "HD-004"] == [
        CoverageState.PENDING_PAYMENT]
    assert "待付款" in " ".join(" ".join(" ".join(row) for row in s.rows)
                              for s in _words_zh(report))

    contract.paid_on = date(2026, 3, 31)
    db.session.commit()
    report = customer.build(quarter.customer.id, *Q1)
    assert [(m.state, m.plan) for m in report.machines if m.tag == "HD-004"] == [
        (CoverageState.CONTRACT, "8h pay first")]


def _words_zh(report):
    from flask_babel import force_locale

    from repairapp.reports import customer_text
    with force_locale("zh"):
        return customer_text.sections(report)


def test_a_big_fleet_is_listed_up_to_the_limit(quarter, monkeypatch):
    monkeypatch.setattr(customer, "MACHINE_LIST", 3)
    report = customer.build(quarter.customer.id, *Q1)
    assert (len(report.machines), report.machines_unlisted, report.machine_count) == (3, 1, 4)


def test_tickets_against_the_promise(quarter):
    """Filed in Q1: six (December's and April's aside). Resolved in Q1: December's (2 Jan)
    and four of Q1's (the lapsed machine's was fixed on 1 April). Open at the end: the
    reopened one and the last evening's. Durations over the six filed; compliance per plan
    and severity with each plan's promise."""
    r = customer.build(quarter.customer.id, *Q1)
    assert (r.filed, r.resolved, r.open_at_end, r.reopened) == (6, 5, 2, 1)
    spreads = dict(r.durations)
    # Responses 20 30 40 60 90 120: mean 60, median (40 + 60) / 2, P90 90 + 0.5 x 30.
    assert spreads["response_working"] == customer.Spread(6, 60.0, 50.0, 105.0)
    # Fixes 180 180 360 720 1440 (wall clock: 1500): P90 720 + 0.6 x (1440 - 720).
    assert spreads["resolution_working"] == customer.Spread(5, 576.0, 360.0, 1152.0)
    assert spreads["resolution_wall"] == customer.Spread(5, 588.0, 360.0, 1188.0)
    assert r.compliance == (
        customer.Promise("Level A", Severity.CRITICAL, 60, 240, False, 3, 2, 3, 2),
        customer.Promise("Per incident", Severity.MINOR, 5760, 17280, False, 2, 2, 2, 2),
        customer.Promise("Warranty", Severity.MAJOR, 240, 960, True, 1, 1, 1, 0))
    assert (r.response_met, r.response_decided, r.resolution_met, r.resolution_decided) == (
        5, 6, 4, 6)


def test_satisfaction_repeats_charges_and_follow_ups(quarter):
    """Rated 5, 2 and 4 of five finished (the reopened one is not); the contracted machine
    failed three times in the 90 days; amounts are exact decimals, parts add none; three
    follow-ups due, two done, two late (one never made, one made a day late)."""
    r = customer.build(quarter.customer.id, *Q1)
    s = r.satisfaction
    assert (s.finished, s.rated, round(s.average, 4)) == (5, 3, round(11 / 3, 4))
    assert s.by_stars == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    assert r.repeated == ((quarter.contracted.tag, quarter.contracted.name, "VMC-850", 3),)
    assert r.chargeable == (("part", Decimal("2"), Decimal("0.00")),
                            ("remote", Decimal("2"), Decimal("600.50")),
                            ("visit", Decimal("1"), Decimal("800.00")))
    assert r.chargeable_total == Decimal("1400.50")
    fu = r.followups
    assert (fu.total, fu.done, fu.by_requester, fu.late, fu.average_satisfaction) == (
        3, 2, 0, 2, 4.5)


def test_another_customers_tickets_never_show(quarter, admin, client):
    """The other customer's breaches, rating, repeated machine, charge and follow-up are in
    their own report only, never in ours: values, page and PDF."""
    theirs = customer.build(quarter.other.id, *Q1)
    assert (theirs.filed, theirs.satisfaction.rated, theirs.chargeable_total) == (
        3, 3, Decimal("9999.99"))
    assert theirs.repeated[0][0] == "RV-900" and theirs.followups.total == 1
    ours = customer.build(quarter.customer.id, *Q1)
    assert ours.satisfaction.by_stars[1] == 0 and ours.filed == 6
    page = client.get("/reports/customer", query_string={
        **Q1_ARGS, "customer": quarter.customer.id}).get_data(as_text=True)
    text = pdf_text(render_pdf(ours, locale="en"))
    for shown in (page, text):
        assert "RV-900" not in shown and "9,999.99" not in shown and "RIVAL" not in shown
    assert "Rival plant" not in page


def test_the_number_of_queries_does_not_grow_with_machines_or_tickets(quarter):
    """Twice the machines and tickets (same plans): the same number of queries."""
    def count() -> int:
        db.session.expire_all()
        with counting_queries() as statements:
            customer.build(quarter.customer.id, *Q1)
        return len(statements)

    before = count()
    site = quarter.customer.sites[0]
    for n in range(4):
        machine = f.asset(site=site, accepted=date(2025, 10, 1))
        _file(machine, local(2, 20 + n, 9), plan_name="Level A", rating=3)
    assert count() == before


def pdf_text(data: bytes) -> str:
    """Every page's text, as a reader's copy and paste would give it."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("locale, words", [
    ("zh", [NAME + "服务报告", "响应达标率", "解决达标率", "83.3%（5/6）", "66.7%（4/6）",
            "1号厂房", "维保合同：LevelA（A级）", "已断保", "1小时内响应；4小时内修复",
            "4个工作小时内响应；16个工作小时内修复", "¥1,400.50", "¥600.50", "另行报价",
            "1小时45分钟", "9小时36分钟", "回访", "第1页，共"]),
    ("en", ["Service report for " + NAME, "Response compliance", "83.3% (5/6)", "66.7% (4/6)",
            "Service contract: Level A (Level A)", "Response within 1 hour; Fix within 4 hours",
            "Response within 4 working hours; Fix within 16 working hours", "¥1,400.50",
            "1 h 45 min", "9 h 36 min", "Page 1 of"]),
])
def test_the_pdf_says_the_figures_in_each_language(quarter, locale, words, output_dir):
    """Read back from the PDF: the customer's name in Chinese, the compliance percentages,
    the promise in the app's words, amounts, durations and page numbers (the file is left
    in test-output for a person to look at)."""
    data = render_pdf(customer.build(quarter.customer.id, *Q1), locale=locale)
    (output_dir / f"customer-report-{locale}.pdf").write_bytes(data)
    text = pdf_text(data)
    flat = _flat(text)
    missing = [w for w in words if _flat(w) not in flat]
    assert not missing, f"{missing} not in:\n{text}"
    assert ("Response compliance" in text) is (locale == "en")


def test_the_pdf_embeds_its_cjk_font_as_a_subset(quarter):
    """Every font is TrueType with the font program in the file (FontFile2), subset (its
    name has the six-letter tag)."""
    data = render_pdf(customer.build(quarter.customer.id, *Q1), locale="zh")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fonts = {str(font.BaseFont): font for page in pdf.pages
                 for font in page.Resources.Font.values()}
        assert fonts
        for name, font in fonts.items():
            assert font.Subtype == "/TrueType" and "/FontFile2" in font.FontDescriptor, name
            assert name[7] == "+", name
        assert len(pdf.pages) >= 2 and pdf.docinfo["/Author"] == quarter_vendor()


def quarter_vendor() -> str:
    from flask import current_app

    return current_app.config["VENDOR_NAME"]


@pytest.fixture
def logo(app, tmp_path):
    path = tmp_path / "logo.png"
    Image.new("RGB", (400, 100), "navy").save(path)
    app.config["VENDOR_LOGO"] = str(path)
    yield path
    app.config["VENDOR_LOGO"] = ""


def test_the_vendors_logo_heads_page_and_pdf(quarter, logo, admin, client):
    """A configured PNG: in the PDF as an image, on the page as a data: image (the CSP
    allows those) scaled to 48 px high; a file that is not an image is left out."""
    report = customer.build(quarter.customer.id, *Q1)
    assert report.vendor_logo == logo.read_bytes()
    with pikepdf.open(io.BytesIO(render_pdf(report, locale="en"))) as pdf:
        images = [x for x in pdf.pages[0].Resources.XObject.values() if x.Subtype == "/Image"]
        assert [(int(i.Width), int(i.Height)) for i in images] == [(400, 100)]
    page = client.get("/reports/customer", query_string={
        **Q1_ARGS, "customer": quarter.customer.id}).get_data(as_text=True)
    assert '<img src="data:image/png;base64,' in page and 'width="192" height="48"' in page
    logo.write_text("not a picture")
    assert customer.build(quarter.customer.id, *Q1).vendor_logo == b""


def test_the_staff_page_shows_the_same_figures(quarter, admin, client):
    """The preview: picker, period, key figures and sections, and PDF links in both
    languages with the same customer and period."""
    response = client.get("/reports/customer", query_string={
        **Q1_ARGS, "customer": quarter.customer.id})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert NAME in page and "2026-01-01 to 2026-03-31" in page
    for key in ("coverage", "machines", "tickets", "durations", "compliance",
                "satisfaction", "repeated", "chargeable", "followups", "inspections",
                "inspection_models"):
        assert f'id="{key}"' in page, key
    assert "83.3% (5/6)" in page and "¥1,400.50" in page and "1 h 45 min" in page
    assert "Response within 4 working hours; Fix within 16 working hours" in page
    links = re.findall(r'href="(/reports/customer\.pdf\?[^"]*)"', page)
    assert len(links) == 2 and all(f"customer={quarter.customer.id}" in u and
                                   "start=2026-01-01" in u for u in links)
    assert {re.search(r"lang=(\w+)", u).group(1) for u in links} == {"zh", "en"}


def test_the_pdf_download(quarter, admin, client):
    response = client.get("/reports/customer.pdf", query_string={
        **Q1_ARGS, "customer": quarter.customer.id, "lang": "zh"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "响应达标率" in pdf_text(response.data)


def test_without_a_customer_the_page_asks_for_one(admin, client):
    """The picker, last quarter chosen; the PDF without a customer is refused with why."""
    page = client.get("/reports/customer").get_data(as_text=True)
    assert '<option selected value="last_quarter">' in page and "Choose a customer" in page
    response = client.get("/reports/customer.pdf", query_string={"period": "last_quarter"})
    assert response.status_code == 422 and "Choose a customer." in response.get_data(True)


def test_bad_dates_are_answered_with_a_message(admin, client, quarter):
    response = client.get("/reports/customer", query_string={
        "period": "", "start": "2026-03-31", "end": "2026-01-01",
        "customer": quarter.customer.id})
    assert response.status_code == 422
    assert "The end is before the start." in response.get_data(as_text=True)


def test_the_public_view_has_no_staff_links(app, quarter):
    """public=True (the customer's own link): no menu, no staff address, no picker."""
    from flask import render_template

    report = customer.build(quarter.customer.id, *Q1)
    with app.test_request_context("/service-report/x"):
        page = render_template("reports/customer.html", report=report, pdf_url="/x.pdf",
                               public=True)
    assert NAME in page and 'href="/x.pdf"' in page and 'id="compliance"' in page
    for staff in ("/reports", "/accounts", "/dispatch", "/jobs", "/manager", 'name="customer"'):
        assert staff not in page, staff

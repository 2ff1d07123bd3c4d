"""Preventive maintenance in the reports, on a hand-built first quarter of 2026 whose answers
are worked out by hand: visits due on the quarter's first and last days and just outside
it, done on time (in the last minutes of the due day), done late (ten minutes after
midnight), overdue, in progress, cancelled; failed checks on two models with their tickets;
another customer's visit that never shows in our customer's report."""

import io
from dataclasses import dataclass
from datetime import date

import pytest
from maintenance.data import CHECKS, plan
from openpyxl import load_workbook
from reports.conftest import local
from reports.test_customer_report import pdf_text

import factories as f
from conftest import counting_queries
from repairapp.contracts.models import PlanKind
from repairapp.customers.models import Customer
from repairapp.extensions import db
from repairapp.maintenance.models import MaintenanceVisit, VisitResult, VisitStatus
from repairapp.reports import customer, figures, inspections
from repairapp.reports.customer_pdf import render_pdf
from repairapp.reports.services import Filters
from repairapp.servicereports import services as sending
from repairapp.tickets.models import Category, Status

Q1 = Filters(date(2026, 1, 1), date(2026, 3, 31))
Q1_ARGS = {"period": "", "start": "2026-01-01", "end": "2026-03-31"}
TODAY = date(2026, 3, 20)
DONE, PLANNED = VisitStatus.DONE, VisitStatus.PLANNED


@dataclass
class Fleet:
    customer: Customer
    other: Customer
    vmc: object
    cnc: object
    wang: object
    li: object
    silver: object


def _visit(plan_, machine, due, status=PLANNED, done=None, tech=None, results=()):
    """A visit; results are (check index, passed, ticket status or None)."""
    visit = MaintenanceVisit(plan_id=plan_.id, asset_id=machine.id, period_key=due.isoformat(),
                             due_date=due, status=status, done_at=done,
                             assignee_id=tech.id if tech else None)
    db.session.add(visit)
    db.session.flush()
    for index, passed, ticket_status in results:
        ticket = None
        if ticket_status is not None:
            ticket = f.ticket(machine, category=Category.OTHER, status=ticket_status, now=done)
            if ticket_status is Status.RESOLVED:
                ticket.resolved_at = done
            elif ticket_status is Status.CLOSED:
                ticket.closed_at = done
        db.session.add(VisitResult(visit_id=visit.id, item_id=plan_.checks[index].id,
                                   value="", passed=passed, note="",
                                   ticket_id=ticket.id if ticket else None))
    db.session.commit()
    return visit


FAN, VOLTS, REMARKS = 0, 1, 2


def _build_fleet() -> tuple[Fleet, object]:
    wang, li = f.user(name="Wang"), f.user(name="Li")
    ours = Customer(name="华东精密")
    one, two = f.site(customer=ours, name="1号厂房"), f.site(customer=ours, name="2号厂房")
    vmc = f.asset(tag="HD-101", model="VMC-850", site=one)
    cnc = f.asset(tag="HD-102", model="CNC-5", site=two)
    silver = f.plan(PlanKind.EXTENDED, name="Silver")
    f.contract(cnc, silver, date(2026, 3, 1), date(2026, 12, 31))
    theirs = f.site(customer=Customer(name="Rival Works"), name="Rival plant")
    rival = f.asset(tag="RV-900", model="RIVAL-7", site=theirs)
    return Fleet(ours, theirs.customer, vmc, cnc, wang, li, silver), rival


@pytest.fixture
def fleet() -> Fleet:
    fl, rival = _build_fleet()
    pv = plan(fl.vmc, start=date(2025, 12, 31), name="VMC monthly", items=CHECKS)
    pc = plan(fl.cnc, start=date(2026, 2, 15), name="CNC monthly", items=CHECKS)
    pr = plan(rival, start=date(2026, 2, 10), name="Rival check", items=CHECKS[:1])
    w = fl.wang
    # Outside the quarter, either side.
    _visit(pv, fl.vmc, date(2025, 12, 31), DONE, local(12, 31, 10).replace(year=2025), w,
           [(FAN, False, Status.NEW)])
    _visit(pv, fl.vmc, date(2026, 4, 1), tech=w)
    # The first day, done in its last minutes: on time; everything passes.
    _visit(pv, fl.vmc, date(2026, 1, 1), DONE, local(1, 1, 23, 59), w,
           [(FAN, True, None), (VOLTS, True, None), (REMARKS, None, None)])
    # Done ten minutes after midnight: late; two checks failed, one ticket still open.
    _visit(pv, fl.vmc, date(2026, 2, 1), DONE, local(2, 2, 0, 10), fl.li,
           [(FAN, False, Status.NEW), (VOLTS, False, Status.RESOLVED), (REMARKS, None, None)])
    # Done the day before: on time; the fan failed, its ticket closed.
    _visit(pc, fl.cnc, date(2026, 2, 15), DONE, local(2, 14, 10), w,
           [(FAN, False, Status.CLOSED), (VOLTS, True, None), (REMARKS, None, None)])
    _visit(pc, fl.cnc, date(2026, 3, 10), tech=w)                       # overdue on 20 March
    _visit(pc, fl.cnc, date(2026, 3, 5), VisitStatus.CANCELLED, tech=w)
    _visit(pv, fl.vmc, date(2026, 3, 20), VisitStatus.IN_PROGRESS, tech=w)  # due "today"
    _visit(pv, fl.vmc, date(2026, 3, 31), tech=w)                       # the last day
    # The other customer's: late, its check failed, the ticket open.
    _visit(pr, rival, date(2026, 2, 10), DONE, local(2, 12, 9), w, [(FAN, False, Status.NEW)])
    return fl


def _visits(flt):
    v = inspections.visits(flt, today=TODAY)
    return (v.due, v.on_time, v.late, v.overdue, v.upcoming, v.cancelled)


def test_visits_due_in_the_quarter_by_how_they_went(fleet):
    """Seven of ours and the rival's are due in Q1 (not 31 Dec, not 1 April): on time 2 (23:59
    on the due day, and a day early), late 2 (00:10 the day after; the rival's), overdue 1,
    not due yet 2 (in progress due today, the last day), cancelled 1; 2 of 5 on time."""
    assert _visits(Q1) == (8, 2, 2, 1, 2, 1)
    v = inspections.visits(Q1, today=TODAY)
    assert (v.decided, v.on_time_rate) == (5, 0.4)
    # After the quarter, every open visit of it is overdue.
    assert inspections.visits(Q1, today=date(2026, 4, 1)).overdue == 3


@pytest.mark.parametrize("narrow, expected", [
    ("customer", (7, 2, 1, 1, 2, 1)),
    ("other", (1, 0, 1, 0, 0, 0)),
    ("site", (3, 1, 0, 1, 0, 1)),             # 2号厂房: the CNC's
    ("model", (4, 1, 1, 0, 2, 0)),            # VMC-850
    ("technician", (1, 0, 1, 0, 0, 0)),       # Li's one visit
    ("plan", (2, 0, 0, 1, 0, 1)),             # Silver covers the CNC from 1 March
    ("category", (8, 2, 2, 1, 2, 1)),         # does not apply to visits
])
def test_each_filter_narrows_the_visits(fleet, narrow, expected):
    flt = {"customer": Filters(Q1.start, Q1.end, customer_id=fleet.customer.id),
           "other": Filters(Q1.start, Q1.end, customer_id=fleet.other.id),
           "site": Filters(Q1.start, Q1.end, site_id=fleet.cnc.site_id),
           "model": Filters(Q1.start, Q1.end, model="VMC-850"),
           "technician": Filters(Q1.start, Q1.end, technician_id=fleet.li.id),
           "plan": Filters(Q1.start, Q1.end, plan_id=fleet.silver.id),
           "category": Filters(Q1.start, Q1.end, category=Category.ERROR)}[narrow]
    assert _visits(flt) == expected


def _rows(rows):
    return [(r.plan, r.name, r.visits, r.judged, r.failed, r.tickets, r.tickets_open)
            for r in rows]


def test_failed_checks_by_model_and_by_check(fleet):
    """Judged: pass or fail (remarks never). VMC-850: 2 visits, 4 judged, 2 failed, 2
    tickets, 1 open; CNC-5: 1 visit, 2 judged, 1 failed, its ticket closed; the rival's
    one check failed, its ticket open. December's failure is outside the quarter."""
    assert _rows(inspections.by_model(Q1)) == [("", "VMC-850", 2, 4, 2, 2, 1),
                                               ("", "CNC-5", 1, 2, 1, 1, 0),
                                               ("", "RIVAL-7", 1, 1, 1, 1, 1)]
    assert _rows([inspections.totals(inspections.by_model(Q1))]) == [("", "", 4, 7, 4, 4, 2)]
    ours = Filters(Q1.start, Q1.end, customer_id=fleet.customer.id)
    assert _rows(inspections.by_item(ours)) == [
        ("CNC monthly", "Fan runs quietly", 1, 1, 1, 1, 0),
        ("VMC monthly", "Fan runs quietly", 2, 2, 1, 1, 1),
        ("VMC monthly", "Supply voltage (V)", 2, 2, 1, 1, 0)]
    assert inspections.by_item(ours, limit=1)[0].plan == "CNC monthly"


def test_the_page_shows_the_inspection_tables(app, fleet, admin, client):
    """The three tables with a chart; seen after the quarter, every open visit of it is
    overdue: 2 of the 7 decided were on time."""
    page = client.get("/reports/", query_string=Q1_ARGS).get_data(as_text=True)
    for key in ("inspections", "inspection_models", "inspection_items"):
        assert f'id="{key}"' in page, key
    section = page[page.index('id="inspections"'):page.index('id="inspection_models"')]
    assert "<svg" in section
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        table = figures.TABLES["inspections"](Q1)
        models = figures.TABLES["inspection_models"](Q1)
    assert [r[:3] for r in table.rows] == [["Due in the period", 8, None],
                                           ["Done on time", 2, 7], ["Done late", 2, 7],
                                           ["Overdue now", 3, 7], ["Not due yet", 0, 8],
                                           ["Cancelled", 1, 8]]
    assert table.rows[1][3] == 28.6
    assert models.rows[0] == ["VMC-850", 2, 4, 2, 50.0, 2, 1]
    assert models.rows[-1] == ["Total", 4, 7, 4, 57.1, 4, 2]


def test_the_tables_download_as_csv_and_xlsx(fleet, admin, client):
    """The same rows as the page, by model with the total."""
    body = client.get("/reports/inspection_models.xlsx", query_string=Q1_ARGS).data
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ["Model", "Visits done", "Checks judged", "Checks failed"]
    assert rows[1:] == [["VMC-850", 2, 4, 2, 50, 2, 1], ["CNC-5", 1, 2, 1, 50, 1, 0],
                        ["RIVAL-7", 1, 1, 1, 100, 1, 1], ["Total", 4, 7, 4, 57.1, 4, 2]]
    text = client.get("/reports/inspection_items.csv", query_string={
        **Q1_ARGS, "customer": fleet.customer.id}).data.decode("utf-8-sig")
    assert text.splitlines()[1:] == ["CNC monthly,Fan runs quietly,1,1,1,100.0,1,0",
                                     "VMC monthly,Fan runs quietly,2,2,1,50.0,1,1",
                                     "VMC monthly,Supply voltage (V),2,2,1,50.0,1,0"]


def test_in_chinese(fleet, admin, client):
    client.set_cookie("lang", "zh")
    page = client.get("/reports/", query_string=Q1_ARGS).get_data(as_text=True)
    for words in ("按期完成", "逾期未做", "巡检不合格项（按型号）", "不合格率 %"):
        assert words in page, words


def test_the_customers_report_has_their_inspections_only(fleet, admin, client):
    """Ours: 7 due, 2 on time of 6 decided after the quarter, failures on two models; the
    rival's late visit, its model and its ticket never show (values, page, PDF)."""
    r = customer.build(fleet.customer.id, *Q1_ARGS_DATES)
    v = r.inspection_visits
    assert (v.due, v.on_time, v.late, v.overdue, v.upcoming, v.cancelled) == (7, 2, 1, 3, 0, 1)
    assert _rows(r.inspection_failures) == [("", "VMC-850", 2, 4, 2, 2, 1),
                                            ("", "CNC-5", 1, 2, 1, 1, 0)]
    page = client.get("/reports/customer", query_string={
        **Q1_ARGS, "customer": fleet.customer.id}).get_data(as_text=True)
    assert 'id="inspections"' in page and 'id="inspection_models"' in page
    assert "33.3% (2/6)" in page and "50.0% (2/4)" in page
    for locale, words in (("en", ["Preventive inspections", "Inspections on time",
                                  "33.3% (2/6)", "Failed inspection checks by model",
                                  "50.0% (2/4)", "CNC-5"]),
                          ("zh", ["预防性巡检", "巡检按期率", "33.3%（2/6）", "50.0%（2/4）"])):
        text = "".join(pdf_text(render_pdf(r, locale=locale)).split())
        missing = [w for w in words if "".join(w.split()) not in text]
        assert not missing, (locale, missing, text)
        assert "RIVAL" not in text
    assert "RIVAL" not in page
    theirs = customer.build(fleet.other.id, *Q1_ARGS_DATES)
    assert (theirs.inspection_visits.due, theirs.inspection_visits.late) == (1, 1)


Q1_ARGS_DATES = (Q1.start, Q1.end)


def test_the_number_of_queries_does_not_grow_with_the_visits(fleet, admin, client):
    """Twice the visits and failures (new machines, models, plans): the same number of
    queries on the page and in the customer's report."""
    def count() -> tuple[int, int]:
        db.session.expire_all()
        with counting_queries() as page:
            assert client.get("/reports/", query_string=Q1_ARGS).status_code == 200
        with counting_queries() as report:
            customer.build(fleet.customer.id, *Q1_ARGS_DATES)
        return len(page), len(report)

    before = count()
    site = fleet.customer.sites[0]
    for n in range(4):
        machine = f.asset(site=site, model=f"Z-{n}")
        p = plan(machine, start=date(2026, 1, 5), name=f"Z plan {n}", items=CHECKS)
        _visit(p, machine, date(2026, 1, 5 + n), DONE, local(1, 5 + n, 9), fleet.wang,
               [(FAN, False, Status.NEW), (VOLTS, True, None)])
        _visit(p, machine, date(2026, 2, 5 + n), tech=fleet.wang)
    assert count() == before


def test_without_inspections_the_tables_say_so(admin, client):
    """No visits: zeros, and the failure tables say there were none (not "no tickets")."""
    page = client.get("/reports/", query_string=Q1_ARGS).get_data(as_text=True)
    models = page[page.index('id="inspection_models"'):page.index('id="inspection_items"')]
    assert "No inspections done." in models and "No tickets match." not in models
    assert "No inspection check failed." in page[page.index('id="inspection_items"'):]


@pytest.mark.parametrize("locale, words", [("en", "follow-ups and preventive inspections"),
                                           ("zh", "回访和预防性巡检情况")])
def test_the_report_email_names_inspections(app, fleet, locale, words):
    """The email that carries the quarterly report lists inspections among its contents."""
    report = sending.issue(fleet.customer.id, *Q1_ARGS_DATES)
    with app.test_request_context():
        subject, body = sending.message(report, locale)
    assert words in body and "华东精密" in subject

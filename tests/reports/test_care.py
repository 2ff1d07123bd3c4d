"""Follow-ups (回访), complaints and MTBF/MTTR per machine on the hand-built month, against
the answers worked out by hand. "Now" is the month's last evening (31 March 20:00 in
Shanghai) unless a test says otherwise."""

from dataclasses import replace

import pytest
from reports.conftest import MARCH, _file, local

import factories as f
from repairapp.extensions import db
from repairapp.followups.models import ComplaintSource, ComplaintStatus, FollowUp, FollowUpKind
from repairapp.followups.services import complain, settle
from repairapp.reports import care
from repairapp.tickets.models import Status

NOW = local(3, 31, 20)


def _follow_up(ticket, due, *, customer=None, done=None, **kw) -> FollowUp:
    task = FollowUp(kind=FollowUpKind.TICKET if ticket else FollowUpKind.KEY_CUSTOMER,
                    ticket_id=ticket.id if ticket else None,
                    customer_id=customer.id if customer else ticket.customer_id,
                    period=None if ticket else "2026-03", created_at=due, due_at=due,
                    done_at=done, **kw)
    db.session.add(task)
    db.session.commit()
    return task


@pytest.fixture
def followups(month):
    """Due in March: F1 rated by the requester on time (5, fixed); F2 called by the desk a
    day late (2, not fixed); F3 a key customer's call on time (4, not asked); F4 due on the
    last evening, not done (not late at NOW); F5 on the second machine, due 15 March, not
    done (late). Outside: due on 28 February, and on 1 April 00:30 (16:30 UTC on 31 March)."""
    desk = f.user(name="Desk")
    x1_customer = month.x1.site.customer
    _follow_up(month.t1, local(3, 5, 12), done=local(3, 4, 10), by_requester=True,
               satisfaction=5, stays_fixed=True)
    _follow_up(month.t2, local(3, 9, 9), done=local(3, 10, 9), done_by_id=desk.id,
               method="call", satisfaction=2, stays_fixed=False)
    _follow_up(None, local(3, 20, 9), customer=x1_customer, done=local(3, 19, 9),
               done_by_id=desk.id, method="call", satisfaction=4)
    _follow_up(month.t0, local(3, 31, 23))
    _follow_up(month.t3, local(3, 15, 9))
    _follow_up(month.t4, local(2, 28, 12))
    _follow_up(month.dup, local(4, 1, 0, 30))
    return month


def test_followups_due_in_the_period(followups):
    """Five due in March: three done (one by the requester, two by the desk), F2 done late
    and F5 open past due; two not done; satisfaction (5 + 2 + 4) / 3; one of the two asked
    said the repair held."""
    c = care.followups(MARCH, now=NOW)
    assert (c.total, c.done, c.by_requester, c.by_desk) == (5, 3, 1, 2)
    assert (c.late, c.open, c.overdue) == (2, 2, 1)
    assert c.average_satisfaction == pytest.approx(3.67)
    assert (c.stays_fixed, c.asked_fixed) == (1, 2)


def test_an_open_followup_turns_late_when_its_due_time_passes(followups):
    """After the last evening F4 is past due too."""
    c = care.followups(MARCH, now=local(4, 1, 9))
    assert (c.late, c.overdue) == (3, 2)


def test_followup_filters(followups):
    """Customer: its own (the second machine's customer has F5 only; the first's has F1-F4,
    the key customer's call included). A filter on the ticket leaves out the key customer's
    call: the first model has F1, F2, F4; the technician (t1, t2) F1 and F2."""
    month = followups
    y2 = care.followups(replace(MARCH, customer_id=month.y2.site.customer_id), now=NOW)
    assert (y2.total, y2.overdue) == (1, 1)
    assert care.followups(replace(MARCH, customer_id=month.x1.site.customer_id),
                          now=NOW).total == 4
    x1 = care.followups(replace(MARCH, model="X-1"), now=NOW)
    assert (x1.total, x1.done, x1.open) == (3, 2, 1)
    tech = care.followups(replace(MARCH, technician_id=month.tech.id), now=NOW)
    assert (tech.total, tech.by_requester, tech.late) == (2, 1, 1)


@pytest.fixture
def complaints(month):
    """Filed in March: K1 from the tracking page on 1 March 00:30 (16:30 UTC on 28
    February), closed in 24 h; K2 by staff, closed after 144 h (due after 72: late); K3 by
    staff for a caller of the second customer, no ticket, open past due; K4 from the
    tracking page on the last evening (15:30 UTC), open; K5 by staff, no ticket or customer,
    closed in 12 h. Outside: filed 28 February 23:50 (open), and 1 April 00:10 (16:10 UTC
    on 31 March)."""
    def filed(source, when, ticket=None, closed=None, **kw):
        complaint = complain(source=source, description="Slow", ticket=ticket, now=when, **kw)
        if closed:
            complaint.outcome = "Apologised"
            settle(complaint, status=ComplaintStatus.CLOSED, now=closed)
        db.session.commit()

    tracking, staff = ComplaintSource.TRACKING, ComplaintSource.STAFF
    filed(tracking, local(3, 1, 0, 30), month.t1, closed=local(3, 2, 0, 30))
    filed(staff, local(3, 10, 9), month.t2, closed=local(3, 16, 9))
    filed(staff, local(3, 20, 9), customer_id=month.y2.site.customer_id, caller_name="Li")
    filed(tracking, local(3, 31, 23, 30), month.t3)
    filed(staff, local(3, 5, 9), caller_name="Anon", closed=local(3, 5, 21))
    filed(tracking, local(2, 28, 23, 50), month.t1)
    filed(staff, local(4, 1, 0, 10), month.t4)
    return month


def test_complaints_filed_in_the_period(complaints):
    """Five in March, two from the tracking page; three closed (K2 late), two open (K3 past
    due); mean time to close (24 + 144 + 12) / 3 = 60 hours."""
    c = care.complaints(MARCH, now=NOW)
    assert (c.total, c.from_tracking, c.from_staff) == (5, 2, 3)
    assert (c.closed, c.closed_late, c.open, c.overdue, c.late) == (3, 1, 2, 1, 2)
    assert c.average_hours_to_close == 60


def test_a_reopened_complaint_is_open_again(complaints):
    """K1 reopened: open, no longer in the time to close ((144 + 12) / 2 = 78)."""
    from repairapp.followups.models import Complaint

    first = db.session.query(Complaint).filter_by(ticket_id=complaints.t1.id).order_by(
        Complaint.created_at.desc()).first()
    settle(first, status=ComplaintStatus.OPEN)
    db.session.commit()
    c = care.complaints(MARCH, now=NOW)
    assert (c.closed, c.open, c.average_hours_to_close) == (2, 3, 78)


def test_complaint_filters(complaints):
    """The second customer: K3 and K4; the first model: K1 and K2 (complaints without a
    ticket left out); the technician's tickets t1, t2 likewise."""
    month = complaints
    y2 = care.complaints(replace(MARCH, customer_id=month.y2.site.customer_id), now=NOW)
    assert (y2.total, y2.from_staff, y2.overdue) == (2, 1, 1)
    x1 = care.complaints(replace(MARCH, model="X-1"), now=NOW)
    assert (x1.total, x1.closed_late, x1.average_hours_to_close) == (2, 1, 84)
    assert care.complaints(replace(MARCH, technician_id=month.tech.id), now=NOW).total == 2


@pytest.fixture
def third(month):
    """A third machine: a ticket resolved in 50 working / 100 wall-clock minutes, a ticket
    resolved then reopened (open again, so no resolution time), and a duplicate."""
    z3 = f.asset(model="Z-3", tag="EQ-Z3")
    fixed = _file(z3, local(3, 12, 9), status=Status.RESOLVED, resolved_at=local(3, 12, 11),
                  resolution_working_minutes=50, resolution_wall_minutes=100)
    _file(z3, local(3, 20, 9), status=Status.IN_PROGRESS, reopen_count=1)
    _file(z3, local(3, 12, 10), status=Status.CLOSED, merged_into_id=fixed.id)
    return z3


def test_mtbf_and_mttr_per_machine(month, third):
    """744 hours in March. The first machine: t1, t2 (t2 reopened once and resolved again;
    the duplicate and February's t0 aside), MTTR (100 + 300) / 2, (200 + 720) / 2. The
    third: two failures (its duplicate aside), one resolved. The second: t3, t4, neither
    resolved. Same failures: the longest wall-clock MTTR first, none last."""
    rows = care.machines(MARCH)
    assert [(m.tag, m.failures, m.resolved, m.mtbf_hours, m.mttr_working, m.mttr_wall)
            for m in rows] == [(month.x1.tag, 2, 2, 372, 200, 460), ("EQ-Z3", 2, 1, 372, 50, 100),
                               (month.y2.tag, 2, 0, 372, None, None)]
    assert rows[0].model == "X-1" and rows[0].site.endswith(" · Plant 1")


def test_machines_are_limited_and_filtered(month, third):
    """The top one only; the model and technician filters narrow the machines."""
    assert [m.tag for m in care.machines(MARCH, limit=1)] == [month.x1.tag]
    assert [m.tag for m in care.machines(replace(MARCH, model="Z-3"))] == ["EQ-Z3"]
    assert [(m.tag, m.failures) for m in care.machines(
        replace(MARCH, technician_id=month.tech.id))] == [(month.x1.tag, 2)]
    assert care.machines(replace(MARCH, plan_id=-1)) == []


def test_the_page_shows_the_new_figures_in_chinese(admin, client, followups, third):
    """Each section is on the page with its Chinese title and rows."""
    client.set_cookie("lang", "zh")
    page = client.get("/reports/", query_string={"period": "", "start": "2026-03-01",
                                                  "end": "2026-03-31"}).get_data(as_text=True)
    for key in ("followups", "complaints", "machine_reliability"):
        assert f'id="{key}"' in page, key
    machines = page[page.index('id="machine_reliability"'):]
    assert "各设备 MTBF 与 MTTR" in machines and "EQ-Z3" in machines
    assert "报修人自行评价" in page[page.index('id="followups"'):page.index('id="complaints"')]


def test_the_complaints_table_after_the_month(app, complaints):
    """Shown later (the server's clock is past March): K4 is past due too."""
    from repairapp.reports.figures import TABLES

    with app.test_request_context(headers={"Cookie": "lang=en"}):
        rows = TABLES["complaints"](MARCH).rows
    assert rows == [["Total", 5, None, None], ["From the tracking page", 2, 5, 40.0],
                    ["Logged by staff", 3, 5, 60.0], ["Closed", 3, 5, 60.0],
                    ["Closed after the due time", 1, 3, 33.3], ["Still open", 2, 5, 40.0],
                    ["Open past due", 2, 2, 100.0], ["Mean time to close (hours)", 60.0, None,
                                                     None]]

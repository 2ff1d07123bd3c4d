"""The manager's home page: each figure on a small hand-built set of tickets.

Plans here are 24x7 (no calendar): critical faults promise a response in 120 minutes and a
fix in 240, so the arithmetic is on the wall clock. "Now" is Tuesday 15 December 2026,
12:00 in Shanghai.
"""

import itertools
from datetime import date, datetime, timedelta

import pytest
from sla.test_calendar import at

import factories as f
from repairapp.accounts.models import Role
from repairapp.contracts.models import Severity
from repairapp.extensions import db
from repairapp.manager import services
from repairapp.tickets.models import Status

SH = "Asia/Shanghai"
NOW = at(SH, 2026, 12, 15, 12, 0)
MIN = timedelta(minutes=1)
_machines = itertools.count()


@pytest.fixture
def machine():
    """A new machine under a 24x7 plan: 120 min response, 240 min fix for critical."""
    def make():
        plan = f.plan(response=120, resolution=240)
        asset = f.asset(accepted=date(2020, 1, 1))
        f.contract(asset, plan, date(2020, 1, 1), date(2099, 1, 1))
        return asset
    return make


def ticket(asset, filed: datetime, *, severity=Severity.CRITICAL, **fields):
    """A ticket filed at `filed`, then set as given (status, times, flags)."""
    new = f.ticket(asset, severity=severity, now=filed)
    for name, value in fields.items():
        setattr(new, name, value)
    db.session.commit()
    return new


def test_backlog_counts_open_tickets_per_severity(machine):
    m = machine()
    ticket(m, NOW - 10 * MIN)
    ticket(m, NOW - 10 * MIN, status=Status.IN_PROGRESS)
    ticket(m, NOW - 10 * MIN, severity=Severity.MAJOR, status=Status.WAITING_CUSTOMER,
           paused_at=NOW - 5 * MIN)
    ticket(m, NOW - 10 * MIN, status=Status.RESOLVED)
    ticket(m, NOW - 10 * MIN, status=Status.CLOSED)
    assert services.backlog() == {Severity.CRITICAL: 2, Severity.MAJOR: 1, Severity.MINOR: 0}


def test_breached_now_and_at_risk(machine):
    """Of six open tickets: two are late (a flag recorded; a fix deadline passed that the
    sweep has not recorded yet), one past due but paused is not, and of the three running
    on time only the one that has used 79% of its 240 minutes is at risk (75% is the
    warning line); a resolved late ticket is not counted."""
    m, responded = machine(), {"status": Status.IN_PROGRESS, "responded_at": NOW - 300 * MIN}
    flagged = ticket(m, NOW - 20 * MIN, response_breached=True, **responded)
    unrecorded = ticket(m, NOW - 250 * MIN, **responded)  # fix due 10 minutes ago
    ticket(m, NOW - 250 * MIN, status=Status.WAITING_CUSTOMER, paused_at=NOW - 200 * MIN,
           responded_at=NOW - 240 * MIN)
    risky = ticket(m, NOW - 190 * MIN, **responded)
    ticket(m, NOW - 170 * MIN, **responded)  # 71%
    ticket(m, NOW - 10 * MIN)  # not yet responded, 10 of 120 minutes used
    ticket(m, NOW - 600 * MIN, status=Status.RESOLVED, resolved_at=NOW - MIN,
           resolution_breached=True, responded_at=NOW - 590 * MIN)

    total, late = services.breached_now(NOW)
    assert total == 2 and [t.id for t in late] == [unrecorded.id, flagged.id]  # due first
    assert [t.id for t in services.at_risk(NOW, 75)] == [risky.id]
    assert [t.id for t in services.at_risk(NOW, 80)] == []


def test_compliance_this_month_against_last_month(machine):
    """December (site time): 3 responses, one late (2 of 3, 67%); 2 resolutions on time,
    one of them at 00:30 on 1 December in Shanghai, still 30 November in UTC (100%).
    November: 1 late response (0%), 1 resolution on time (100%). A ticket without a
    promise and one from October count nowhere."""
    m = machine()
    dec = at(SH, 2026, 12, 2, 9, 0)
    ticket(m, dec, responded_at=dec + MIN)
    ticket(m, dec, responded_at=dec + MIN)
    ticket(m, dec, responded_at=dec + 200 * MIN, response_breached=True)
    ticket(m, at(SH, 2026, 11, 30, 20, 0), resolved_at=at(SH, 2026, 12, 1, 0, 30))
    ticket(m, dec, resolved_at=dec + 100 * MIN)
    ticket(m, at(SH, 2026, 11, 3, 9, 0), responded_at=at(SH, 2026, 11, 3, 13, 0),
           response_breached=True, resolved_at=at(SH, 2026, 11, 3, 12, 0))
    ticket(m, dec, responded_at=dec + MIN, response_due_at=None)  # nothing promised
    ticket(m, at(SH, 2026, 10, 30, 9, 0), responded_at=at(SH, 2026, 10, 30, 9, 5))

    last, this, after = services.month_bounds(NOW, SH)
    assert (last, this, after) == (at(SH, 2026, 11, 1, 0, 0), at(SH, 2026, 12, 1, 0, 0),
                                   at(SH, 2027, 1, 1, 0, 0))
    december, november = services.compliance(this, after), services.compliance(last, this)
    assert december == services.Compliance(2, 3, 2, 2)
    assert (december.response, december.resolution) == (67, 100)
    assert november == services.Compliance(0, 1, 1, 1)
    assert (november.response, november.resolution) == (0, 100)
    assert services.compliance(after, after + timedelta(days=31)).response is None


def test_worst_machines_have_three_tickets_in_90_days(machine):
    """A: 4 tickets; B: 3 in 90 days and one from 100 days ago; C: 3, one merged into
    another as a duplicate (2); D: 2. Only A and B, most first."""
    a, b, c, d = (machine() for _ in range(4))
    for _ in range(4):
        ticket(a, NOW - timedelta(days=5))
    for days in (1, 30, 89, 100):
        ticket(b, NOW - timedelta(days=days))
    first = ticket(c, NOW - timedelta(days=3))
    ticket(c, NOW - timedelta(days=2))
    ticket(c, NOW - timedelta(days=2), merged_into_id=first.id, status=Status.CLOSED)
    ticket(d, NOW - timedelta(days=1))
    ticket(d, NOW - timedelta(days=1))
    assert [(asset.id, n) for asset, n in services.worst_machines(NOW)] == [(a.id, 4), (b.id, 3)]


def test_the_page_for_a_manager(client, auth, machine):
    """A manager lands here after logging in; the page shows the backlog and the lists."""
    manager = f.user(Role.MANAGER)
    m = machine()
    now = datetime.now(NOW.tzinfo)
    late = ticket(m, now - 300 * MIN, status=Status.IN_PROGRESS, responded_at=now - 290 * MIN)
    for _ in range(2):
        ticket(m, now - 10 * MIN)
    response = auth.login(manager.email)
    assert response.status_code == 302
    assert client.get(response.location).location.endswith("/manager/")
    page = client.get("/manager/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "3 open tickets" in page and late.number in page and m.tag in page
    assert 'href="/reports/"' in page  # the menu
    ticket_page = client.get(f"/tickets/{late.id}", headers={"Accept-Language": "en"})
    assert f'href="/tickets/{late.id}"' in page and ticket_page.status_code == 200
    assert 'action="/tickets/' not in ticket_page.get_data(as_text=True)  # read-only


def test_empty_page_in_chinese(client, auth):
    """No tickets at all: every section says so, in Chinese for a Chinese browser."""
    auth.login(f.user(Role.MANAGER).email)
    page = client.get("/manager/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    for text in ("服务概况", "没有未完成的工单。", "没有超时的工单。", "没有临近期限的工单。",
                 "这两个月没有到期的时限。", "没有机器在 90 天内故障 3 次。"):
        assert text in page, text
    assert "—" in page  # no compliance to show


def test_technicians_and_dispatchers_are_refused(client, auth):
    for role in (Role.TECHNICIAN, Role.DISPATCHER):
        auth.login(f.user(role).email)
        assert client.get("/manager/").status_code == 403
        auth.logout()
    assert "/accounts/login" in client.get("/manager/").location


def test_an_admin_makes_a_manager_account(client, auth):
    """The account form offers the role; the new manager logs in to the overview."""
    admin = f.user(Role.ADMIN)
    auth.login(admin.email)
    page = client.get("/accounts/users", headers={"Accept-Language": "zh-CN"})
    assert '<option value="manager">服务经理</option>' in page.get_data(as_text=True)
    response = auth.post("/accounts/users", {
        "email": "boss@example.com", "name": "Zhao", "role": "manager", "is_active": "y",
        "password": "secret-pass-1"})
    assert response.status_code == 302
    auth.logout()
    landed = auth.login("boss@example.com")
    assert client.get(landed.location).location.endswith("/manager/")

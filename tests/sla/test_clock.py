"""A ticket's clock: working time of its plan's calendar, pauses, recorded breaches."""

from datetime import date, datetime, timedelta

from sla.test_calendar import OFFICE, at, local

import factories as f
from repairapp.accounts.models import Role
from repairapp.contracts.models import Severity
from repairapp.extensions import db
from repairapp.sla.models import CalendarDay, ServiceCalendar
from repairapp.tickets import work
from repairapp.tickets.models import Status
from repairapp.tickets.workflow import Actor, change_status

SH = "Asia/Shanghai"


def office_ticket(filed: datetime, **kw):
    """A ticket under a plan promising 2 h response / 8 h fix in office hours."""
    calendar = ServiceCalendar(name=f"Office {id(filed)}", china_holidays=True,
                               hours={str(k): [list(i) for i in v]
                                      for k, v in OFFICE.hours.items()}, **kw)
    plans = f.standard_plans()
    plans["A"].calendar = calendar
    plans["A"].response_critical_min, plans["A"].resolution_critical_min = 120, 480
    db.session.commit()
    machine = f.asset(accepted=date(2020, 1, 1))
    f.contract(machine, plans["A"], date(2020, 1, 1), date(2099, 1, 1))
    return f.ticket(machine, severity=Severity.CRITICAL, now=filed), plans["A"]


def test_due_times_count_the_plans_working_hours():
    """Filed Friday 16:00: response Monday 10:00; the 8 h fix is Monday 17:00 (1 h Friday,
    3 h Monday morning, lunch off, 4 h afternoon)."""
    ticket, _plan = office_ticket(at(SH, 2026, 11, 27, 16, 0))
    assert local(ticket.response_due_at) == datetime(2026, 11, 30, 10, 0)
    assert local(ticket.resolution_due_at) == datetime(2026, 11, 30, 17, 0)


def test_the_calendar_is_frozen_on_the_ticket():
    """Closing a day in the calendar later does not move an existing ticket's promise."""
    ticket, plan = office_ticket(at(SH, 2026, 11, 27, 16, 0))
    plan.calendar.days.append(CalendarDay(day=date(2026, 11, 30), is_working=False))
    db.session.commit()
    work.set_severity(ticket, Severity.MAJOR, f.user(Role.DISPATCHER))
    work.set_severity(ticket, Severity.CRITICAL, f.user(Role.DISPATCHER))
    assert local(ticket.response_due_at) == datetime(2026, 11, 30, 10, 0)


def test_waiting_for_the_customer_pauses_the_clock():
    """Two working hours waiting for the customer push the fix deadline two hours later."""
    ticket, _plan = office_ticket(at(SH, 2026, 11, 24, 9, 0))  # Tuesday
    fix_due = ticket.resolution_due_at
    change_status(ticket, Status.ACKNOWLEDGED, Actor.DISPATCHER, now=at(SH, 2026, 11, 24, 9, 30))
    change_status(ticket, Status.WAITING_CUSTOMER, Actor.DISPATCHER, note="the door code",
                  now=at(SH, 2026, 11, 24, 10, 0))
    change_status(ticket, Status.IN_PROGRESS, Actor.DISPATCHER, now=at(SH, 2026, 11, 24, 13, 0))
    assert ticket.paused_minutes == 120 and ticket.paused_at is None
    assert ticket.resolution_due_at - fix_due == timedelta(hours=2)


def test_breaches_are_recorded_and_never_cleared():
    """A late acknowledgement records the response breach; re-grading keeps it."""
    ticket, _plan = office_ticket(at(SH, 2026, 11, 24, 9, 0))
    change_status(ticket, Status.ACKNOWLEDGED, Actor.DISPATCHER,
                  now=at(SH, 2026, 11, 24, 15, 0))
    assert ticket.response_breached and not ticket.resolution_breached
    work.set_severity(ticket, Severity.MINOR, f.user(Role.DISPATCHER))
    assert ticket.response_breached


def test_on_time_acknowledgement_is_no_breach():
    """Acknowledged within the target: nothing recorded."""
    ticket, _plan = office_ticket(at(SH, 2026, 11, 24, 9, 0))
    change_status(ticket, Status.ACKNOWLEDGED, Actor.DISPATCHER,
                  now=at(SH, 2026, 11, 24, 10, 0))
    assert not ticket.response_breached

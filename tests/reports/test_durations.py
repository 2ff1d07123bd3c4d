"""Response and resolution times stored on the ticket when they happen, and the backfill.

The calendar is Monday to Friday 09:00-17:00 in Shanghai, no holidays (none fall in these
weeks anyway). 27 November 2026 is a Friday.
"""

import itertools
from datetime import date

import sqlalchemy as sa
from sla.test_calendar import at

import factories as f
from repairapp.contracts.models import Severity
from repairapp.extensions import db
from repairapp.sla.models import ServiceCalendar
from repairapp.tickets.models import Status, Ticket
from repairapp.tickets.workflow import Actor, change_status

SH = "Asia/Shanghai"
NAMES = itertools.count()
D, R = Actor.DISPATCHER, Actor.REQUESTER
COLUMNS = ("response_working_minutes", "response_wall_minutes",
           "resolution_working_minutes", "resolution_wall_minutes")


def nine_to_five_ticket(filed):
    """A critical ticket under a plan whose calendar is Mon-Fri 09:00-17:00."""
    calendar = ServiceCalendar(name=f"Nine to five {next(NAMES)}", china_holidays=False,
                               hours={str(day): [[9 * 60, 17 * 60]] for day in range(5)})
    plan = f.plan(response=120, resolution=480, calendar=calendar)
    db.session.commit()
    machine = f.asset(accepted=date(2020, 1, 1))
    f.contract(machine, plan, date(2020, 1, 1), date(2099, 1, 1))
    return f.ticket(machine, severity=Severity.CRITICAL, now=filed)


def move(ticket, *steps):
    for to, actor, when in steps:
        change_status(ticket, to, actor, now=when,
                      note="the door code" if to is Status.WAITING_CUSTOMER else "")
    db.session.commit()


def minutes(ticket) -> tuple:
    return tuple(getattr(f.fresh(ticket), name) for name in COLUMNS)


def weekend_ticket():
    """Filed Friday 16:00, responded Monday 10:00, resolved Monday 15:00."""
    ticket = nine_to_five_ticket(at(SH, 2026, 11, 27, 16, 0))
    move(ticket, (Status.ACKNOWLEDGED, D, at(SH, 2026, 11, 30, 10, 0)))
    return ticket


def paused_ticket():
    """Tuesday: filed 09:00, accepted 09:30, waiting for the customer 10:00-13:00,
    resolved 15:00."""
    ticket = nine_to_five_ticket(at(SH, 2026, 11, 24, 9, 0))
    move(ticket, (Status.ACKNOWLEDGED, D, at(SH, 2026, 11, 24, 9, 30)),
         (Status.WAITING_CUSTOMER, D, at(SH, 2026, 11, 24, 10, 0)),
         (Status.IN_PROGRESS, D, at(SH, 2026, 11, 24, 13, 0)),
         (Status.RESOLVED, D, at(SH, 2026, 11, 24, 15, 0)))
    return ticket


def reopened_ticket():
    """Tuesday: filed 09:00, accepted 09:30, resolved 11:00, reopened 14:00; resolved
    again Wednesday 10:00."""
    ticket = nine_to_five_ticket(at(SH, 2026, 11, 24, 9, 0))
    move(ticket, (Status.ACKNOWLEDGED, D, at(SH, 2026, 11, 24, 9, 30)),
         (Status.RESOLVED, D, at(SH, 2026, 11, 24, 11, 0)),
         (Status.IN_PROGRESS, R, at(SH, 2026, 11, 24, 14, 0)),
         (Status.RESOLVED, D, at(SH, 2026, 11, 25, 10, 0)))
    return ticket


def test_response_over_the_weekend_counts_working_hours():
    """Friday 16:00 to Monday 10:00: 1 h on Friday and 1 h on Monday; 66 h on the wall."""
    ticket = weekend_ticket()
    assert minutes(ticket) == (120, 66 * 60, None, None)
    move(ticket, (Status.RESOLVED, D, at(SH, 2026, 11, 30, 15, 0)))
    # 1 h Friday + 6 h Monday; 71 h on the wall.
    assert minutes(ticket) == (120, 66 * 60, 7 * 60, 71 * 60)


def test_a_pause_is_not_working_time():
    """6 h from filing to resolution, 3 h of them waiting for the customer."""
    assert minutes(paused_ticket()) == (30, 30, 3 * 60, 6 * 60)


def test_a_reopened_ticket_counts_to_its_last_resolution():
    """Resolved at 11:00 (2 h), reopened, resolved again Wednesday 10:00: the whole of
    Tuesday (8 h) and 1 h Wednesday, as the deadline counts; 25 h on the wall."""
    ticket = reopened_ticket()
    assert minutes(ticket) == (30, 30, 9 * 60, 25 * 60)
    assert f.fresh(ticket).resolution_breached  # the promise was 8 h: 9 h is late


def test_reopening_empties_the_resolution_until_resolved_again():
    ticket = nine_to_five_ticket(at(SH, 2026, 11, 24, 9, 0))
    move(ticket, (Status.ACKNOWLEDGED, D, at(SH, 2026, 11, 24, 9, 30)),
         (Status.RESOLVED, D, at(SH, 2026, 11, 24, 11, 0)))
    assert minutes(ticket) == (30, 30, 120, 120)
    move(ticket, (Status.IN_PROGRESS, R, at(SH, 2026, 11, 24, 14, 0)))
    assert minutes(ticket) == (30, 30, None, None)


def test_backfill_gives_the_live_numbers_and_is_idempotent(runner):
    tickets = [weekend_ticket(), paused_ticket(), reopened_ticket(),
               nine_to_five_ticket(at(SH, 2026, 11, 24, 9, 0))]  # never responded
    live = [minutes(t) for t in tickets]
    version = [f.fresh(t).version for t in tickets]
    db.session.execute(sa.update(Ticket).values(dict.fromkeys(COLUMNS)))
    db.session.commit()
    assert all(minutes(t) == (None,) * 4 for t in tickets)

    result = runner.invoke(args=["reports", "backfill", "--batch", "2"])
    assert result.exit_code == 0 and "filled 3 ticket(s)" in result.output, result.output
    assert [minutes(t) for t in tickets] == live
    assert [f.fresh(t).version for t in tickets] == version  # no staff edit is refused
    again = runner.invoke(args=["reports", "backfill"])
    assert "filled 0 ticket(s)" in again.output
    assert [minutes(t) for t in tickets] == live

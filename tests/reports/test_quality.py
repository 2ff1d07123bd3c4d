"""Fixes, ratings, technicians, chargeable amounts and repeated failures on the hand-built
month, against the answers worked out by hand."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from reports.conftest import MARCH, _file, local

from repairapp.extensions import db
from repairapp.reports import quality
from repairapp.tickets.models import BillableItem, WorkLog, WorkType


def test_first_time_fix_reopen_and_duplicate_rates(month):
    """Filed in March: t1-t4 and the duplicate (5). Resolved: t1 (one visit) and t2 (two
    visits, reopened): one first-time fix, one reopen; one duplicate."""
    assert quality.quality(MARCH) == quality.Quality(filed=5, resolved=2, first_time_fixed=1,
                                                     reopened=1, duplicates=1)


def test_satisfaction(month):
    """Ratings 5 and 2 (t3, t4 and the duplicate unrated): average 3.5; finished t1 and t2
    (the duplicate, though closed, aside), both rated."""
    s = quality.satisfaction(MARCH)
    assert (s.finished, s.rated, s.average) == (2, 2, 3.5)
    assert s.by_stars == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1}


def test_unrated_finished_tickets_lower_the_share(month):
    month.t3.resolved_at = month.t3.created_at + timedelta(hours=5)
    db.session.commit()
    s = quality.satisfaction(MARCH)
    assert (s.finished, s.rated) == (3, 2)


def test_per_technician(month):
    """Wang: t1 and t2, both resolved; resolution met once of two; three check-ins; the
    45 minutes logged in March count, the 20 logged in April do not."""
    for minutes, when in ((45, month.t1.created_at), (20, month.t5.created_at)):
        db.session.add(WorkLog(ticket_id=month.t1.id, user_id=month.tech.id, minutes=minutes,
                               work_type=WorkType.REMOTE, created_at=when))
    db.session.commit()
    assert quality.technicians(MARCH) == [quality.Technician(
        "Wang", jobs=2, resolved=2, minutes=45, visits=3, resolution_decided=2,
        resolution_met=1)]


def test_chargeable_amounts_are_decimals(month):
    """Amounts add up exactly; a part quoted separately (no amount) adds none; t0's item
    (filed in February) is not in March."""
    for ticket, kind, quantity, amount in ((month.t1, "visit", "1", "800.10"),
                                           (month.t2, "visit", "2", "1600.20"),
                                           (month.t2, "part", "1", None),
                                           (month.t0, "visit", "1", "999.00")):
        db.session.add(BillableItem(ticket_id=ticket.id, kind=kind, description="x",
                                    quantity=Decimal(quantity),
                                    amount=None if amount is None else Decimal(amount)))
    db.session.commit()
    assert quality.chargeable(MARCH) == [("part", Decimal("1"), Decimal("0.00")),
                                         ("visit", Decimal("3"), Decimal("2400.30"))]


def test_machines_that_failed_three_times_in_90_days(month):
    """The first machine: t0 (27 February), t1, t2 (the duplicate aside); the second has
    two in the window (t5 is after it)."""
    assert quality.repeated(MARCH) == [(month.x1.tag, month.x1.name, "X-1", 3)]
    assert quality.repeated(replace(MARCH, model="Y-2")) == []


def test_the_machines_that_failed_most_come_first_up_to_the_limit(month):
    """Two more faults on the second machine (four in the window) put it before the first
    (three); a limit of one keeps it alone."""
    _file(month.y2, local(3, 10, 9))
    _file(month.y2, local(3, 11, 9))
    second, first = (month.y2.tag, month.y2.name, "Y-2", 4), (month.x1.tag, month.x1.name,
                                                                "X-1", 3)
    assert quality.repeated(MARCH) == [second, first]
    assert quality.repeated(MARCH, limit=1) == [second]


def test_mtbf_and_mttr_per_model(month):
    """X-1 (one machine): t1 and t2 failed in March (the duplicate aside): MTBF 744 h / 2;
    MTTR (100 + 300) / 2 working, (200 + 720) / 2 wall-clock. Y-2: t3 and t4, unresolved."""
    hours = 31 * 24
    assert quality.reliability(MARCH) == [
        quality.Reliability("X-1", 1, 2, hours / 2, 200, 460),
        quality.Reliability("Y-2", 1, 2, hours / 2, None, None)]
    assert quality.reliability(replace(MARCH, model="Y-2"))[0].failures == 2

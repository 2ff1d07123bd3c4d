"""The sweep plans visits ahead, once per plan, machine and period, on working days."""

import threading
from datetime import UTC, date, datetime

import sqlalchemy as sa
from maintenance.data import office, plan

import factories as f
from repairapp.extensions import db
from repairapp.maintenance.models import (
    Anchor,
    MaintenanceVisit,
    Shift,
    Unit,
    VisitStatus,
)
from repairapp.maintenance.services import generate


def _at(day: str) -> datetime:
    """10:00 in Shanghai on `day`, as UTC."""
    return datetime.fromisoformat(day).replace(hour=2, tzinfo=UTC)


def _visits(plan_id=None) -> list[tuple[str, date]]:
    query = sa.select(MaintenanceVisit.period_key, MaintenanceVisit.due_date).order_by(
        MaintenanceVisit.due_date)
    if plan_id:
        query = query.where(MaintenanceVisit.plan_id == plan_id)
    return [tuple(row) for row in db.session.execute(query)]


def test_monthly_from_the_31st_within_the_horizon(tech):
    """From 31 Jul 2025, seen on 20 Sep with 60 days ahead: 30 Sep and 31 Oct; 30 Nov
    (a Sunday, moved to 1 Dec) is beyond the horizon; 31 Aug is past and not made up."""
    monthly = plan(start=date(2025, 7, 31), calendar=office(), engineer=tech)
    assert generate(_at("2025-09-20"), 60) == 2
    assert _visits() == [("2025-09-30", date(2025, 9, 30)), ("2025-10-31", date(2025, 10, 31))]
    visit = db.session.scalars(sa.select(MaintenanceVisit)).first()
    assert (visit.assignee_id, visit.status, visit.plan_id) == (tech.id, VisitStatus.PLANNED,
                                                                monthly.id)


def test_quarterly_visit_moves_off_national_day_and_is_not_made_twice():
    """Quarterly from 1 Jan 2025: 1 Oct moves after the holiday to 9 Oct; a second sweep
    (and a later one) plans nothing new."""
    plan(start=date(2025, 1, 1), unit=Unit.QUARTER, calendar=office(), shift=Shift.AFTER)
    assert generate(_at("2025-09-15"), 60) == 1
    assert generate(_at("2025-09-15"), 60) == 0
    assert generate(_at("2025-09-30"), 60) == 0
    assert _visits() == [("2025-10-01", date(2025, 10, 9))]


def test_a_make_up_sunday_is_a_working_day_for_visits():
    """Monthly on the 28th: Sunday 28 Sep 2025 is a make-up working day and keeps it."""
    plan(start=date(2025, 7, 28), calendar=office())
    generate(_at("2025-09-01"), 60)
    assert _visits() == [("2025-09-28", date(2025, 9, 28)), ("2025-10-28", date(2025, 10, 28))]


def test_visit_moved_before_a_holiday():
    """Due 1 Oct, moving before: Tuesday 30 Sep."""
    plan(start=date(2025, 10, 1), unit=Unit.YEAR, calendar=office(), shift=Shift.BEFORE)
    generate(_at("2025-09-01"), 60)
    assert _visits() == [("2025-10-01", date(2025, 9, 30))]


def test_from_last_completion_the_next_visit_counts_from_when_it_was_done():
    """Every 30 days from completion: the first visit on the start date; done late on
    10 Sep, the next is 30 days after that (10 Oct), not 1 Oct. Until then nothing more."""
    every = plan(start=date(2025, 9, 1), every=30, unit=Unit.DAY, anchor=Anchor.COMPLETION,
                 calendar=office())
    assert generate(_at("2025-08-25"), 60) == 1
    assert generate(_at("2025-08-26"), 60) == 0  # one open visit at a time
    visit = db.session.scalars(sa.select(MaintenanceVisit)).one()
    visit.status, visit.done_at = VisitStatus.DONE, _at("2025-09-10")
    db.session.commit()
    assert generate(_at("2025-09-10"), 60) == 1
    assert _visits() == [("2025-09-01", date(2025, 9, 1)), ("2025-10-10", date(2025, 10, 10))]
    assert every.anchor is Anchor.COMPLETION


def test_every_machine_of_a_model_and_of_a_contract():
    """A model plan visits each machine of the model; a contract plan each machine the
    contract covers, only while it runs."""
    from repairapp.maintenance.models import MaintenancePlan, Target

    a, b, other = f.asset(model="XR-7"), f.asset(model="XR-7"), f.asset(model="Z")
    contract = f.contract(other, f.plan(), date(2025, 1, 1), date(2025, 10, 15))
    db.session.add_all([
        MaintenancePlan(name="XR-7 check", target=Target.MODEL, model="XR-7", every=1,
                        unit=Unit.MONTH, anchor=Anchor.FIXED, start_date=date(2025, 9, 10),
                        shift=Shift.AFTER),
        MaintenancePlan(name="Contract check", target=Target.CONTRACT, contract_id=contract.id,
                        every=1, unit=Unit.MONTH, anchor=Anchor.FIXED,
                        start_date=date(2025, 9, 10), shift=Shift.AFTER)])
    db.session.commit()
    generate(_at("2025-09-01"), 50)  # 10 Sep and 10 Oct
    rows = db.session.execute(sa.select(MaintenanceVisit.asset_id, MaintenanceVisit.due_date)
                              .order_by(MaintenanceVisit.asset_id, MaintenanceVisit.due_date))
    assert [tuple(r) for r in rows] == [
        (a.id, date(2025, 9, 10)), (a.id, date(2025, 10, 10)),
        (b.id, date(2025, 9, 10)), (b.id, date(2025, 10, 10)),
        (other.id, date(2025, 9, 10)), (other.id, date(2025, 10, 10))]


def test_two_sweeps_at_once_plan_each_visit_once(app):
    """Two servers sweeping at the same moment: the unique key and ON CONFLICT DO NOTHING
    keep one visit per plan, machine and period."""
    for _ in range(3):
        plan(start=date(2025, 9, 1), unit=Unit.WEEK, calendar=office())
    start, created = threading.Barrier(2), []

    def sweep():
        with app.app_context():
            start.wait()
            created.append(generate(_at("2025-09-01"), 60))
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Mondays 1 Sep .. 27 Oct: 9 visits (6 Oct, in the holiday, moves to Thursday 9 Oct).
    per_plan = 9
    assert f.count(MaintenanceVisit) == 3 * per_plan
    assert sum(created) == 3 * per_plan

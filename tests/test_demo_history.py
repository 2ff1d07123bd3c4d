"""`flask demo history`: a large service history that is valid ticket by ticket, repeatable
for a seed, and can be added to again."""

import random
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from repairapp.accounts.models import User
from repairapp.assets.models import Asset, Label
from repairapp.contracts.models import ServicePlan
from repairapp.contracts.services import coverage_for_asset
from repairapp.customers.models import Customer
from repairapp.demo import DEMO_PASSWORD
from repairapp.demo.bulk import TZ, WorkClock, add_history, day_weights
from repairapp.demo.data import _calendars
from repairapp.extensions import db
from repairapp.followups.models import Complaint, ComplaintStatus, FollowUp, FollowUpKind
from repairapp.sla.calendar import Calendar, add_working_minutes, working_minutes_between
from repairapp.sla.services import due_times
from repairapp.tickets import durations
from repairapp.tickets.models import (
    BillableItem,
    EventKind,
    Status,
    Ticket,
    TicketEvent,
    WorkLog,
)
from repairapp.tickets.workflow import TRANSITIONS

NOW = datetime(2026, 6, 10, 2, 30, tzinfo=UTC)  # a Wednesday, 10:30 in Shanghai
CLOSED = (Status.RESOLVED, Status.CLOSED)


def _history_tickets() -> list[Ticket]:
    """The tickets the history added (the demo's own have no tag EQ-H...)."""
    return list(db.session.scalars(sa.select(Ticket).join(Asset).where(
        Asset.tag.like("EQ-H%")).order_by(Ticket.id)))


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_command_adds_what_it_says_onto_the_demo(runner, demo):
    """Added to the demo, reusing its plans and staff; the summary names what was added and
    the time taken."""
    demo()
    plans = _count(ServicePlan)
    result = runner.invoke(args=["demo", "history", "--tickets", "300", "--assets", "40"])
    assert result.exit_code == 0, result.output
    assert "300 tickets" in result.output and "40 assets" in result.output
    assert " s" in result.output.splitlines()[-1]
    assert _count(Asset) == 12 + 40 and len(_history_tickets()) == 300
    assert _count(Label) == _count(Asset) and _count(ServicePlan) == plans


def test_empty_database_gets_the_demos_plans_and_logins(runner):
    result = runner.invoke(args=["demo", "history", "--tickets", "20", "--assets", "5"])
    assert result.exit_code == 0, result.output
    assert "9 plans" in result.output and _count(ServicePlan) == 9  # one tier twice: pay first
    assert db.session.scalar(sa.select(User).where(
        User.email == "dispatch@example.com")).check_password(DEMO_PASSWORD)
    assert _count(Asset) == 5 and _count(Ticket) == 20


def test_every_ticket_is_valid():
    """Times in order; stored durations equal the calendar's arithmetic (pauses excluded);
    breach flags agree with the due times; due times and coverage are what intake and the
    pause would have frozen; ratings only on closed tickets; status follows the events."""
    add_history(300, 40, seed=11, now=NOW)
    db.session.commit()
    tickets = _history_tickets()
    assert len(tickets) == 300
    events = {}
    for e in db.session.scalars(sa.select(TicketEvent).order_by(TicketEvent.id)):
        events.setdefault(e.ticket_id, []).append(e)
    for t in tickets:
        calendar, tz = Calendar.from_json(t.sla_calendar), t.asset.site.timezone
        coverage = coverage_for_asset(t.asset, t.created_at)
        assert (coverage.state, coverage.plan.id) == (t.coverage_state, t.plan_id), t.id
        response_due, resolution_due = due_times(t.sla_targets, t.severity, t.created_at,
                                                 calendar, tz)
        assert t.response_due_at == response_due, t.id
        assert t.resolution_due_at == (add_working_minutes(resolution_due, t.paused_minutes,
                                                           calendar, tz)
                                       if t.paused_minutes else resolution_due), t.id
        assert t.created_at < NOW
        if t.responded_at:
            assert t.created_at < t.responded_at <= NOW
            # What the workflow stores when a ticket is answered and resolved.
            assert (t.response_working_minutes, t.response_wall_minutes) == \
                durations.response_minutes(t), t.id
            assert t.response_working_minutes == working_minutes_between(
                t.created_at, t.responded_at, calendar, tz), t.id
            assert t.response_breached == (t.responded_at > t.response_due_at), t.id
        else:
            assert t.response_working_minutes is None and t.response_wall_minutes is None
        if t.resolved_at:
            assert t.responded_at < t.resolved_at <= NOW and t.status in CLOSED
            assert (t.resolution_working_minutes, t.resolution_wall_minutes) == \
                durations.resolution_minutes(t), t.id
            assert t.resolution_working_minutes == working_minutes_between(
                t.created_at, t.resolved_at, calendar, tz) - t.paused_minutes, t.id
            assert 0 <= t.response_working_minutes <= t.resolution_working_minutes
            assert t.resolution_breached == (t.resolved_at > t.resolution_due_at), t.id
        else:
            assert t.resolution_working_minutes is None and t.status is not Status.RESOLVED
            if t.resolution_breached:
                assert t.resolution_due_at <= NOW
        if t.closed_at:
            assert t.status is Status.CLOSED and t.closed_at <= NOW
            assert t.merged_into_id or t.resolved_at < t.closed_at
        if t.rating is not None:
            assert t.status is Status.CLOSED and 1 <= t.rating <= 5 and t.resolved_at
        if t.merged_into_id:
            parent = db.session.get(Ticket, t.merged_into_id)
            assert parent.asset_id == t.asset_id and parent.id < t.id
            assert not t.responded_at and not t.rating
            assert t.closed_at < (parent.resolved_at or NOW)
            assert any(e.kind is EventKind.MERGED_IN and e.from_value == t.number
                       for e in events[parent.id])
        # The status events chain from "new" to the ticket's status, each step allowed.
        steps = [e for e in events[t.id] if e.kind is EventKind.STATUS]
        state = "new"
        for e in steps:
            assert e.from_value == state and e.created_at >= t.created_at, t.id
            assert any(k[0].value == state and k[1].value == e.to_value for k in TRANSITIONS)
            state = e.to_value
        assert state == t.status.value or t.merged_into_id, t.id
        assert [e.created_at for e in events[t.id]] == sorted(e.created_at
                                                               for e in events[t.id])
        assert t.reopen_count == sum(e.from_value == "resolved" and e.to_value ==
                                     "in_progress" for e in steps)
        if t.is_chargeable and t.resolved_at:
            assert db.session.scalar(sa.select(sa.func.count()).where(
                BillableItem.ticket_id == t.id)) >= 1
        elif not t.is_chargeable:
            assert not db.session.scalar(sa.select(sa.func.count()).where(
                BillableItem.ticket_id == t.id))
    # The mix a report needs: most closed and rated, a few low ratings, breaches of both
    # kinds, pauses, reopens, duplicates, open work, second visits.
    closed = [t for t in tickets if t.status is Status.CLOSED and not t.merged_into_id]
    rated = [t for t in closed if t.rating]
    assert len(closed) > 200 and len(rated) > len(closed) // 2
    assert any(t.rating <= 2 for t in rated) and any(t.rating == 5 for t in rated)
    assert any(t.response_breached for t in tickets)
    assert any(t.resolution_breached for t in tickets)
    assert any(t.paused_minutes for t in tickets) and any(t.reopen_count for t in tickets)
    assert any(t.merged_into_id for t in tickets) and any(t.is_open for t in tickets)
    # Every state but pending payment: bulk contracts are never of a pay-first plan.
    assert {t.coverage_state.value for t in tickets} == {
        s.value for s in type(tickets[0].coverage_state)} - {"pending_payment"}
    assert len({t.plan_id for t in tickets}) >= 6 and len({t.assignee_id for t in tickets}) > 2
    assert any(sum(e.kind is EventKind.CHECK_IN for e in events[t.id]) >= 2 for t in tickets)
    assert _count(WorkLog) and db.session.scalar(sa.select(sa.func.sum(WorkLog.minutes))) > 0
    assert NOW - min(t.created_at for t in tickets) > timedelta(days=300)


def test_follow_ups_and_complaints_as_the_desk_keeps_them():
    """Every closed ticket (not a merged duplicate) owes one follow-up: done by the
    requester's rating, or called by the desk (some not yet, some overdue); key customers
    get one a month; some unhappy requesters complain, most complaints closed with an
    outcome."""
    add_history(300, 60, seed=4, now=NOW)
    db.session.commit()
    tasks = {f.ticket_id: f for f in db.session.scalars(sa.select(FollowUp).where(
        FollowUp.kind == FollowUpKind.TICKET))}
    closed = [t for t in _history_tickets() if t.status is Status.CLOSED]
    assert {t.id for t in closed if not t.merged_into_id} == set(tasks)
    for t in closed:
        if t.merged_into_id:
            continue
        task = tasks[t.id]
        assert task.created_at == t.closed_at and task.customer_id == t.customer_id
        assert task.due_at == t.closed_at + timedelta(days=3)
        if t.rating:
            assert task.by_requester and task.satisfaction == t.rating
            assert task.done_at == t.closed_at
        elif task.done_at:
            assert task.done_by_id and task.method in ("call", "message")
            assert t.closed_at < task.done_at <= NOW and 1 <= task.satisfaction <= 5
    calls = [f for f in tasks.values() if not f.by_requester]
    assert any(f.done_at for f in calls) and any(not f.done_at for f in calls)
    keys = db.session.scalars(sa.select(FollowUp).where(
        FollowUp.kind == FollowUpKind.KEY_CUSTOMER)).all()
    key_customers = {c.id for c in db.session.scalars(sa.select(Customer).where(
        Customer.is_key.is_(True)))}
    assert key_customers and {f.customer_id for f in keys} == key_customers
    assert len(keys) == len(key_customers) * 13  # June 2025 to June 2026
    assert all(f.period and f.created_at <= NOW and f.stays_fixed is None for f in keys)
    complaints = db.session.scalars(sa.select(Complaint)).all()
    assert complaints
    for c in complaints:
        ticket = db.session.get(Ticket, c.ticket_id)
        assert ticket.rating is not None and ticket.rating <= 2 or ticket.resolution_breached
        assert ticket.closed_at < c.created_at <= NOW
        assert (c.status is ComplaintStatus.CLOSED) == bool(c.outcome and c.closed_at)


def _snapshot() -> list[tuple]:
    return [(t.created_at, t.asset.model, t.severity, t.category, t.status, t.responded_at,
             t.resolved_at, t.closed_at, t.rating, t.response_working_minutes,
             t.resolution_working_minutes, t.response_breached, t.resolution_breached,
             t.tracking_token, t.idempotency_key, t.asset.active_label.code)
            for t in _history_tickets()]


def _empty_tables() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def test_same_seed_same_history_other_seed_another():
    add_history(120, 15, seed=5, now=NOW)
    db.session.commit()
    first = _snapshot()
    _empty_tables()
    add_history(120, 15, seed=5, now=NOW)
    db.session.commit()
    assert _snapshot() == first
    _empty_tables()
    add_history(120, 15, seed=6, now=NOW)
    db.session.commit()
    assert _snapshot() != first


def test_running_twice_adds_more_with_unique_keys():
    """A second run (even with the same seed) adds new machines, labels, tokens and keys."""
    add_history(150, 20, seed=3, now=NOW)
    db.session.commit()
    add_history(150, 20, seed=3, now=NOW)
    db.session.commit()
    tickets = _history_tickets()
    assert len(tickets) == 300 and _count(Asset) == 40
    assert len({t.tracking_token for t in tickets}) == 300
    assert len({(t.asset_id, t.idempotency_key) for t in tickets}) == 300
    assert len(set(db.session.scalars(sa.select(Label.code)))) == _count(Label)
    # Ids continue on every table (PostgreSQL's sequences were moved past them).
    db.session.add(TicketEvent(ticket_id=tickets[-1].id, kind=EventKind.INFO_ADDED))
    db.session.commit()


def test_work_clock_gives_the_instants_add_working_minutes_gives():
    """The laid-out calendar agrees with the day-by-day walk, including over the Spring
    Festival and National Day holidays and off-hours starts."""
    rng = random.Random(1)
    for calendar in [c.spec() for c in _calendars().values()] + [Calendar()]:
        clock = WorkClock(calendar, TZ, date(2025, 9, 1), date(2026, 12, 31))
        for _ in range(300):
            start = datetime(2025, 9, 20, tzinfo=UTC) + timedelta(minutes=rng.randint(
                0, 300 * 1440))
            minute = int(start.timestamp() // 60)
            working = rng.randint(1, 6000)
            expected = add_working_minutes(start, working, calendar, TZ)
            assert clock.add(minute, working) * 60 == expected.timestamp()
            assert clock.pos(clock.add(minute, working)) - clock.pos(minute) == working


def test_seasons_summer_heat_and_the_restart_after_spring_festival():
    days, weights = day_weights(date(2026, 1, 1), date(2026, 12, 31))
    weight = dict(zip(days, weights, strict=True))
    assert weight[date(2026, 7, 15)] > weight[date(2026, 4, 15)]  # Wednesdays
    assert weight[date(2026, 2, 25)] > weight[date(2026, 3, 25)]  # restart after 春节
    assert weight[date(2026, 10, 2)] < weight[date(2026, 10, 14)]  # National Day off

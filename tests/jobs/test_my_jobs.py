"""Technicians' "My jobs": their open tickets, most urgent first, fast with any history,
and what they resolved today and this week."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

import factories as f
from conftest import counting_queries
from repairapp.accounts.models import Role
from repairapp.extensions import db
from repairapp.jobs.services import done_recently
from repairapp.tickets import work
from repairapp.tickets.models import Status, Ticket

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


@pytest.fixture
def tech(auth):
    user = f.user(Role.TECHNICIAN, name="Wang")
    auth.login(user.email)
    return user


def _due(ticket, response=None, resolution=None, responded=False):
    ticket.response_due_at, ticket.resolution_due_at = response, resolution
    ticket.responded_at = NOW if responded else None
    db.session.commit()
    return ticket


def test_sorted_by_the_next_deadline(client, tech):
    """Unresponded tickets count their response due, responded ones their fix due."""
    h = timedelta(hours=1)
    later = _due(f.ticket(assignee=tech), response=NOW + 5 * h, resolution=NOW + 6 * h)
    soonest = _due(f.ticket(assignee=tech), response=NOW + 9 * h, resolution=NOW + 2 * h,
                   responded=True)
    middle = _due(f.ticket(assignee=tech), response=NOW + 3 * h, resolution=NOW + 30 * h)
    no_deadline = _due(f.ticket(assignee=tech))
    page = client.get("/jobs/").get_data(as_text=True)
    order = [page.index(t.number) for t in (soonest, middle, later, no_deadline)]
    assert order == sorted(order)


def test_without_a_response_target_the_fix_deadline_counts(client, tech):
    """A plan promising no response time still sorts by its resolution deadline."""
    h = timedelta(hours=1)
    fix_only = _due(f.ticket(assignee=tech), response=None, resolution=NOW + 1 * h)
    later = _due(f.ticket(assignee=tech), response=NOW + 2 * h, resolution=NOW + 9 * h)
    page = client.get("/jobs/").get_data(as_text=True)
    assert page.index(fix_only.number) < page.index(later.number)
    assert fix_only.next_due_at == NOW + 1 * h


def test_only_my_open_tickets(client, tech):
    """Other technicians' jobs, unassigned and closed tickets are not in my list."""
    mine = f.ticket(assignee=tech)
    theirs = f.ticket(assignee=f.user(Role.TECHNICIAN))
    done = f.ticket(assignee=tech, status=Status.CLOSED)
    unassigned = f.ticket()
    page = client.get("/jobs/").get_data(as_text=True)
    assert mine.number in page
    assert all(t.number not in page for t in (theirs, done, unassigned))


def test_overdue_and_soon_cards_are_marked(client, tech):
    """A passed deadline is red ("late"), a close one amber ("soon")."""
    now = datetime.now(UTC)
    late = f.ticket(assignee=tech)
    _due(late, response=now - timedelta(minutes=5))
    soon = f.ticket(assignee=tech)
    soon.created_at = now - timedelta(hours=3)
    _due(soon, response=now + timedelta(minutes=20))
    page = client.get("/jobs/").get_data(as_text=True)
    assert 'class="card row job late"' in page and 'class="card row job soon"' in page


def _closed_history(tech_id: int, asset_id: int, customer_id: int, n: int) -> None:
    """n closed tickets of this technician, made by the database itself: one INSERT ...
    SELECT over a counter, unique keys numbered (no Python object or parameter per row)."""
    c = Ticket.__table__.c
    counter = sa.select(sa.literal(1).label("n")).cte("counter", recursive=True)
    counter = counter.union_all(sa.select(counter.c.n + 1).where(counter.c.n < n))
    batch = uuid.uuid4().hex[:12]  # another call numbers its keys apart

    def numbered(name: str):
        return (sa.literal(f"{name[:3]}-{batch}-") + sa.cast(counter.c.n, sa.String)).label(name)

    fixed = dict(asset_id=asset_id, customer_id=customer_id, status=Status.CLOSED,
                 severity="MINOR", category="OTHER", description="", requester_name="x",
                 requester_phone="1", coverage_state="NOT_COVERED", plan_name="",
                 is_chargeable=True, sla_targets={}, sla_calendar={}, assignee_id=tech_id,
                 resolution_note="", rating_comment="", reopen_count=0, version=1,
                 created_at=NOW - timedelta(days=400), closed_at=NOW - timedelta(days=300))
    columns = [*(sa.literal(value, c[name].type).label(name) for name, value in fixed.items()),
               numbered("idempotency_key"), numbered("tracking_token")]
    db.session.execute(sa.insert(Ticket.__table__).from_select(
        [col.name for col in columns], sa.select(*columns).select_from(counter)))
    db.session.commit()


def test_same_number_of_queries_with_100k_closed_tickets(client, tech):
    """50 open jobs render with as many SQL queries over 100,000 closed tickets as over 10."""
    machine = f.asset()
    for _ in range(50):
        f.ticket(machine, assignee=tech)
    counts = []
    for history in (10, 100_000 - 10):
        _closed_history(tech.id, machine.id, machine.site.customer_id, history)
        counts.append(_count_queries(client))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 100_050
    assert counts[0] == counts[1]
    # The user, the jobs, the week's fixes, the inspection visits: no query per card.
    assert counts[0] <= 4, "one query each for the user, jobs, fixes and visits"


def _count_queries(client) -> int:
    with counting_queries() as statements:
        page = client.get("/jobs/").get_data(as_text=True)
    assert page.count('class="card row job') == 50
    return len(statements)


def _resolved(tech, at: datetime, tz: str = "Asia/Shanghai", status=Status.CLOSED):
    ticket = f.ticket(f.asset(site=f.site(timezone=tz)), assignee=tech, status=status)
    ticket.resolved_at = at
    db.session.commit()
    return ticket


def test_done_today_and_this_week_on_the_sites_calendar():
    """Sunday 10:00 in Shanghai: today starts at 00:00 there, the week on Monday 00:00."""
    tech = f.user(Role.TECHNICIAN)
    now = NOW  # Sunday 2026-11-22 10:00 in Shanghai
    utc = lambda *a: datetime(*a, tzinfo=UTC)  # noqa: E731
    today = [_resolved(tech, utc(2026, 11, 22, 1, 0)),     # Sunday 09:00 Shanghai
             _resolved(tech, utc(2026, 11, 21, 17, 0)),    # Sunday 01:00 Shanghai
             _resolved(tech, utc(2026, 11, 21, 23, 30), "Europe/Berlin")]  # Sun 00:30 there
    week = [_resolved(tech, utc(2026, 11, 21, 15, 0)),     # Saturday 23:00 Shanghai
            _resolved(tech, utc(2026, 11, 15, 16, 30), status=Status.RESOLVED)]  # Mon 00:30
    _resolved(tech, utc(2026, 11, 15, 15, 30))             # Sunday 23:30: last week
    _resolved(f.user(Role.TECHNICIAN), utc(2026, 11, 22, 1, 0))  # someone else's
    done = done_recently(tech.id, now)
    assert done.today == 3
    assert [t.id for t in done.week] == [t.id for t in (today[0], today[2], today[1],
                                                         *week)]


def test_a_reopened_ticket_is_not_done(client, tech):
    """Reopening takes a ticket out of "done" until it is resolved again."""
    ticket = _resolved(tech, datetime.now(UTC), status=Status.RESOLVED)
    work.reopen_by_requester(ticket, "Still beeping")
    db.session.commit()
    assert done_recently(tech.id, datetime.now(UTC)).week == []


def test_my_jobs_page_counts_what_was_done(client, tech):
    """The page shows today's and this week's counts and links each ticket resolved."""
    client.set_cookie("lang", "en")
    fixed = _resolved(tech, datetime.now(UTC))
    page = client.get("/jobs/").get_data(as_text=True)
    assert "Today: 1" in page and "This week (since Monday): 1" in page
    assert f'href="/tickets/{fixed.id}">{fixed.number}</a>' in page

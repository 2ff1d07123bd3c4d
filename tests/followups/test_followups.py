"""Follow-ups (回访): a closed ticket's call, the requester's rating, key customers' months."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

import factories as f
from conftest import token_from
from repairapp.accounts.models import Role
from repairapp.customers.models import Customer
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.followups.models import FollowUp, FollowUpKind
from repairapp.followups.services import followups_between, key_customer_tasks, record
from repairapp.tickets import work
from repairapp.tickets.cli import autoclose
from repairapp.tickets.models import Status

ROOT = Path(__file__).resolve().parents[2]


def _resolved(days_ago: float = 0):
    ticket = f.ticket(status=Status.RESOLVED)
    ticket.resolved_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return ticket


def _tasks() -> list[FollowUp]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(FollowUp).order_by(FollowUp.id)))


def _desk(client, auth, role=Role.DISPATCHER):
    auth.login(f.user(role).email)
    client.set_cookie("lang", "en")


def test_an_auto_closed_ticket_owes_a_follow_up_due_in_three_days(app):
    """The autoclose sweep closes the ticket; the desk gets an open task due 3 days later."""
    ticket = _resolved(8)
    assert autoclose(7) == 1
    [task] = _tasks()
    assert task.kind is FollowUpKind.TICKET and task.ticket_id == ticket.id
    assert task.customer_id == ticket.customer_id and not task.is_done
    assert task.due_at - f.fresh(ticket).closed_at == timedelta(days=3)


def test_a_dispatcher_closing_a_ticket_creates_the_task(client, auth):
    """Closed from the ticket page: the follow-up is owed all the same."""
    ticket = _resolved()
    _desk(client, auth)
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    client.post(f"/tickets/{ticket.id}/status", data={"to": "closed",
                                                      "csrf_token": token_from(page)})
    assert f.fresh(ticket).status is Status.CLOSED
    [task] = _tasks()
    assert task.ticket_id == ticket.id and not task.is_done


def test_a_rating_through_the_tracking_link_is_the_follow_up(client, auth):
    """The requester confirms and rates: the task is created done, by the requester, and
    the desk's list says so."""
    ticket = _resolved()
    page = client.get(f"/t/{ticket.tracking_token}").get_data(as_text=True)
    client.post(f"/t/{ticket.tracking_token}/confirm",
                data={"rating": "4", "comment": "Quick", "csrf_token": token_from(page)})
    [task] = _tasks()
    assert task.is_done and task.by_requester and task.satisfaction == 4
    assert task.done_by_id is None and task.notes == "Quick"
    _desk(client, auth)
    assert "No follow-ups here." in client.get("/followups/").get_data(as_text=True)
    done = client.get("/followups/?view=done").get_data(as_text=True)
    assert "Done by the requester (rated ★★★★)" in done and ticket.number in done
    auth.post(f"/followups/{task.id}", {"method": "call", "satisfaction": "1"},
              page_url="/followups/")
    assert _tasks()[0].satisfaction == 4  # the requester's own rating is not overwritten


def test_the_desk_records_a_call(client, auth):
    """Satisfaction, whether it held, notes, who and when; the task leaves the to-do list."""
    ticket = _resolved(8)
    autoclose(7)
    [task] = _tasks()
    _desk(client, auth)
    url = f"/followups/{task.id}"
    missing = auth.post(url, {"method": "call", "satisfaction": "3"})
    assert missing.status_code == 422 and "Say whether it has stayed fixed." in \
        missing.get_data(as_text=True)
    assert auth.post(url, {"method": "call", "satisfaction": "3", "stays_fixed": "no",
                           "notes": "Alarm came back once"}).status_code == 302
    [task] = _tasks()
    assert (task.satisfaction, task.stays_fixed, task.method) == (3, False, "call")
    assert task.done_by.role is Role.DISPATCHER and task.done_at is not None
    assert ticket.number not in client.get("/followups/").get_data(as_text=True)


def test_overdue_first_and_the_filters(client, auth):
    """To do lists the overdue task first; due and overdue each show only their own."""
    late, soon = _resolved(), _resolved()
    for ticket, days in ((soon, 0), (late, -5)):
        work.auto_close(ticket, now=utcnow() + timedelta(days=days))
        db.session.commit()
    _desk(client, auth, Role.ADMIN)
    todo = client.get("/followups/").get_data(as_text=True)
    assert todo.index(late.number) < todo.index(soon.number)
    assert "Overdue since" in todo
    overdue = client.get("/followups/?view=overdue").get_data(as_text=True)
    assert late.number in overdue and soon.number not in overdue
    due = client.get("/followups/?view=due").get_data(as_text=True)
    assert soon.number in due and late.number not in due


def test_technicians_do_not_see_the_desk(client, auth):
    """Follow-ups are the desk's: a technician is refused."""
    _desk(client, auth, Role.TECHNICIAN)
    assert client.get("/followups/").status_code == 403


def _key_customers(n: int) -> list[Customer]:
    customers = [Customer(name=f"Key {i}", is_key=True) for i in range(n)]
    db.session.add_all(customers + [Customer(name="Ordinary")])
    db.session.commit()
    return customers


def test_key_customers_get_one_follow_up_a_month(app):
    """Each sweep in a month adds nothing new; the next month brings the next task."""
    key = _key_customers(2)
    march = datetime(2027, 3, 5, tzinfo=UTC)
    assert key_customer_tasks(march) == 2
    assert key_customer_tasks(march + timedelta(days=20)) == 0
    assert key_customer_tasks(datetime(2027, 4, 1, tzinfo=UTC)) == 2
    db.session.commit()
    tasks = _tasks()
    assert {(t.customer_id, t.period) for t in tasks} == {
        (c.id, p) for c in key for p in ("2027-03", "2027-04")}
    assert all(t.kind is FollowUpKind.KEY_CUSTOMER and t.ticket_id is None for t in tasks)


def test_a_key_customer_is_marked_on_the_customer_form(client, admin):
    """The admin ticks "key customer" on the customer's page."""
    customer = Customer(name="Acme")
    db.session.add(customer)
    db.session.commit()
    admin.post(f"/customers/{customer.id}", {"name": "Acme", "is_key": "y"})
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).is_key


SWEEP = """
import sys, time
from repairapp import create_app
app = create_app()
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
result = app.test_cli_runner().invoke(args=["sla", "sweep"])
print(result.output, result.exception)
"""


def test_two_sweeps_at_once_add_each_key_customers_task_once(app):
    """Two servers run the cron sweep at the same moment: one task per key customer."""
    key = _key_customers(20)
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"])
    start = f"{time.time() + 3:.3f}"  # both have imported the app by then
    procs = [subprocess.Popen([sys.executable, "-c", SWEEP, start], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert all(out.strip().endswith("None") for out, _err in outputs), outputs
    tasks = _tasks()
    assert sorted(t.customer_id for t in tasks) == sorted(c.id for c in key)


def test_followups_between_counts_done_late_and_satisfaction(app):
    """Due in the period only; the requester's rating counts as done; late is done after
    the due time or still open past it."""
    tickets = [_resolved(8) for _ in range(3)]
    for ticket in tickets[:2]:
        work.auto_close(ticket, now=datetime(2027, 3, 10, tzinfo=UTC))
    tickets[2].rating = 5
    work.auto_close(tickets[2], now=datetime(2027, 3, 11, tzinfo=UTC))
    db.session.commit()
    first = db.session.scalar(sa.select(FollowUp).where(FollowUp.ticket_id == tickets[0].id))
    record(first, f.user(Role.DISPATCHER), method="call", satisfaction=2, stays_fixed=True,
           notes="", now=datetime(2027, 3, 20, tzinfo=UTC))
    db.session.commit()
    counts = followups_between(datetime(2027, 3, 1, tzinfo=UTC),
                               datetime(2027, 4, 1, tzinfo=UTC),
                               now=datetime(2027, 3, 12, tzinfo=UTC))
    assert (counts.total, counts.done, counts.by_requester, counts.late) == (3, 2, 1, 1)
    assert counts.average_satisfaction == 3.5
    assert followups_between(datetime(2027, 4, 1, tzinfo=UTC),
                             datetime(2027, 5, 1, tzinfo=UTC)).total == 0

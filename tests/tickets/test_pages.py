"""The staff ticket page: who may see it, and each form on it, through real requests."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

import factories as f
from conftest import token_from
from repairapp.accounts.models import Role
from repairapp.extensions import db
from repairapp.tickets.models import Status, Ticket
from repairapp.tickets.photos import Photo


@pytest.fixture
def tech(auth, client):
    user = f.user(Role.TECHNICIAN, name="Wang")
    auth.login(user.email)
    client.set_cookie("lang", "en")
    return user


def test_technician_cannot_see_or_change_another_technicians_ticket(client, auth, tech):
    """Someone else's job is a 404 for every page and action; a dispatcher can see it."""
    theirs = f.ticket(assignee=f.user(Role.TECHNICIAN), photos=[Photo(b"jpeg", 1, 1)])
    base = f"/tickets/{theirs.id}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/photos/{theirs.photos[0].id}").status_code == 404
    for action, data in (("status", {"to": "acknowledged"}), ("work", {"minutes": "5"}),
                         ("resolve", {}), ("assign", {}), ("triage", {})):
        assert auth.post(f"{base}/{action}", data, page_url="/accounts/password"
                         ).status_code == 404
    assert f.fresh(theirs).status is Status.NEW and len(f.fresh(theirs).events) == 1
    auth.logout()
    auth.login(f.user(Role.DISPATCHER).email)
    assert client.get(base).status_code == 200


def test_technician_works_a_job_with_two_taps_per_step(client, auth, tech):
    """Accept, on the way, on site: each one tap, each recorded."""
    ticket = f.ticket(assignee=tech)
    url = f"/tickets/{ticket.id}"
    for to in ("acknowledged", "on_the_way", "on_site"):
        assert auth.post(f"{url}/status", {"to": to}, page_url=url).status_code == 302
    assert [e.to_value for e in f.fresh(ticket).events] == ["new", "acknowledged", "on_the_way",
                                                          "on_site"]
    assert f.fresh(ticket).responded_at is not None


def test_forbidden_move_is_explained_and_changes_nothing(client, auth, tech):
    """Waiting for parts on a job never accepted is refused with a message."""
    ticket = f.ticket(assignee=tech)
    url = f"/tickets/{ticket.id}"
    response = auth.post(f"{url}/status", {"to": "waiting_parts"}, page_url=url,
                         follow_redirects=True)
    assert "not allowed" in response.get_data(as_text=True)
    assert f.fresh(ticket).status is Status.NEW


def test_resolve_without_note_keeps_what_was_typed(client, auth, tech):
    """A missing resolution note is explained; minutes and parts typed stay in the form."""
    ticket = f.ticket(assignee=tech, status=Status.ON_SITE)
    url = f"/tickets/{ticket.id}"
    response = auth.post(f"{url}/resolve", {"work_type": "on_site", "minutes": "45",
                                            "parts-0-item": "Fuse 10A", "parts-0-quantity": "2",
                                            "notes": ""}, page_url=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Write what was done" in page
    assert 'value="45"' in page and 'value="Fuse 10A"' in page
    assert f.fresh(ticket).status is Status.ON_SITE


def test_resolve_through_the_page_logs_work_and_parts(client, auth, tech):
    """Resolving with note, work type, 45 minutes and a part records all of it."""
    ticket = f.ticket(assignee=tech, status=Status.ON_SITE)
    url = f"/tickets/{ticket.id}"
    auth.post(f"{url}/resolve", {"work_type": "on_site", "minutes": "45",
                                 "parts-0-item": "Fuse 10A", "parts-0-quantity": "2",
                                 "notes": "Replaced the blown fuse"}, page_url=url)
    done = f.fresh(ticket)
    assert done.status is Status.RESOLVED and done.resolution_note == "Replaced the blown fuse"
    assert [(p.description, p.quantity) for p in done.work_logs[0].parts] == [("Fuse 10A", 2)]
    assert done.work_logs[0].minutes == 45


def test_hand_over_to_a_colleague_needs_a_reason(client, auth, tech):
    """Without a reason the hand-over is refused; with one the colleague has the job."""
    colleague = f.user(Role.TECHNICIAN, name="Li")
    ticket = f.ticket(assignee=tech)
    url = f"/tickets/{ticket.id}"
    refused = auth.post(f"{url}/assign", {"technician": str(colleague.id), "reason": ""},
                        page_url=url)
    assert refused.status_code == 422 and "Give a reason" in refused.get_data(as_text=True)
    done = auth.post(f"{url}/assign", {"technician": str(colleague.id), "reason": "ill"},
                     page_url=url)
    assert done.headers["Location"] == "/jobs/"
    assert f.fresh(ticket).assignee_id == colleague.id
    assert client.get(url).status_code == 404  # no longer mine


def test_dispatcher_assigns_and_regrades(client, auth):
    """A dispatcher sets severity and category and assigns; due times move with severity."""
    dispatcher, tech = f.user(Role.DISPATCHER), f.user(Role.TECHNICIAN, name="Wang")
    auth.login(dispatcher.email)
    plans = f.standard_plans()
    machine = f.asset(accepted=date(2020, 1, 1))
    f.contract(machine, plans["A"], date(2020, 1, 1), date(2099, 1, 1))
    ticket = f.ticket(machine)
    filed_due = ticket.response_due_at
    url = f"/tickets/{ticket.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Wang (0)" in page  # the technician's load next to the name
    auth.post(f"{url}/assign", {"technician": str(tech.id)}, page_url=url)
    auth.post(f"{url}/triage", {"severity": "minor", "category": "software"}, page_url=url)
    done = f.fresh(ticket)
    assert done.assignee_id == tech.id and done.category.value == "software"
    assert done.severity.value == "minor"
    assert done.response_due_at - filed_due == timedelta(minutes=240 - 60)


def test_staff_post_without_csrf_token_is_refused(client, auth, tech):
    """CSRF is enforced on staff forms: no token, no change."""
    ticket = f.ticket(assignee=tech)
    response = client.post(f"/tickets/{ticket.id}/status", data={"to": "acknowledged"})
    assert response.status_code == 400 and f.fresh(ticket).status is Status.NEW


def test_dispatch_queue_filters(client, auth):
    """Triage shows new/unassigned; filters narrow by technician and breached."""
    auth.login(f.user(Role.DISPATCHER).email)
    tech = f.user(Role.TECHNICIAN)
    unassigned = f.ticket()
    working = f.ticket(assignee=tech, status=Status.ON_SITE)
    triage = client.get("/dispatch/").get_data(as_text=True)
    assert unassigned.number in triage and working.number not in triage
    by_tech = client.get(f"/dispatch/?view=open&technician={tech.id}").get_data(as_text=True)
    assert working.number in by_tech and unassigned.number not in by_tech
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 2


def test_technicians_cannot_open_the_dispatch_queue(client, tech):
    """The queue is for dispatchers and admins."""
    assert client.get("/dispatch/").status_code == 403


def test_concurrent_edit_is_explained_not_a_crash(client, auth, tech):
    """If another server changes the ticket while this request works, nothing of this
    request is written and the technician is told why."""
    ticket = f.ticket(assignee=tech)
    url = f"/tickets/{ticket.id}"
    page = client.get(url).get_data(as_text=True)

    def meanwhile(session, context, instances):  # another server commits first
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE tickets SET version = version + 1, status = 'ON_SITE' "
                                 "WHERE id = :id"), {"id": ticket.id})

    sa.event.listen(sa.orm.Session, "before_flush", meanwhile, once=True)
    try:
        response = client.post(f"{url}/status", data={"to": "acknowledged",
                                                      "csrf_token": token_from(page)},
                               follow_redirects=True)
    finally:
        if sa.event.contains(sa.orm.Session, "before_flush", meanwhile):
            sa.event.remove(sa.orm.Session, "before_flush", meanwhile)
    assert response.status_code == 200
    assert "Someone else changed this ticket" in response.get_data(as_text=True)
    assert f.fresh(ticket).status is Status.ON_SITE and len(f.fresh(ticket).events) == 1


def test_no_work_on_a_resolved_ticket(client, auth, tech):
    """Posting a work log to a resolved ticket is refused and writes nothing."""
    ticket = f.ticket(assignee=tech, status=Status.RESOLVED)
    url = f"/tickets/{ticket.id}"
    response = auth.post(f"{url}/work", {"work_type": "remote", "minutes": "5", "notes": ""},
                         page_url=url, follow_redirects=True)
    assert "not allowed" in response.get_data(as_text=True) and f.fresh(ticket).work_logs == []


def test_breached_filter_includes_late_responses(client, auth):
    """Past due now, or responded after the response deadline: both count as breached."""
    from repairapp.db import utcnow
    auth.login(f.user(Role.DISPATCHER).email)
    now = utcnow()
    late_answer = f.ticket(status=Status.IN_PROGRESS)
    late_answer.response_due_at, late_answer.responded_at = now - timedelta(hours=3), now
    late_answer.resolution_due_at = now + timedelta(hours=5)
    overdue = f.ticket()
    overdue.response_due_at = now - timedelta(minutes=1)
    fine = f.ticket()
    fine.response_due_at = now + timedelta(hours=1)
    db.session.commit()
    page = client.get("/dispatch/?view=open&breached=1").get_data(as_text=True)
    assert late_answer.number in page and overdue.number in page and fine.number not in page


def test_odd_filter_values_are_ignored(client, auth):
    """Non-ASCII digits or junk in the filters give the unfiltered page, not an error."""
    auth.login(f.user(Role.DISPATCHER).email)
    assert client.get("/dispatch/?customer=%C2%B2&site=abc&technician=-1").status_code == 200

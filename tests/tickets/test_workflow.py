"""The state machine: every allowed and forbidden move, for every kind of actor."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

import factories as f
from repairapp.accounts.models import Role
from repairapp.contracts.models import Severity
from repairapp.extensions import db
from repairapp.tickets import work
from repairapp.tickets.models import Status, WorkType
from repairapp.tickets.workflow import (
    Actor,
    AwaitedMissing,
    TransitionError,
    actor_for,
    allowed,
    awaited,
    change_status,
    note_for_customer,
)

S = Status
STAFF = {"assignee", "dispatcher"}
# Written out by hand from the issue, independently of the code's own table.
EXPECTED = {
    (S.NEW, S.ACKNOWLEDGED): STAFF, (S.NEW, S.ON_THE_WAY): STAFF, (S.NEW, S.ON_SITE): STAFF,
    (S.NEW, S.IN_PROGRESS): STAFF,
    (S.ACKNOWLEDGED, S.ON_THE_WAY): STAFF, (S.ACKNOWLEDGED, S.ON_SITE): STAFF,
    (S.ACKNOWLEDGED, S.IN_PROGRESS): STAFF, (S.ACKNOWLEDGED, S.WAITING_PARTS): STAFF,
    (S.ACKNOWLEDGED, S.WAITING_CUSTOMER): STAFF, (S.ACKNOWLEDGED, S.RESOLVED): STAFF,
    # On the way, the customer calls: fixed remotely, or it waits for a part or for them.
    (S.ON_THE_WAY, S.ON_SITE): STAFF, (S.ON_THE_WAY, S.IN_PROGRESS): STAFF,
    (S.ON_THE_WAY, S.WAITING_PARTS): STAFF, (S.ON_THE_WAY, S.WAITING_CUSTOMER): STAFF,
    (S.ON_THE_WAY, S.RESOLVED): STAFF,
    (S.ON_SITE, S.IN_PROGRESS): STAFF, (S.ON_SITE, S.WAITING_PARTS): STAFF,
    (S.ON_SITE, S.WAITING_CUSTOMER): STAFF, (S.ON_SITE, S.RESOLVED): STAFF,
    (S.IN_PROGRESS, S.ON_THE_WAY): STAFF, (S.IN_PROGRESS, S.ON_SITE): STAFF,
    (S.IN_PROGRESS, S.WAITING_PARTS): STAFF, (S.IN_PROGRESS, S.WAITING_CUSTOMER): STAFF,
    (S.IN_PROGRESS, S.RESOLVED): STAFF,
    (S.WAITING_PARTS, S.IN_PROGRESS): STAFF, (S.WAITING_PARTS, S.ON_THE_WAY): STAFF,
    (S.WAITING_PARTS, S.ON_SITE): STAFF, (S.WAITING_PARTS, S.WAITING_CUSTOMER): STAFF,
    (S.WAITING_PARTS, S.RESOLVED): STAFF,
    # The requester approving a quote resumes the work (repairapp.quotes).
    (S.WAITING_CUSTOMER, S.IN_PROGRESS): STAFF | {"requester"},
    (S.WAITING_CUSTOMER, S.ON_THE_WAY): STAFF | {"requester"},
    (S.WAITING_CUSTOMER, S.ON_SITE): STAFF | {"requester"},
    (S.WAITING_CUSTOMER, S.WAITING_PARTS): STAFF | {"requester"},
    (S.WAITING_CUSTOMER, S.RESOLVED): STAFF,
    # The requester declining a quote closes the ticket, wherever the work stood.
    **{(start, S.CLOSED): {"requester"} for start in (
        S.ACKNOWLEDGED, S.ON_THE_WAY, S.ON_SITE, S.IN_PROGRESS, S.WAITING_PARTS,
        S.WAITING_CUSTOMER)},
    (S.RESOLVED, S.CLOSED): {"requester", "dispatcher", "system"},
    (S.RESOLVED, S.IN_PROGRESS): {"requester", "dispatcher"},
}
PAIRS = [(a, b) for a in Status for b in Status if a is not b]


@pytest.mark.parametrize("actor", list(Actor), ids=lambda a: a.value)
@pytest.mark.parametrize("start,to", PAIRS, ids=lambda s: s.value)
def test_every_transition_for_every_actor(start, to, actor):
    """Allowed moves happen; forbidden ones raise and change nothing."""
    ticket = f.ticket(status=start)
    events_before = len(ticket.events)
    note = "a photo of the error screen"  # what is awaited, required for waiting_customer
    if actor.value in EXPECTED.get((start, to), ()):
        change_status(ticket, to, actor, note=note)
        assert ticket.status is to and len(ticket.events) == events_before + 1
    else:
        with pytest.raises(TransitionError):
            change_status(ticket, to, actor, note=note)
        assert ticket.status is start and len(ticket.events) == events_before


def test_roles_map_to_actors():
    """Dispatchers and admins steer any ticket; technicians only their own; others nothing."""
    tech, other = f.user(Role.TECHNICIAN), f.user(Role.TECHNICIAN)
    ticket = f.ticket(assignee=tech)
    assert actor_for(tech, ticket) is Actor.ASSIGNEE
    assert actor_for(other, ticket) is None and allowed(ticket, None) == []
    assert actor_for(f.user(Role.DISPATCHER), ticket) is Actor.DISPATCHER
    assert actor_for(f.user(Role.ADMIN), ticket) is Actor.DISPATCHER


def test_public_and_private_steps():
    """Acknowledged/on the way/on site/waiting for the customer are public; parts internal."""
    ticket = f.ticket()
    for to in (S.ACKNOWLEDGED, S.ON_THE_WAY, S.ON_SITE, S.WAITING_PARTS, S.WAITING_CUSTOMER,
               S.ON_SITE):
        change_status(ticket, to, Actor.DISPATCHER, note="the door code")
    public = [e.to_value for e in ticket.events if e.is_public]
    assert public == ["new", "acknowledged", "on_the_way", "on_site", "waiting_customer",
                      "on_site"]


def test_resolve_requires_a_note_and_records_the_work():
    """No resolution note, no resolution; with one, the work and parts are logged."""
    tech = f.user(Role.TECHNICIAN)
    ticket = f.ticket(assignee=tech, status=S.ON_SITE)
    with pytest.raises(ValueError):
        work.resolve(ticket, tech, resolution_note=" ", work_type=WorkType.ON_SITE)
    work.resolve(ticket, tech, resolution_note="Replaced fuse", work_type=WorkType.ON_SITE,
                 minutes=45, parts=[work.Part("Fuse 10A", 2)])
    log = ticket.work_logs[-1]
    assert ticket.status is S.RESOLVED and ticket.resolution_note == "Replaced fuse"
    assert (log.work_type, log.minutes, log.parts[0].description, log.parts[0].quantity) == \
        (WorkType.ON_SITE, 45, "Fuse 10A", 2)


def test_other_technician_can_do_nothing():
    """A technician not assigned cannot log work, resolve, check in or hand over."""
    owner, other = f.user(Role.TECHNICIAN), f.user(Role.TECHNICIAN)
    ticket = f.ticket(assignee=owner, status=S.ON_SITE)
    for act in (lambda: work.log_work(ticket, other, work_type=WorkType.REMOTE, minutes=5),
                lambda: work.resolve(ticket, other, resolution_note="x",
                                     work_type=WorkType.REMOTE),
                lambda: work.check_in(ticket, other),
                lambda: work.assign(ticket, other, other, "mine now")):
        with pytest.raises(work.NotAllowed):
            act()
    assert ticket.assignee_id == owner.id and ticket.work_logs == []


def test_hand_over_needs_a_reason_and_an_active_technician():
    """Technicians hand over with a reason; only to active technicians."""
    tech, colleague = f.user(Role.TECHNICIAN), f.user(Role.TECHNICIAN, name="Li")
    ticket = f.ticket(assignee=tech)
    with pytest.raises(ValueError):
        work.assign(ticket, colleague, tech, "")
    with pytest.raises(ValueError):
        work.assign(ticket, f.user(Role.DISPATCHER), tech, "reason")
    work.assign(ticket, colleague, tech, "I am ill")
    event = ticket.events[-1]
    assert ticket.assignee_id == colleague.id and event.note == "I am ill"
    assert event.to_value == "Li" and not event.is_public


def test_severity_change_recomputes_from_the_frozen_targets():
    """Re-grading uses the targets frozen at filing, even if the plan changed since."""
    plans = f.standard_plans()
    machine = f.asset(accepted=date(2020, 1, 1))
    f.contract(machine, plans["A"], date(2020, 1, 1), date(2099, 1, 1))
    filed = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
    ticket = f.ticket(machine, now=filed)
    plans["A"].response_minor_min = 1
    db.session.commit()
    work.set_severity(ticket, Severity.MINOR, f.user(Role.DISPATCHER))
    assert ticket.response_due_at == filed + timedelta(minutes=240)  # 60 x 4, as filed
    assert ticket.events[-1].from_value == "critical" and ticket.events[-1].to_value == "minor"
    with pytest.raises(work.NotAllowed):
        work.set_severity(ticket, Severity.MAJOR, f.user(Role.TECHNICIAN))


def test_requester_confirms_and_rates():
    """Confirming closes the ticket with the rating, as a public event."""
    ticket = f.ticket(status=S.RESOLVED)
    work.confirm_fixed(ticket, rating=4, comment="Quick")
    assert ticket.status is S.CLOSED and (ticket.rating, ticket.rating_comment) == (4, "Quick")
    assert ticket.events[-1].is_public and ticket.events[-1].to_value == "4"
    with pytest.raises(TransitionError):
        work.confirm_fixed(ticket, rating=5)


def test_requester_reopens_with_a_note():
    """"Not fixed" puts the ticket back to work, counts the reopen, and keeps the note public."""
    ticket = f.ticket(status=S.RESOLVED)
    work.reopen_by_requester(ticket, "Still beeping")
    event = ticket.events[-1]
    assert ticket.status is S.IN_PROGRESS and ticket.reopen_count == 1
    assert event.is_public and event.note == "Still beeping" and event.actor_id is None


def test_every_open_status_offers_a_way_forward_and_a_way_to_finish():
    """From each open status the assigned technician can move on, and once accepted resolve."""
    tech = f.user(Role.TECHNICIAN)
    for status in (S.NEW, S.ACKNOWLEDGED, S.ON_THE_WAY, S.ON_SITE, S.IN_PROGRESS,
                   S.WAITING_PARTS, S.WAITING_CUSTOMER):
        moves = allowed(f.ticket(assignee=tech, status=status), Actor.ASSIGNEE)
        assert S.IN_PROGRESS in moves or status is S.IN_PROGRESS, status
        assert (S.RESOLVED in moves) is (status is not S.NEW), status


def test_from_on_the_way_the_job_can_still_go_any_sensible_way():
    """On the way: arrive, resolve or work remotely, or wait for parts or for the customer."""
    ticket = f.ticket(assignee=f.user(Role.TECHNICIAN), status=S.ON_THE_WAY)
    assert allowed(ticket, Actor.ASSIGNEE) == [S.ON_SITE, S.IN_PROGRESS, S.WAITING_PARTS,
                                               S.WAITING_CUSTOMER, S.RESOLVED]


@pytest.mark.parametrize("first", [S.ACKNOWLEDGED, S.ON_THE_WAY, S.ON_SITE, S.IN_PROGRESS])
def test_the_first_move_out_of_new_is_the_response(first):
    """Accepting, heading out, checking in or starting remote work all meet the response."""
    ticket = f.ticket(assignee=f.user(Role.TECHNICIAN))
    ticket.response_due_at = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
    late = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    change_status(ticket, first, Actor.ASSIGNEE, now=late)
    assert ticket.responded_at == late and ticket.response_breached
    change_status(ticket, S.WAITING_PARTS, Actor.ASSIGNEE, now=late + timedelta(hours=1))
    assert ticket.responded_at == late


def test_waiting_for_the_customer_needs_what_is_awaited_and_shows_it():
    """No text, no move; with it the step is public and the text is what is awaited."""
    ticket = f.ticket(assignee=f.user(Role.TECHNICIAN), status=S.ON_SITE)
    with pytest.raises(AwaitedMissing):
        change_status(ticket, S.WAITING_CUSTOMER, Actor.ASSIGNEE, note="  ")
    assert ticket.status is S.ON_SITE and awaited(ticket) == ""
    change_status(ticket, S.WAITING_CUSTOMER, Actor.ASSIGNEE, note="a photo of the error screen")
    assert ticket.events[-1].is_public and awaited(ticket) == "a photo of the error screen"
    change_status(ticket, S.IN_PROGRESS, Actor.ASSIGNEE)
    assert awaited(ticket) == ""


def test_the_resolution_note_is_for_the_customer_only_from_now_on():
    """A resolution carries its note to the requester; older resolutions' notes stay private."""
    tech = f.user(Role.TECHNICIAN)
    ticket = f.ticket(assignee=tech, status=S.ON_THE_WAY)
    work.resolve(ticket, tech, resolution_note="Reset the drive", work_type=WorkType.REMOTE)
    assert note_for_customer(ticket) == "Reset the drive"
    work.reopen_by_requester(ticket, "Alarm again")
    assert note_for_customer(ticket) == ""
    older = f.ticket(assignee=tech, status=S.ON_SITE)
    change_status(older, S.RESOLVED, Actor.ASSIGNEE)  # as resolved before notes were public
    older.resolution_note = "internal: customer broke it"
    assert note_for_customer(older) == ""


@pytest.fixture
def tech_page(auth, client):
    """A logged-in technician (English pages) and a job of theirs on the way."""
    tech = f.user(Role.TECHNICIAN, name="Wang")
    auth.login(tech.email)
    client.set_cookie("lang", "en")
    ticket = f.ticket(assignee=tech, status=S.ON_THE_WAY)
    return ticket, f"/tickets/{ticket.id}"


def _buttons(html: str) -> list[str]:
    return re.findall(r'<button class="primary" name="go">([^<]+)</button>', html)


def test_buttons_say_what_they_do_from_where_the_job_is(client, tech_page):
    """On the way: arrive, work or resolve remotely, wait for parts or for the customer."""
    ticket, url = tech_page
    page = client.get(url).get_data(as_text=True)
    assert _buttons(page) == ["I'm on site", "Work remotely", "Wait for parts"]
    assert ">Resolve remotely</a>" in page and "Wait for the customer</summary>" in page
    resolve_form = page[page.index('id="resolve"'):]
    assert re.search(r'<input checked[^>]* value="remote"', resolve_form)  # starts at remote


def test_each_tap_confirms_the_new_status_and_who_sees_it(client, auth, tech_page):
    """The page after a tap names the new status and says whether the requester sees it."""
    ticket, url = tech_page
    arrived = auth.post(f"{url}/status", {"to": "on_site"}, page_url=url, follow_redirects=True)
    assert "Marked “Technician on site”. The requester can see it." in \
        arrived.get_data(as_text=True)
    assert _buttons(arrived.get_data(as_text=True))[:1] == ["Continue remotely"]
    parts = auth.post(f"{url}/status", {"to": "waiting_parts"}, page_url=url,
                      follow_redirects=True)
    assert "Marked “Waiting for parts”. Only staff see this step." in \
        parts.get_data(as_text=True)


def test_waiting_for_the_customer_without_saying_what_comes_back_with_the_error(
        client, auth, tech_page):
    """No JavaScript needed: an empty "what are you waiting for" returns the form, unchanged."""
    ticket, url = tech_page
    response = auth.post(f"{url}/status", {"to": "waiting_customer", "note": " "}, page_url=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Say what you are waiting for." in page
    assert '<details id="wait" open>' in page
    db.session.expire_all()
    assert db.session.get(type(ticket), ticket.id).status is S.ON_THE_WAY


def test_waiting_for_the_customer_is_stated_on_the_ticket_page(client, auth, tech_page):
    """What is awaited is confirmed, then shown on the ticket page until work resumes."""
    ticket, url = tech_page
    done = auth.post(f"{url}/status", {"to": "waiting_customer",
                                       "note": "access to the server room on Monday"},
                     page_url=url, follow_redirects=True).get_data(as_text=True)
    assert "Marked “Waiting for customer”. The requester sees what you are waiting for" in done
    assert "Waiting for the customer to provide: access to the server room on Monday" in done
    resumed = auth.post(f"{url}/status", {"to": "in_progress"}, page_url=url,
                        follow_redirects=True).get_data(as_text=True)
    assert "The deadlines run again." in resumed and "to provide:" not in resumed


def test_resolving_says_the_customer_sees_the_note(client, auth, tech_page):
    """The resolve form says who reads the note; the confirmation says it was shown."""
    ticket, url = tech_page
    page = client.get(url).get_data(as_text=True)
    assert "What was done (the customer sees this)" in page
    done = auth.post(f"{url}/resolve", {"work_type": "remote", "minutes": "20",
                                        "notes": "Talked them through a drive reset"},
                     page_url=url, follow_redirects=True).get_data(as_text=True)
    assert "The requester sees what was done and is asked to confirm." in done

"""The state machine: every allowed and forbidden move, for every kind of actor."""

from datetime import UTC, date, datetime, timedelta

import pytest

import factories as f
from repairapp.accounts.models import Role
from repairapp.contracts.models import Severity
from repairapp.extensions import db
from repairapp.tickets import work
from repairapp.tickets.models import Status, WorkType
from repairapp.tickets.workflow import Actor, TransitionError, actor_for, allowed, change_status

S = Status
STAFF = {"assignee", "dispatcher"}
# Written out by hand from the issue, independently of the code's own table.
EXPECTED = {
    (S.NEW, S.ACKNOWLEDGED): STAFF,
    (S.ACKNOWLEDGED, S.ON_THE_WAY): STAFF, (S.ACKNOWLEDGED, S.ON_SITE): STAFF,
    (S.ACKNOWLEDGED, S.IN_PROGRESS): STAFF, (S.ACKNOWLEDGED, S.WAITING_PARTS): STAFF,
    (S.ACKNOWLEDGED, S.WAITING_CUSTOMER): STAFF, (S.ACKNOWLEDGED, S.RESOLVED): STAFF,
    (S.ON_THE_WAY, S.ON_SITE): STAFF,
    (S.ON_SITE, S.IN_PROGRESS): STAFF, (S.ON_SITE, S.WAITING_PARTS): STAFF,
    (S.ON_SITE, S.WAITING_CUSTOMER): STAFF, (S.ON_SITE, S.RESOLVED): STAFF,
    (S.IN_PROGRESS, S.ON_THE_WAY): STAFF, (S.IN_PROGRESS, S.ON_SITE): STAFF,
    (S.IN_PROGRESS, S.WAITING_PARTS): STAFF, (S.IN_PROGRESS, S.WAITING_CUSTOMER): STAFF,
    (S.IN_PROGRESS, S.RESOLVED): STAFF,
    (S.WAITING_PARTS, S.IN_PROGRESS): STAFF, (S.WAITING_PARTS, S.ON_THE_WAY): STAFF,
    (S.WAITING_PARTS, S.ON_SITE): STAFF,
    (S.WAITING_CUSTOMER, S.IN_PROGRESS): STAFF, (S.WAITING_CUSTOMER, S.ON_THE_WAY): STAFF,
    (S.WAITING_CUSTOMER, S.ON_SITE): STAFF,
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
    if actor.value in EXPECTED.get((start, to), ()):
        change_status(ticket, to, actor)
        assert ticket.status is to and len(ticket.events) == events_before + 1
    else:
        with pytest.raises(TransitionError):
            change_status(ticket, to, actor)
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
    """Acknowledged/on the way/on site/resolved are public; waiting for parts is internal."""
    ticket = f.ticket()
    for to in (S.ACKNOWLEDGED, S.ON_THE_WAY, S.ON_SITE, S.WAITING_PARTS, S.ON_SITE):
        change_status(ticket, to, Actor.DISPATCHER)
    public = [e.to_value for e in ticket.events if e.is_public]
    assert public == ["new", "acknowledged", "on_the_way", "on_site", "on_site"]


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

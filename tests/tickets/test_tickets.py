"""Filing freezes coverage; staff move tickets along and every change is recorded."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

import factories as f
from repairapp.accounts.models import Role
from repairapp.contracts.models import CoverageState, Severity
from repairapp.extensions import db
from repairapp.tickets import services
from repairapp.tickets.models import Category, Status, Ticket
from repairapp.tickets.workflow import Actor, change_status

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def file(asset, severity=Severity.CRITICAL, key="k" * 20, now=NOW) -> Ticket:
    return services.file_ticket(asset, category=Category.ERROR, severity=severity,
                                description="", requester_name="Zhou",
                                requester_phone="13900000001", idempotency_key=key, now=now)


@pytest.fixture
def contracted():
    plans = f.standard_plans()
    machine = f.asset(accepted=date(2020, 1, 1))
    contract = f.contract(machine, plans["A"], date(2026, 1, 1), date(2026, 12, 31))
    return machine, contract


def test_ticket_freezes_coverage_and_due_times(contracted):
    """The snapshot holds state, plan, period, chargeability and the SLA due times."""
    machine, contract = contracted
    ticket = file(machine)
    assert ticket.coverage_state is CoverageState.CONTRACT
    assert (ticket.plan_name, ticket.contract_id) == ("Level A", contract.id)
    assert (ticket.coverage_start, ticket.coverage_end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert ticket.is_chargeable is False
    assert ticket.response_due_at == NOW + timedelta(minutes=60)
    assert ticket.resolution_due_at == NOW + timedelta(minutes=240)


def test_due_times_follow_severity(contracted):
    """A minor fault gets the plan's (longer) minor targets."""
    ticket = file(contracted[0], severity=Severity.MINOR)
    assert ticket.response_due_at == NOW + timedelta(minutes=240)
    assert ticket.resolution_due_at == NOW + timedelta(minutes=960)


def test_snapshot_is_frozen_after_the_contract_changes(contracted):
    """Shortening the contract or changing its plan later leaves the ticket's promise alone."""
    machine, contract = contracted
    ticket = file(machine)
    db.session.commit()
    contract.end_date = date(2026, 2, 1)
    contract.plan.response_critical_min = 999
    contract.plan.name = "Renamed"
    db.session.commit()
    db.session.expire_all()
    fresh = db.session.get(Ticket, ticket.id)
    assert fresh.coverage_state is CoverageState.CONTRACT
    assert fresh.coverage_end == date(2026, 12, 31) and fresh.plan_name == "Level A"
    assert fresh.response_due_at == NOW + timedelta(minutes=60)


def test_lapsed_ticket_is_chargeable_with_per_incident_targets():
    """A lapsed asset's ticket is chargeable and promises the per-incident times."""
    plans = f.standard_plans()
    machine = f.asset(accepted=date(2020, 1, 1))
    f.contract(machine, plans["A"], date(2024, 1, 1), date(2024, 12, 31))
    ticket = file(machine)
    assert ticket.coverage_state is CoverageState.LAPSED and ticket.is_chargeable
    assert ticket.lapsed_on == date(2025, 1, 1)
    assert ticket.plan_name == "Per incident"
    assert ticket.response_due_at == NOW + timedelta(minutes=1440)


def test_no_plan_configured_means_no_due_times():
    """Without any per-incident plan an uncovered ticket has no deadlines, not a crash."""
    ticket = file(f.asset(accepted=None, warranty_months=0))
    assert ticket.plan is None and ticket.response_due_at is None


def test_duplicate_idempotency_key_is_refused_by_the_database(contracted):
    """The unique constraint, not only the code path, prevents a second ticket per key."""
    file(contracted[0], key="same-key-123456789")
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        file(contracted[0], key="same-key-123456789")
        db.session.commit()
    db.session.rollback()


def test_status_change_records_who_when_from_to(contracted):
    """Each change is a TicketEvent with actor, time, from and to; response time is stamped."""
    ticket = file(contracted[0])
    tech = f.user(Role.TECHNICIAN, name="Wang")
    ticket.assignee = tech
    later = NOW + timedelta(minutes=30)
    change_status(ticket, Status.ACKNOWLEDGED, Actor.ASSIGNEE, user=tech, note="on it",
                  now=later)
    event = ticket.events[-1]
    assert (event.actor_id, event.actor_name, event.from_value, event.to_value, event.note) \
        == (tech.id, "Wang", "new", "acknowledged", "on it")
    assert event.created_at == later and ticket.responded_at == later


def test_concurrent_status_changes_cannot_both_win(app, contracted):
    """Two staff acting on the same ticket at once: the second write is refused."""
    ticket = file(contracted[0])
    db.session.commit()
    actor = f.user(Role.DISPATCHER)
    with sa.orm.Session(db.engine) as other:  # a second server, same instant
        twin = other.get(Ticket, ticket.id)
        change_status(ticket, Status.ACKNOWLEDGED, Actor.DISPATCHER, user=actor, now=NOW)
        db.session.commit()
        twin.status = Status.ACKNOWLEDGED
        with pytest.raises(sa.orm.exc.StaleDataError):
            other.commit()
    db.session.expire_all()
    assert [e.to_value for e in db.session.get(Ticket, ticket.id).events] == ["new",
                                                                              "acknowledged"]


# --- the staff pages -------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/tickets/", "/tickets/1", "/tickets/1/photos/1"])
def test_staff_pages_need_login(client, path):
    """Every staff page redirects an anonymous visitor to the log-in page."""
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]


def test_staff_post_without_csrf_token_is_refused(client, auth, contracted):
    """CSRF is enforced on staff forms: no token, no change."""
    ticket = file(contracted[0])
    user = f.user(Role.DISPATCHER)
    db.session.commit()
    auth.login(user.email)
    response = client.post(f"/tickets/{ticket.id}/status", data={"to": "acknowledged"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status is Status.NEW


def test_staff_sees_photos(client, auth, contracted):
    """Photos attached by the requester are served to logged-in staff as JPEG."""
    from repairapp.tickets.photos import Photo
    ticket = services.file_ticket(
        contracted[0], category=Category.ERROR, severity=Severity.MAJOR, description="",
        requester_name="Z", requester_phone="13900000001", idempotency_key="p" * 20,
        photos=[Photo(b"\xff\xd8jpeg", 10, 10)])
    user = f.user(Role.TECHNICIAN)
    ticket.assignee = user
    db.session.commit()
    auth.login(user.email)
    photo = ticket.photos[0]
    response = client.get(f"/tickets/{ticket.id}/photos/{photo.id}")
    assert response.status_code == 200 and response.data == b"\xff\xd8jpeg"
    assert client.get(f"/tickets/{ticket.id}/photos/{photo.id + 1}").status_code == 404

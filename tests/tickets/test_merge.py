"""A second open ticket on a machine is flagged as a duplicate and merged in one tap."""

import re

import pytest
import sqlalchemy as sa

import factories as f
from conftest import token_from
from repairapp.accounts.models import Role
from repairapp.dispatch.services import technician_load
from repairapp.extensions import db
from repairapp.tickets.models import EventKind, Status, TicketPhoto
from repairapp.tickets.photos import Photo


@pytest.fixture
def dispatcher(auth, client):
    user = f.user(Role.DISPATCHER, name="Desk Li")
    auth.login(user.email)
    client.set_cookie("lang", "en")
    return user


@pytest.fixture
def pair():
    """The earlier and the later open ticket on one machine; the later one has a photo."""
    machine = f.asset()
    earlier = f.ticket(machine, description="Printer head jams", requester_name="Zhou")
    later = f.ticket(machine, description="Jams again on every page, red light blinking",
                     requester_name="Qian", requester_phone="139 0000 7777",
                     photos=[Photo(b"later-jpeg", 4, 3)])
    return earlier, later


def merge_via_page(auth, later, earlier, page_url=None):
    return auth.post(f"/tickets/{later.id}/merge", {"into": str(earlier.id)},
                     page_url=page_url or f"/tickets/{later.id}")


def test_later_ticket_page_flags_the_duplicate_with_a_merge_button(client, dispatcher, pair):
    """The later ticket says which open ticket it may duplicate and offers the merge."""
    earlier, later = pair
    page = client.get(f"/tickets/{later.id}").get_data(as_text=True)
    assert "Possible duplicate" in page
    assert f"Merge into {earlier.number}" in page
    first = client.get(f"/tickets/{earlier.id}").get_data(as_text=True)
    assert "Possible duplicate" not in first


def test_queue_card_flags_the_later_ticket_only(client, dispatcher, pair):
    """On /dispatch/ the later card carries the flag and button; the earlier one does not."""
    earlier, later = pair
    page = client.get("/dispatch/").get_data(as_text=True)
    assert page.count("Possible duplicate of") == 1
    assert f"Possible duplicate of {earlier.number}" in page
    assert f'action="/tickets/{later.id}/merge"' in page


def test_merge_closes_the_later_and_moves_text_and_photos_to_the_earlier(client, auth,
                                                                         dispatcher, pair):
    """One tap: later closed as duplicate; its text in the earlier timeline, photo moved."""
    earlier, later = pair
    response = merge_via_page(auth, later, earlier)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/tickets/{earlier.id}")
    done, kept = f.fresh(later), f.fresh(earlier)
    assert done.status is Status.CLOSED and done.closed_at is not None
    assert done.merged_into_id == earlier.id
    assert kept.status is Status.NEW
    joined = kept.events[-1]
    assert joined.kind is EventKind.MERGED_IN and joined.from_value == later.number
    assert joined.note == "Jams again on every page, red light blinking"
    assert joined.actor_id == dispatcher.id  # the audit trail names who merged
    assert [e.kind for e in done.events][-1] is EventKind.MERGED
    assert done.events[-1].actor_name == "Desk Li" and done.events[-1].to_value == earlier.number
    photo = db.session.scalars(sa.select(TicketPhoto)).one()
    assert (photo.ticket_id, photo.event_id) == (earlier.id, joined.id)
    page = client.get(f"/tickets/{earlier.id}").get_data(as_text=True)
    assert f"/tickets/{earlier.id}/photos/{photo.id}" in page
    assert "Jams again on every page" in page
    assert "Qian" in page and "139 0000 7777" in page  # who else reported it


def test_merged_ticket_leaves_the_open_counts(client, auth, dispatcher, pair):
    """A merged ticket no longer counts as an open job or sits in the triage queue."""
    earlier, later = pair
    tech = f.user(Role.TECHNICIAN)
    for ticket in (earlier, later):
        ticket.assignee = tech
    db.session.commit()
    assert dict((u.id, n) for u, n in technician_load())[tech.id] == 2
    merge_via_page(auth, later, earlier)
    db.session.expire_all()
    assert dict((u.id, n) for u, n in technician_load())[tech.id] == 1
    client.get(f"/tickets/{earlier.id}")  # where the merge led, with its message
    page = client.get("/dispatch/?view=open").get_data(as_text=True)
    assert f'href="/tickets/{earlier.id}"' in page
    assert f'href="/tickets/{later.id}"' not in page and 'id="total">1 ticket<' in page


def test_requester_of_the_later_ticket_follows_the_earlier_one(client, auth, dispatcher, pair):
    """The later tracking link shows the earlier ticket's progress, never its private link."""
    earlier, later = pair
    merge_via_page(auth, later, earlier)
    auth.logout()
    page = client.get(f"/t/{later.tracking_token}").get_data(as_text=True)
    assert earlier.number in page and "merged yours into it" in page
    assert earlier.tracking_token not in page
    earlier_page = client.get(f"/t/{earlier.tracking_token}").get_data(as_text=True)
    assert f"Another report of this fault ({later.number})" in earlier_page


def test_merge_from_the_queue_returns_to_the_same_queue_page(client, auth, dispatcher, pair):
    """The queue's button brings the dispatcher back to the queue with its filters."""
    earlier, later = pair
    queue = client.get("/dispatch/?view=open").get_data(as_text=True)
    form = re.search(rf'action="/tickets/{later.id}/merge">(.*?)</form>', queue, re.S)[1]
    back = re.search(r'name="next" value="([^"]+)"', form)[1].replace("&amp;", "&")
    response = client.post(f"/tickets/{later.id}/merge", data={
        "csrf_token": token_from(queue), "into": str(earlier.id), "next": back})
    assert response.headers["Location"] == "/dispatch/?view=open"
    assert f.fresh(later).status is Status.CLOSED


def test_merge_refuses_tickets_that_are_not_an_earlier_open_one_on_the_machine(
        client, auth, dispatcher, pair):
    """Wrong way round, another machine, or a closed earlier ticket: nothing changes."""
    earlier, later = pair
    other = f.ticket()
    assert merge_via_page(auth, earlier, later).status_code == 302  # later into earlier only
    assert merge_via_page(auth, later, other).status_code == 302
    assert f.fresh(earlier).status is Status.NEW and f.fresh(later).status is Status.NEW
    earlier.status = Status.CLOSED
    db.session.commit()
    response = merge_via_page(auth, later, earlier)
    assert f.fresh(later).status is Status.NEW and f.fresh(later).merged_into_id is None
    assert "Nothing was merged" in client.get(response.headers["Location"]).get_data(
        as_text=True)


def test_merge_rejects_an_off_site_return_address(client, auth, dispatcher, pair):
    """`next` pointing elsewhere is ignored: the dispatcher lands on the earlier ticket."""
    earlier, later = pair
    page = client.get(f"/tickets/{later.id}").get_data(as_text=True)
    response = client.post(f"/tickets/{later.id}/merge", data={
        "csrf_token": token_from(page), "into": str(earlier.id),
        "next": "//evil.example/phish"})
    assert response.headers["Location"].endswith(f"/tickets/{earlier.id}")


def test_technicians_cannot_merge(client, auth, pair):
    """Merging is a dispatcher's decision; the assigned technician gets a 403."""
    earlier, later = pair
    tech = f.user(Role.TECHNICIAN)
    later.assignee = tech
    db.session.commit()
    auth.login(tech.email)
    assert merge_via_page(auth, later, earlier).status_code == 403
    assert f.fresh(later).status is Status.NEW

"""The dispatcher's queue and ticket page: fault text on cards, one search box, and
assigning and grading before the long details."""

import re

import pytest

import factories as f
from conftest import counting_queries
from repairapp.accounts.models import Role
from repairapp.customers.models import Customer
from repairapp.tickets.models import Category, Status


@pytest.fixture
def desk(auth, client):
    """A dispatcher logged in, pages in English."""
    auth.login(f.user(Role.DISPATCHER).email)
    client.set_cookie("lang", "en")
    return auth


def cards(client, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def test_queue_card_shows_the_fault_text_category_and_asset(client, desk):
    """The card carries the first 120 characters of what the requester wrote."""
    long_text = "Paper jams at the fuser. " * 10  # 250 characters
    ticket = f.ticket(f.asset(tag="EQ-77", name="Line printer"), category=Category.MECHANICAL,
                      description=long_text)
    page = cards(client, "/dispatch/")
    assert f'href="/tickets/{ticket.id}"' in page
    assert "EQ-77" in page and "Line printer" in page and "Noise, leak or jam" in page
    assert long_text[:100] in page
    assert long_text[:130] not in page


@pytest.fixture
def tickets():
    """Four tickets that differ in number, phone, tag and customer."""
    acme = f.site(customer=Customer(name="ACME Plastics"))
    return {
        "acme": f.ticket(f.asset(site=acme, tag="EQ-100"), requester_phone="13800000001"),
        "phone": f.ticket(f.asset(tag="EQ-200"), requester_phone="139-1234 5678"),
        "tag": f.ticket(f.asset(tag="LAB-7"), requester_phone="13800000002"),
        "closed": f.ticket(f.asset(tag="EQ-300"), requester_phone="13800000003",
                           status=Status.CLOSED),
    }


def found(client, q: str) -> set[int]:
    page = cards(client, f"/dispatch/?q={q}")
    return {int(n) for n in re.findall(r'class="card row job[^"]*" href="/tickets/(\d+)"', page)}


@pytest.mark.parametrize("key, query", [
    ("acme", "acme"),            # customer name, any case, part of it
    ("acme", "PLASTIC"),
    ("phone", "13912345678"),    # phone digits, whatever spaces and dashes were typed
    ("phone", "1234-5678"),
    ("tag", "lab-7"),            # asset tag
    ("closed", "EQ-300"),        # a search looks through closed tickets too
])
def test_one_box_finds_by_customer_phone_or_tag(client, desk, tickets, key, query):
    """Each kind of query finds exactly the ticket it names."""
    assert found(client, query) == {tickets[key].id}


def test_one_box_finds_by_the_number_users_see(client, desk, tickets):
    """R000123, r123 and 123 all find ticket 123."""
    ticket = tickets["tag"]
    for query in (ticket.number, f"r{ticket.id}", f"#{ticket.id}", str(ticket.id)):
        assert ticket.id in found(client, query), query
    assert found(client, ticket.number) == {ticket.id}


def test_search_with_like_wildcards_matches_them_literally(client, desk, tickets):
    """% and _ typed in the box are characters, not wildcards."""
    assert found(client, "%") == set()
    assert found(client, "EQ_") == set()


def test_no_matches_is_distinct_from_an_empty_queue(client, desk):
    """A search that finds nothing says so; an empty queue says there are no tickets."""
    f.ticket(f.asset(tag="EQ-1"))
    empty_search = cards(client, "/dispatch/?q=nothing-like-this")
    assert "No matches for “nothing-like-this”." in empty_search
    assert "No tickets here." not in empty_search
    f.ticket(f.asset(tag="EQ-2"), status=Status.CLOSED)
    empty_queue = cards(client, "/dispatch/?view=waiting_parts")
    assert "No tickets here." in empty_queue and "No matches" not in empty_queue


def test_search_says_how_many_matched_and_keeps_the_query(client, desk, tickets):
    """The count is shown, the box keeps the text, and the filter form carries it along."""
    page = cards(client, "/dispatch/?q=EQ-")
    assert "3 tickets match “EQ-”" in page
    assert page.count('name="q" value="EQ-"') == 2


def test_dispatcher_sees_assign_and_grade_before_the_details(client, desk):
    """On the ticket page the assign and severity forms come before requester and machine."""
    ticket = f.ticket(description="Smoke from the back")
    page = cards(client, f"/tickets/{ticket.id}")
    order = [page.index(marker) for marker in (
        'id="assign"', 'id="triage"', "<h2>Requester</h2>", "<h2>Machine</h2>",
        "<h2>History</h2>")]
    assert order == sorted(order)
    assert "<summary>Assign technician" not in page  # open, not folded away


def test_technician_still_hands_over_below_the_details(client, auth):
    """The technician's hand-over form stays folded below the job's details."""
    tech = f.user(Role.TECHNICIAN)
    ticket = f.ticket(assignee=tech)
    auth.login(tech.email)
    client.set_cookie("lang", "en")
    page = cards(client, f"/tickets/{ticket.id}")
    assert page.index("<h2>Machine</h2>") < page.index('id="assign"')
    assert 'id="triage"' not in page


def test_queue_page_cost_does_not_grow_with_its_tickets(client, desk):
    """Cards, duplicate flags and the total: as many statements for 60 tickets as for 3."""
    machines = [f.asset() for _ in range(2)]
    tech = f.user(Role.TECHNICIAN)
    counts = []
    for already, n in ((0, 3), (3, 60)):
        for i in range(already, n):
            f.ticket(machines[i % 2], assignee=tech if i % 3 else None)
        client.get("/dispatch/?view=open")  # warm caches (translations, templates)
        with counting_queries() as statements:
            page = cards(client, "/dispatch/?view=open")
        assert "Possible duplicate of" in page
        counts.append(len(statements))
    assert counts[0] == counts[1]

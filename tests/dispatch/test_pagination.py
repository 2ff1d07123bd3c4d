"""Long lists show their total and come in pages of 50, the filters kept on every page."""

import html
import re

import sqlalchemy as sa

import factories as f
from repairapp.assets.models import Asset
from repairapp.contracts.models import Severity
from repairapp.extensions import db
from repairapp.notifications.models import Delivery, Notification, Transport
from repairapp.tickets.models import Category
from repairapp.tickets.services import file_ticket


def page_links(page: str) -> dict[str, str]:
    """The pager's links by their text ("2", "Next", ...), unescaped."""
    nav = re.search(r'<nav class="pager".*?</nav>', page, re.S)
    assert nav, "no page links"
    return {text.strip(): html.unescape(href)
            for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav[0])}


def walk(client, first_url: str, item: str) -> list[list[str]]:
    """Every page's items (by the regex `item`), following the pager's Next link."""
    pages, url = [], first_url
    while url:
        page = client.get(url).get_data(as_text=True)
        pages.append(re.findall(item, page))
        url = page_links(page).get("Next") if '<nav class="pager"' in page else None
    return pages


def test_assets_list_pages_through_all_120_with_the_search_kept(client, admin):
    """120 matching assets: total shown, 50 + 50 + 20, the search on every page link."""
    site = f.site()
    db.session.add_all([Asset(tag=f"PG-{n:03d}", name="Press", site=site) for n in range(120)]
                       + [Asset(tag=f"XX-{n}", name="Other", site=site) for n in range(5)])
    db.session.commit()
    first = client.get("/assets/?q=PG-").get_data(as_text=True)
    assert 'id="total">120 assets<' in first
    assert page_links(first)["2"] == "/assets/?q=PG-&page=2"
    pages = walk(client, "/assets/?q=PG-", r">(PG-\d{3})</a>")
    assert [len(p) for p in pages] == [50, 50, 20]
    assert sorted(sum(pages, [])) == [f"PG-{n:03d}" for n in range(120)]
    assert "XX-" not in client.get("/assets/?q=PG-&page=3").get_data(as_text=True)


def test_dispatch_queue_pages_through_all_120_with_the_filters_kept(client, admin):
    """The queue, filtered by customer, shows 120 of 125 in pages; page 3 keeps the filter."""
    ours, theirs = f.site(), f.site()
    machines = [f.asset(site=ours, with_label=False) for _ in range(3)]
    for n in range(125):
        file_ticket(machines[n % 3] if n < 120 else f.asset(site=theirs, with_label=False),
                    category=Category.ERROR, severity=Severity.MINOR, description="",
                    requester_name="Zhou", requester_phone="13900000001",
                    idempotency_key=f"bulk-{n}")
    db.session.commit()
    url = f"/dispatch/?view=open&customer={ours.customer_id}"
    first = client.get(url).get_data(as_text=True)
    assert 'id="total">120 tickets<' in first
    assert page_links(first)["3"] == f"{url}&page=3"
    pages = walk(client, url, r'class="card row job[^"]*" href="/tickets/(\d+)"')
    assert [len(p) for p in pages] == [50, 50, 20]
    assert len(set(sum(pages, []))) == 120


def test_outbox_pages_through_all_120_messages_newest_first(client, admin):
    """The outbox no longer stops at the latest 50: total shown, every message reachable."""
    f.ticket()
    note = db.session.scalars(sa.select(Notification)).one()  # "new ticket", from filing
    db.session.add_all([Delivery(notification=note, transport=Transport.EMAIL,
                                 recipient=f"p{n:03d}@example.com", subject=f"Message {n:03d}",
                                 body="") for n in range(120)])
    db.session.commit()
    first = client.get("/notifications/").get_data(as_text=True)
    assert 'id="total">120 messages<' in first
    pages = walk(client, "/notifications/", r"<td>(Message \d{3})</td>")
    assert [len(p) for p in pages] == [50, 50, 20]
    assert pages[0][0] == "Message 119" and pages[-1][-1] == "Message 000"


def test_a_page_past_the_end_or_not_a_number_still_shows_a_page(client, admin):
    """?page=99 shows the last page, ?page=x the first, instead of an empty list or an error."""
    site = f.site()
    db.session.add_all([Asset(tag=f"PG-{n:03d}", name="Press", site=site) for n in range(60)])
    db.session.commit()
    last = client.get("/assets/?page=99").get_data(as_text=True)
    assert "PG-059" in last and "PG-000" not in last
    first = client.get("/assets/?page=x").get_data(as_text=True)
    assert "PG-000" in first and "PG-059" not in first


def test_pager_links_are_at_least_44_px_tap_targets(client, admin):
    """The stylesheet gives page links a 2.75 rem (44 px) minimum size."""
    css = client.get("/static/app.css").get_data(as_text=True)
    rule = re.search(r"\.pager a,\.pager strong\{([^}]*)\}", css)[1]
    assert "min-width:2.75rem" in rule and "min-height:2.75rem" in rule

"""Due times on screen: the site's wall clock, its zone named abroad, and the promise in
words, on the ticket page, My jobs and the public scan page."""

import re
import time
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from sla.test_calendar import at

import factories as f
from intake.conftest import Requester, scan_url
from repairapp.accounts.models import Role
from repairapp.contracts.models import ServiceLevel
from repairapp.extensions import db
from repairapp.notifications.models import Channel, Delivery, NotificationKind, Transport
from repairapp.notifications.services import render
from repairapp.sla.models import ServiceCalendar
from repairapp.tickets.models import Status, Ticket
from repairapp.tickets.workflow import Actor, change_status

BERLIN = "Europe/Berlin"
LUNCH_BREAK = [[540, 720], [780, 1020]]  # 09:00-12:00, 13:00-17:00
OFFICE_PROMISE = ("8 h site: working hours only (Mon–Fri 09:00–12:00, 13:00–17:00 "
                  "Europe/Berlin time)")
RESPONSE = "Response within 1 working hour (by 2026-02-10 17:00 Europe/Berlin time)"
FIX = "Fix within 4 working hours (by 2026-02-11 12:00 Europe/Berlin time)"


@pytest.fixture
def tech(auth, client):
    user = f.user(Role.TECHNICIAN)
    auth.login(user.email)
    client.set_cookie("lang", "en")
    return user


def covered(plan, tz="Asia/Shanghai"):
    """A machine at a site in zone `tz` under a running contract on `plan`."""
    machine = f.asset(accepted=date(2020, 1, 1), site=f.site(timezone=tz))
    f.contract(machine, plan, date(2020, 1, 1), date(2099, 12, 31))
    return machine


def berlin_ticket(assignee=None):
    """Filed Tuesday 10 February 2026, 16:00 in Berlin under an 8 h office-hours plan:
    response due 17:00 that day, fix 12:00 the next (Shanghai: 00:00 and 19:00)."""
    office = ServiceCalendar(name="Berlin office", china_holidays=False,
                             hours={str(d): LUNCH_BREAK for d in range(5)})
    plan = f.plan(level=ServiceLevel.H8, response=60, resolution=240, calendar=office)
    return f.ticket(covered(plan, BERLIN), assignee=assignee,
                    now=at(BERLIN, 2026, 2, 10, 16, 0))


def test_ticket_page_shows_berlin_wall_clock_and_the_promise(client, tech):
    """Both deadlines in Berlin time with the zone named, and the plan's wording."""
    page = client.get(f"/tickets/{berlin_ticket(tech).id}").get_data(as_text=True)
    assert RESPONSE in page and FIX in page
    assert "2026-02-11 00:00" not in page and "2026-02-11 19:00" not in page
    assert OFFICE_PROMISE in page


def test_my_jobs_card_shows_berlin_wall_clock_and_the_hours(client, tech):
    """The card's next deadline is on the site's clock; the hours say when it runs."""
    berlin_ticket(tech)
    page = client.get("/jobs/").get_data(as_text=True)
    assert RESPONSE in page
    assert "Mon–Fri 09:00–12:00, 13:00–17:00" in page


def test_scan_page_shows_the_promise_and_the_open_requests_due_times(app):
    """A requester sees the tier and hours, and when the open request is due, in Berlin."""
    ticket = berlin_ticket()
    requester = app.test_client()
    requester.set_cookie("lang", "en")
    page = requester.get(f"/r/{ticket.asset.active_label.code}").get_data(as_text=True)
    assert "8 h site: working hours only (Mon–Fri 09:00–12:00, 13:00–17:00 " \
           "Europe/Berlin time)" in page
    assert RESPONSE in page and FIX in page


def test_a_7x24_plan_says_so_and_home_zone_is_not_named(client, tech):
    """Level A round the clock; a Shanghai site's times carry no zone name."""
    plan = f.plan(level=ServiceLevel.A, response=60, resolution=240)
    ticket = f.ticket(covered(plan), assignee=tech, now=at("Asia/Shanghai", 2026, 2, 10, 16, 0))
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "Level A: 7×24" in page
    assert "Response within 1 hour (by 2026-02-10 17:00)" in page
    assert "Fix within 4 hours (by 2026-02-10 20:00)" in page
    assert "Asia/Shanghai" not in page


def acknowledged(client, tech, *berlin_time):
    """The ticket page after the Berlin ticket was acknowledged at that Berlin time."""
    ticket = berlin_ticket(tech)
    change_status(ticket, Status.ACKNOWLEDGED, Actor.DISPATCHER, now=at(BERLIN, *berlin_time))
    db.session.commit()
    return ticket, client.get(f"/tickets/{ticket.id}").get_data(as_text=True)


def test_a_breached_response_is_shown_as_missed(client, tech):
    """Acknowledged the next morning: the response breach is recorded and shown as missed."""
    ticket, page = acknowledged(client, tech, 2026, 2, 11, 10, 0)
    assert ticket.response_breached
    assert 'class="due late">Missed' in page and "Met<" not in page


def test_an_on_time_response_is_shown_as_met(client, tech):
    """Acknowledged within the hour: met, with when it happened."""
    _ticket, page = acknowledged(client, tech, 2026, 2, 10, 16, 30)
    assert 'class="due met">Met' in page and "(2026-02-10 16:30)" in page
    assert "Missed" not in page


# One ticket, every place that states its promise, both languages: the same phrases.

#: A promise phrase as any page or message might word it, loosely, so that a place that
#: words it differently yields a different phrase instead of none.
PHRASE = {
    "en": re.compile(r"(?:response|fix) within [^<>\n()·,.;]*?(?: \((?:by )?[^()<>\n]*\))?"
                     r"(?=\s*(?:[<\n·,.;]|$))", re.IGNORECASE),
    "zh": re.compile(r"\d[^<>\n（）()，。；·]*?内(?:响应|修复)(?:（[^（）<>\n]*）)?"),
}
#: Where the due time stands next to a target, per language.
DUE = {"en": re.compile(r"\(by \d{4}-\d\d-\d\d \d\d:\d\d\)$"),
       "zh": re.compile(r"（\d{4}-\d\d-\d\d \d\d:\d\d 前）$")}


def phrases(lang: str, text: str) -> list[str]:
    return [p.strip() for p in PHRASE[lang].findall(text)]


def tile(html: str, impact: str) -> str:
    """The request form's tile for one impact choice."""
    return next(part.split("</label>")[0] for part in html.split('<label class="tile">')[1:]
                if f'value="{impact}"' in part.split(">")[0])


def within_one_minute():
    """Wait for a fresh minute when the current one is nearly over: the request form states
    the due times a request filed now would get, to the minute, so it and the filing must
    fall in the same minute for the two to be comparable."""
    while datetime.now(UTC).second >= 40:
        time.sleep(1)


@pytest.fixture
def one_ticket(app, client, auth):
    """A Shanghai machine under a Mon–Fri office-hours contract (2 h response, 8 h fix for
    production stopped), a WeCom robot and email set up, a dispatcher reading Chinese and
    one reading English, and a technician; returns the places, filled in as they go."""
    office = ServiceCalendar(name="Office", china_holidays=False,
                             hours={str(d): LUNCH_BREAK for d in range(5)})
    plan = f.plan(level=ServiceLevel.H8, response=120, resolution=480, calendar=office)
    machine = covered(plan)
    tech = f.user(Role.TECHNICIAN)
    f.user(Role.DISPATCHER, email="zh@example.com", locale="zh")
    f.user(Role.DISPATCHER, email="en@example.com", locale="en")
    db.session.add(Channel(name="Plant group", transport=Transport.WECOM,
                           target="http://127.0.0.1:9/robot"))
    db.session.commit()
    app.config.update(SMTP_HOST="127.0.0.1")
    yield machine, tech
    app.config.update(SMTP_HOST="")


def requester_pages(app, machine) -> dict[str, dict[str, str]]:
    """File the ticket from a phone; the form's tile before, then the confirmation, the
    tracking page and the scan page (now showing the open request), in zh and in en."""
    url = scan_url(machine)
    phones = {lang: Requester(app.test_client(), url, lang) for lang in ("zh", "en")}
    within_one_minute()
    forms = {lang: phone.open().get_data(as_text=True) for lang, phone in phones.items()}
    filed = phones["zh"].submit(forms["zh"], impact="stopped")
    confirmation = filed.headers["Location"]
    pages: dict[str, dict[str, str]] = {}
    for lang, phone in phones.items():
        pages[lang] = {"request form tile": tile(forms[lang], "stopped"),
                       "confirmation": phone.client.get(confirmation).get_data(as_text=True)}
    ticket = db.session.scalar(sa.select(Ticket))
    for lang, phone in phones.items():
        pages[lang]["tracking page"] = phone.client.get(
            f"/t/{ticket.tracking_token}").get_data(as_text=True)
        pages[lang]["scan page"] = phone.open().get_data(as_text=True).split(
            '<details class="card"')[0]
    return pages


def test_every_place_words_the_promise_the_same(app, client, auth, one_ticket):
    """Request form, confirmation, tracking page, scan page, staff ticket page, My jobs,
    email and group robot state the same targets in the same words, in zh and in en; the
    requester's places put the due time next to each target."""
    machine, tech = one_ticket
    pages = requester_pages(app, machine)
    ticket = db.session.scalar(sa.select(Ticket))
    for lang in ("zh", "en"):
        with app.test_request_context(), force_locale(lang):
            pages[lang]["robot message"] = render(ticket, NotificationKind.NEW)[1]
    assert pages["zh"]["robot message"] == db.session.scalar(  # what the robot was sent
        sa.select(Delivery.body).where(Delivery.transport == Transport.WECOM))
    ticket.assignee = tech
    db.session.commit()
    for lang in ("zh", "en"):
        auth.login(tech.email)
        client.set_cookie("lang", lang)
        staff = {"staff ticket page": client.get(f"/tickets/{ticket.id}"),
                 "my jobs": client.get("/jobs/")}
        pages[lang] |= {place: page.get_data(as_text=True) for place, page in staff.items()}
        auth.logout()
        pages[lang]["email"] = db.session.scalar(sa.select(Delivery.body).where(
            Delivery.transport == Transport.EMAIL, Delivery.recipient == f"{lang}@example.com"))
    expected = {"zh": ["2 个工作小时内响应（", "8 个工作小时内修复（"],
                "en": ["Response within 2 working hours (by ", "Fix within 8 working hours (by "]}
    for lang, places in pages.items():
        promised = phrases(lang, places["confirmation"])
        assert len(promised) == 2, promised
        assert all(p.startswith(e) for p, e in zip(promised, expected[lang], strict=True))
        assert all(DUE[lang].search(p) for p in promised), promised
        for place, text in places.items():
            found = phrases(lang, text)
            want = promised[:1] if place == "my jobs" else promised
            assert found and set(found) == set(want), (lang, place, found, want)

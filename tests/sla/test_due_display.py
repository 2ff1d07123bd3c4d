"""Due times on screen: the site's wall clock, its zone named abroad, and the promise in
words, on the ticket page, My jobs and the public scan page."""

from datetime import date

import pytest
from sla.test_calendar import at

import factories as f
from repairapp.accounts.models import Role
from repairapp.contracts.models import ServiceLevel
from repairapp.extensions import db
from repairapp.sla.models import ServiceCalendar
from repairapp.tickets.models import Status
from repairapp.tickets.workflow import Actor, change_status

BERLIN = "Europe/Berlin"
LUNCH_BREAK = [[540, 720], [780, 1020]]  # 09:00-12:00, 13:00-17:00
OFFICE_PROMISE = ("8 h site: working hours only (Mon–Fri 09:00–12:00, 13:00–17:00 "
                  "Europe/Berlin time), response within 1 h, fix within 4 h")


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
    assert "2026-02-10 17:00 (Europe/Berlin)" in page
    assert "2026-02-11 12:00 (Europe/Berlin)" in page
    assert "2026-02-11 00:00" not in page and "2026-02-11 19:00" not in page
    assert OFFICE_PROMISE in page


def test_my_jobs_card_shows_berlin_wall_clock_and_the_hours(client, tech):
    """The card's next deadline is on the site's clock; the hours say when it runs."""
    berlin_ticket(tech)
    page = client.get("/jobs/").get_data(as_text=True)
    assert "2026-02-10 17:00 (Europe/Berlin)" in page
    assert "Mon–Fri 09:00–12:00, 13:00–17:00" in page


def test_scan_page_shows_the_promise_and_the_open_requests_due_times(app):
    """A requester sees the tier and hours, and when the open request is due, in Berlin."""
    ticket = berlin_ticket()
    requester = app.test_client()
    requester.set_cookie("lang", "en")
    page = requester.get(f"/r/{ticket.asset.active_label.code}").get_data(as_text=True)
    assert "8 h site: working hours only (Mon–Fri 09:00–12:00, 13:00–17:00 " \
           "Europe/Berlin time)" in page
    assert "Response by 2026-02-10 17:00 (Europe/Berlin)" in page
    assert "Fix targeted by 2026-02-11 12:00 (Europe/Berlin)" in page


def test_a_7x24_plan_says_so_and_home_zone_is_not_named(client, tech):
    """Level A round the clock; a Shanghai site's times carry no zone name."""
    plan = f.plan(level=ServiceLevel.A, response=60, resolution=240)
    ticket = f.ticket(covered(plan), assignee=tech, now=at("Asia/Shanghai", 2026, 2, 10, 16, 0))
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "Level A: 7×24, response within 1 h, fix within 4 h" in page
    assert "2026-02-10 17:00" in page and "(Asia/Shanghai)" not in page


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

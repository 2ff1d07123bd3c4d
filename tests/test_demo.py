"""`flask demo load`: what `make run` shows a newcomer."""

import ipaddress
import os
import re
import socket
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from conftest import empty_tables
from repairapp.accounts.models import Role, User
from repairapp.assets.models import Asset
from repairapp.contracts.models import CoverageState, ServiceLevel, ServicePlan
from repairapp.contracts.services import coverage_for_asset
from repairapp.customers.models import Customer, Site
from repairapp.db import utcnow
from repairapp.demo import DEMO_PASSWORD, DEMO_SEED, address, load_demo
from repairapp.extensions import db
from repairapp.notifications.models import Notification, NotificationKind
from repairapp.sla.calendar import Calendar, add_working_minutes
from repairapp.sla.services import due_times
from repairapp.tickets.models import EventKind, Status, Ticket

ROOT = Path(__file__).resolve().parent.parent


def test_demo_covers_every_state_and_tier_and_prints_logins(runner, client):
    """Two customers in Shanghai, 12 assets in every coverage state, 4 staff, working URLs."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Customer)) == 2
    assert {s.timezone for s in db.session.scalars(sa.select(Site))} == {"Asia/Shanghai"}
    assets = db.session.scalars(sa.select(Asset)).all()
    assert len(assets) == 12
    states = {coverage_for_asset(a, utcnow()).state for a in assets}
    assert states == set(CoverageState)
    contract_levels = {coverage_for_asset(a, utcnow()).plan.service_level for a in assets
                       if coverage_for_asset(a, utcnow()).state is CoverageState.CONTRACT}
    levels = {p.service_level for p in db.session.scalars(sa.select(ServicePlan))} - {None}
    assert contract_levels == levels and len(levels) == 6
    roles = sorted(u.role.value for u in db.session.scalars(sa.select(User)))
    assert roles == sorted(r.value for r in (Role.ADMIN, Role.DISPATCHER, Role.TECHNICIAN,
                                             Role.TECHNICIAN, Role.MANAGER))
    assert len(re.findall(r"^\s+(admin|dispatcher|technician|manager)\s+\S+@\S+\s+\S+$",
                          result.output, re.M)) == 5
    urls = re.findall(r"http://127\.0\.0\.1:5000(/r/[0-9A-Z]{12})", result.output)
    assert len(urls) == 3
    assert all(client.get(u).status_code == 200 for u in urls)
    # The first customer's report for last quarter, as the customer opens it.
    [report] = re.findall(r"http://127\.0\.0\.1:5000(/service-report/\S+)", result.output)
    assert "华东精密制造有限公司" in client.get(report).get_data(as_text=True)


def test_demo_load_twice_does_not_duplicate(runner, demo):
    """A second `make run` keeps the data and still prints the logins and links, on the
    address given this time."""
    demo()  # the first load
    count = {m: db.session.scalar(sa.select(sa.func.count()).select_from(m))
             for m in (Asset, Ticket, User, Notification)}
    result = runner.invoke(args=["demo", "load", "--base-url", "http://0.0.0.0:5001"])
    assert "already has data" in result.output and "admin@example.com" in result.output
    assert {m: db.session.scalar(sa.select(sa.func.count()).select_from(m))
            for m in count} == count and count[Asset] == 12
    base = f"http://{address.lan_address() or '127.0.0.1'}:5001/"
    urls = re.findall(r"https?://\S+", result.stdout)
    assert len(urls) == 5 and all(u.startswith(base) for u in urls)


def test_demo_plans_count_their_tiers_working_hours(client, demo):
    """8 h and B plans run in office hours, A around the clock; the scan page says which."""
    demo()
    plans = {p.service_level: p for p in db.session.scalars(sa.select(ServicePlan))}
    assert plans[ServiceLevel.H8].calendar.spec().hours[0] == ((510, 720), (780, 1050))
    assert plans[ServiceLevel.A].calendar is None
    client.set_cookie("lang", "en")
    eight_hours = db.session.scalar(sa.select(Asset).where(Asset.tag == "EQ-00103"))
    page = client.get(f"/r/{eight_hours.active_label.code}").get_data(as_text=True)
    assert "8 h site: working hours only (Mon–Fri 08:30–12:00, 13:00–17:30" in page


NOW = datetime(2026, 6, 10, 2, 30, tzinfo=UTC)  # a Wednesday, 10:30 in Shanghai


def _load(demo, now: datetime | None = NOW) -> list[Ticket]:
    """The demo as of `now` (None: as of now), committed (a real load the first time in the
    run, a copy of it after: see the `demo` fixture)."""
    demo(now)
    return list(db.session.scalars(sa.select(Ticket).order_by(Ticket.id)))


def test_every_technician_has_open_jobs_in_the_working_states(client, auth, demo):
    """Each technician's My jobs lists several open jobs; together they are acknowledged,
    on the way, on site and waiting for parts; the dispatch queue has new requests."""
    tickets = _load(demo, None)
    technicians = db.session.scalars(sa.select(User).where(User.role == Role.TECHNICIAN)).all()
    states = set()
    for tech in technicians:
        mine = [t for t in tickets if t.assignee_id == tech.id and t.is_open]
        assert len({t.status for t in mine}) >= 3, tech.email
        states |= {t.status for t in mine}
        auth.login(tech.email, DEMO_PASSWORD)
        page = client.get("/jobs/").get_data(as_text=True)
        assert all(t.number in page for t in mine)
        auth.logout()
    assert {Status.ACKNOWLEDGED, Status.ON_THE_WAY, Status.ON_SITE,
            Status.WAITING_PARTS} <= states
    new = [t for t in tickets if t.status is Status.NEW]
    assert len(new) >= 2 and all(t.assignee_id is None for t in new)
    auth.login("dispatch@example.com", DEMO_PASSWORD)
    queue = client.get("/dispatch/").get_data(as_text=True)
    assert all(t.number in queue for t in new)


def test_closed_history_spans_months_with_ratings_a_breach_and_a_reopen(demo):
    """Months of closed tickets: rated through the tracking page's service, closed by the
    system, answered late and fixed late (recorded and escalated), one reopened and fixed."""
    tickets = _load(demo)
    closed = [t for t in tickets if t.status is Status.CLOSED]
    assert NOW - min(t.created_at for t in closed) >= timedelta(days=60)
    assert max(t.closed_at for t in closed) < NOW
    rated = [t for t in closed if t.rating]
    assert len(rated) >= 10 and {t.rating for t in rated} >= {5, 4}
    for t in rated:
        assert [(e.to_value, e.note) for e in t.events if e.kind is EventKind.RATED] == \
            [(str(t.rating), t.rating_comment)]
    assert any(t.rating is None and t.events[-2].kind is EventKind.STATUS
               and t.events[-1].actor_name == "" for t in closed)  # closed by the system
    late = [t for t in closed if t.resolution_breached]
    assert late and all(t.resolved_at > t.resolution_due_at for t in late)
    slow = [t for t in closed if t.response_breached]
    assert slow and all(t.responded_at > t.response_due_at for t in slow)
    announced = {(n.ticket_id, n.kind) for n in db.session.scalars(sa.select(Notification))}
    assert (late[0].id, NotificationKind.RESOLUTION_BREACHED) in announced
    assert (slow[0].id, NotificationKind.RESPONSE_BREACHED) in announced
    reopened = [t for t in closed if t.reopen_count]
    assert reopened and reopened[0].rating
    moves = [(e.from_value, e.to_value) for e in reopened[0].events if e.kind is EventKind.STATUS]
    assert moves.count(("resolved", "in_progress")) == 1 and moves.count((None, "resolved")) == 0
    assert [to for _start, to in moves].count("resolved") == 2


def _story() -> list[tuple]:
    return [(t.asset.tag, t.status, t.severity, t.category, t.created_at, t.resolved_at,
             t.rating, t.assignee.email if t.assignee else None, len(t.events))
            for t in db.session.scalars(sa.select(Ticket).order_by(Ticket.id))]


def test_demo_story_is_the_same_for_the_same_now_and_seed(demo):
    """The seeded story repeats exactly (tokens and label codes aside); another seed differs.
    The first story is the demo fixture's real load of this now and seed (made earlier in the
    run or here), the others are loaded here."""
    demo(NOW)
    runs = [_story()]
    empty_tables()
    for seed in (DEMO_SEED, DEMO_SEED + 1):
        load_demo(now=NOW, seed=seed)
        db.session.flush()
        runs.append(_story())
        db.session.rollback()
    assert runs[0] == runs[1] != runs[2] and len(runs[0]) > 30


def test_demo_times_are_consistent_and_in_the_past(demo):
    """Every ticket's events run forward and end before now; due times are what the plan's
    calendar gives for the filing time; breach flags match the deadlines."""
    tickets = _load(demo)
    for t in tickets:
        times = [e.created_at for e in t.events]
        assert times == sorted(times) and times[-1] <= NOW and times[0] == t.created_at
        assert [log.created_at for log in t.work_logs] == sorted(
            log.created_at for log in t.work_logs)
        calendar, tz = Calendar.from_json(t.sla_calendar), t.asset.site.timezone
        response_due, resolution_due = due_times(t.sla_targets, t.severity, t.created_at,
                                                 calendar, tz)
        if t.paused_minutes:  # waited for the customer (a quote) after responding
            resolution_due = add_working_minutes(resolution_due, t.paused_minutes, calendar, tz)
        assert (t.response_due_at, t.resolution_due_at) == (response_due, resolution_due)
        assert t.response_breached == bool(t.responded_at and t.responded_at > t.response_due_at
                                           or not t.responded_at and NOW > t.response_due_at)
    notes = db.session.scalars(sa.select(Notification)).all()
    assert max(n.created_at for n in notes) <= NOW


def test_demo_pages_have_something_to_show(client, auth, demo):
    """Ticket pages show timelines and tracking pages the requester's view, on first run."""
    tickets = _load(demo, None)
    client.set_cookie("lang", "en")
    for t in (tickets[0], tickets[-1], next(t for t in tickets if t.reopen_count)):
        page = client.get(f"/t/{t.tracking_token}")
        assert page.status_code == 200 and t.number in page.get_data(as_text=True)
    auth.login("dispatch@example.com", DEMO_PASSWORD)
    for t in tickets[:3]:
        page = client.get(f"/tickets/{t.id}").get_data(as_text=True)
        assert t.assignee.name in page and t.requester_name in page


def test_lan_address_is_a_usable_address_or_none():
    """Where this machine has a default route, the helper gives that route's own address;
    it never offers loopback or the wildcard: a phone could not open those."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("198.51.100.7", 9))  # another documentation address: same route
            routed = sock.getsockname()[0]
        except OSError:
            routed = None
    if routed and not ipaddress.ip_address(routed).is_loopback:
        assert address.lan_address() == routed
    for probe in (address.PROBE, "127.0.0.1"):
        found = address.lan_address(probe)
        assert found is None or not (ipaddress.ip_address(found).is_loopback
                                     or ipaddress.ip_address(found).is_unspecified)


def test_wildcard_hosts_become_the_lan_address_and_fall_back_to_loopback():
    """0.0.0.0 and :: become the LAN address with the port kept; with no network, 127.0.0.1
    and a flag saying so; other hosts pass through."""
    lan = lambda: "192.168.1.23"  # noqa: E731
    assert address.reachable_url("http://0.0.0.0:5000", lan) == ("http://192.168.1.23:5000", True)
    assert address.reachable_url("http://[::]:8080/x", lan) == ("http://192.168.1.23:8080/x", True)
    assert address.reachable_url("http://0.0.0.0:5000", lambda: None) == \
        ("http://127.0.0.1:5000", False)
    assert address.reachable_url("https://repair.example.com", lambda: None) == \
        ("https://repair.example.com", True)


def test_demo_url_command_prints_this_machines_address(runner):
    """`flask demo url http://0.0.0.0:5000` prints what a phone opens (warning without a LAN)."""
    result = runner.invoke(args=["demo", "url", "http://0.0.0.0:5000"])
    found = address.lan_address()
    assert result.stdout.strip() == f"http://{found or '127.0.0.1'}:5000"
    assert ("No network found" in result.stderr) == (found is None)


def test_make_demo_with_host_0000_prints_lan_urls(app):
    """`make run HOST=0.0.0.0` prints scan and tracking URLs on the LAN address, not 0.0.0.0
    (the Makefile's demo step, run for real against the test database)."""
    db.session.commit()
    env = {k: v for k, v in os.environ.items() if k != "REPAIRAPP_PUBLIC_URL"}
    env["DATABASE_URL"] = app.config["SQLALCHEMY_DATABASE_URI"]
    out = subprocess.run(["make", "--no-print-directory", "demo", "HOST=0.0.0.0", "PORT=5055"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    base = f"http://{address.lan_address() or '127.0.0.1'}:5055"
    urls = re.findall(r"https?://\S+", out)
    assert len(urls) == 5 and all(u.startswith(base + "/") for u in urls)
    assert re.search(rf"{re.escape(base)}/t/\S+", out) and "0.0.0.0" not in out
    assert ("allow port 5055 through this computer's firewall" in out) == \
        (address.lan_address() is not None)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Asset)) == 12

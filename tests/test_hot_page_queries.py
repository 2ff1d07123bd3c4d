"""The public hot pages run a fixed number of SQL queries, however much history there is
(issue 13: the scan page, the tracking page and a submission; My jobs and the dispatch
queue are checked in tests/jobs and tests/dispatch)."""

from datetime import date

import factories as f
from conftest import counting_queries, token_from
from repairapp.extensions import db
from repairapp.tickets import services
from repairapp.tickets.models import Status


def _covered_machine(plans=None):
    plans = plans or f.standard_plans()
    machine = f.asset(accepted=date(2020, 1, 1), name="WMS server")
    f.contract(machine, plans["A"], date(2020, 1, 1), date(2099, 12, 31))
    return machine


def _history(machine, n: int) -> None:
    """n closed tickets on this machine and n on another one."""
    other = f.asset()
    for i in range(n):
        f.ticket(machine if i % 2 else other, status=Status.CLOSED)
        f.ticket(other, status=Status.CLOSED)


def _queries(client, method: str, url: str, **kw) -> tuple[int, object]:
    db.session.expire_all()
    with counting_queries() as statements:
        response = getattr(client, method)(url, **kw)
    return len(statements), response


def test_scan_page_runs_the_same_queries_over_more_history(client):
    """A requester's scan page: as many queries with 40 old tickets around as with none."""
    machine = _covered_machine()
    url = f"/r/{machine.active_label.code}"
    client.get(url)  # warm caches (templates, translations)
    before, response = _queries(client, "get", url)
    assert response.status_code == 200
    _history(machine, 20)
    after, response = _queries(client, "get", url)
    assert response.status_code == 200
    # label with machine, site, customer and warranty plan; contracts with their plans
    # and calendars; the open request (4 before the plans came with the contracts; a plan
    # with a working-hours calendar adds its days and the entered holidays)
    assert after == before == 3


def test_scan_page_with_an_open_request_runs_the_same_queries_over_more_history(client):
    """The "already has an open request" variant is flat too."""
    machine = _covered_machine()
    f.ticket(machine)
    url = f"/r/{machine.active_label.code}"
    client.set_cookie("lang", "en")
    client.get(url)
    before, response = _queries(client, "get", url)
    assert "This machine already has an open request" in response.get_data(as_text=True)
    _history(machine, 20)
    after, _ = _queries(client, "get", url)
    # as above: the open request is the same query
    assert after == before == 3


def test_tracking_page_runs_the_same_queries_over_a_longer_timeline(client):
    """The tracking page with 3 events and with 33, among 40 other tickets: same count."""
    machine = _covered_machine()
    ticket = f.ticket(machine)
    url = f"/t/{ticket.tracking_token}"
    for i in range(2):
        services.add_info(ticket, requester_name="Zhou", note=f"note {i}")
    db.session.commit()
    client.get(url)
    before, response = _queries(client, "get", url)
    assert response.status_code == 200
    for i in range(30):
        services.add_info(ticket, requester_name="Zhou", note=f"more {i}")
    db.session.commit()
    _history(f.asset(), 20)
    after, response = _queries(client, "get", url)
    assert "more 29" in response.get_data(as_text=True)
    # the ticket with its machine, site, plan and engineer (8 when those were lazy loads);
    # events; quotes; not-a-quality-fault verdicts; job sheets
    assert after == before == 5


def _submit(client, machine) -> tuple[int, object]:
    url = f"/r/{machine.active_label.code}"
    html = client.get(url).get_data(as_text=True)
    key = html.split('name="key" type="hidden" value="', 1)[1].split('"', 1)[0]
    data = {"category": "error", "impact": "stopped", "description": "Alarm E42",
            "name": "Zhou", "phone": "139 0000 0001", "csrf_token": token_from(html),
            "key": key}
    return _queries(client, "post", url, data=data, content_type="multipart/form-data")


def test_a_submission_runs_the_same_queries_over_more_history(client):
    """Filing with a fresh key: as many queries on a machine with 20 closed tickets (and
    20 more elsewhere) as on a machine without history."""
    plans = f.standard_plans()
    before, response = _submit(client, _covered_machine(plans))
    assert response.status_code == 302
    machine = _covered_machine(plans)
    _history(machine, 20)
    after, response = _submit(client, machine)
    assert response.status_code == 302
    # 13 before the covering plan and its calendar came with the contracts
    assert after == before == 12

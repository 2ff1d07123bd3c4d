"""Rate limits on the public form and on log-in, counted in the database for every worker."""

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

import factories as f
from conftest import token_from
from intake.conftest import Requester, scan_url
from repairapp import create_app
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.main.ratelimit import RateCounter, SQLStorage, purge_expired
from repairapp.tickets.models import Ticket


@pytest.fixture
def limits(app):
    """Switch limits on for one test (the suite runs with them off)."""
    names = ("RATE_LIMIT_FILING", "RATE_LIMIT_LOGIN", "RATE_LIMIT_LOGIN_ACCOUNT")
    saved = {n: app.config[n] for n in names}

    def set_(**values):
        app.config.update(values)

    yield set_
    app.config.update(saved)


@pytest.fixture
def machine():
    plans = f.standard_plans()
    asset = f.asset(accepted=date(2020, 1, 1))
    f.contract(asset, plans["A"], date(2020, 1, 1), date(2099, 12, 31))
    return asset


def _tickets() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Ticket))


def test_filing_over_the_limit_keeps_what_was_typed(client, limits, machine):
    """Past the limit the form comes back with a message and the text; nothing is filed."""
    limits(RATE_LIMIT_FILING="2/10 minutes")
    phone = Requester(client, scan_url(machine))
    assert phone.submit().status_code == 302 and phone.submit().status_code == 302
    page = phone.submit(description="Spindle stuck at 3000 rpm")
    html = page.get_data(as_text=True)
    assert page.status_code == 429 and "Too many requests from this network" in html
    assert "Spindle stuck at 3000 rpm" in html and _tickets() == 2


def test_each_address_has_its_own_allowance(client, limits, machine):
    """Another network is not held back by the first one's requests."""
    limits(RATE_LIMIT_FILING="1/10 minutes")
    first = Requester(client, scan_url(machine))
    assert first.submit().status_code == 302
    assert first.submit().status_code == 429
    html = first.open().get_data(as_text=True)
    other = client.post(scan_url(machine), data={
        "category": "error", "impact": "stopped", "name": "Li", "phone": "139 0000 0002",
        **first.form_fields(html)}, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 302 and _tickets() == 2


def test_log_in_attempts_are_limited_per_address_and_per_account(client, auth, limits):
    """Guessing passwords stops after the limit, even with the right one; failures on an
    account count per address, so other addresses still get in (tests/accounts: the lock-out)."""
    user = f.user()
    client.set_cookie("lang", "en")
    limits(RATE_LIMIT_LOGIN="3/minute", RATE_LIMIT_LOGIN_ACCOUNT="5/hour")
    for _ in range(3):
        assert auth.login(user.email, "wrong-guess").status_code == 200
    refused = auth.login(user.email)
    assert refused.status_code == 429
    assert "Too many log-in attempts" in refused.get_data(as_text=True)
    page = client.get("/accounts/login").get_data(as_text=True)
    for n in range(2):  # the same account from other addresses
        response = client.post("/accounts/login", data={
            "email": user.email, "password": "wrong", "csrf_token": token_from(page)},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
        assert response.status_code == 200
    response = client.post("/accounts/login", data={
        "email": user.email, "password": "secret-pass-1", "csrf_token": token_from(page)},
        environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert response.status_code == 302


def test_concurrent_hits_are_all_counted(app):
    """Eight workers hitting one counter at once: every hit counted, none lost."""
    storage, start = SQLStorage(), threading.Barrier(8)
    results: list[int] = []

    def worker():
        with app.app_context():
            start.wait()
            results.extend(storage.incr("filing/1.2.3.4", 600) for _ in range(25))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == list(range(1, 201))
    assert storage.get("filing/1.2.3.4") == 200


def test_a_window_starts_afresh_and_old_counters_are_purged(app):
    """After the window the count restarts at 1; the sweep deletes finished windows."""
    storage = SQLStorage()
    storage.incr("k", 600)
    storage.incr("k", 600)
    db.session.execute(sa.update(RateCounter.__table__)
                       .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert storage.get("k") == 0 and storage.incr("k", 600) == 1
    db.session.execute(sa.update(RateCounter.__table__)
                       .values(expires_at=utcnow() - timedelta(seconds=1)))
    assert purge_expired() == 1


def test_behind_a_proxy_the_forwarded_address_counts(app, machine):
    """With REPAIRAPP_PROXY_HOPS=1 two phones behind nginx are two addresses, not one."""
    proxied = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "PROXY_HOPS": 1, "RATE_LIMIT_FILING": "1/10 minutes"})
    layers, layer = [], proxied.wsgi_app  # the request log wraps the proxy fix
    while layer is not None:
        layers.append(type(layer).__name__)
        layer = getattr(layer, "wsgi_app", None) or getattr(layer, "app", None)
    assert "ProxyFix" in layers
    client = proxied.test_client()
    statuses = []
    for phone in ("203.0.113.1", "203.0.113.2", "203.0.113.1"):
        client.environ_base["HTTP_X_FORWARDED_FOR"] = phone
        statuses.append(Requester(client, scan_url(machine)).submit().status_code)
    assert statuses == [302, 302, 429]

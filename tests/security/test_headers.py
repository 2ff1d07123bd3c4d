"""HSTS over HTTPS, HTTPS-only cookies in production, and nothing of staff pages, tracking
pages or exports kept in any cache."""

import pytest
import sqlalchemy as sa
from security.production import PUBLIC_URL, production_env, start

import factories as f
from conftest import token_from
from intake.conftest import Requester, scan_url
from repairapp import create_app
from repairapp.extensions import db
from repairapp.intake.routes import REMEMBER_COOKIE
from repairapp.labels.sheets import SHEETS
from repairapp.tickets.models import TicketPhoto
from repairapp.tickets.photos import Photo

HSTS = "max-age=31536000"


def _set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_hsts_is_sent_over_https_only(client):
    """A page over HTTPS carries HSTS; over plain HTTP (development) it would be ignored."""
    assert client.get("/accounts/login", base_url="https://localhost").headers[
        "Strict-Transport-Security"] == HSTS
    assert "Strict-Transport-Security" not in client.get("/accounts/login").headers


def test_behind_a_proxy_hsts_follows_x_forwarded_proto(app):
    """With REPAIRAPP_PROXY_HOPS=1 the proxy's X-Forwarded-Proto says whether it was HTTPS."""
    proxied = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "PROXY_HOPS": 1,
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    client = proxied.test_client()
    secure = client.get("/accounts/login", headers={"X-Forwarded-Proto": "https"})
    plain = client.get("/accounts/login", headers={"X-Forwarded-Proto": "http"})
    assert secure.headers["Strict-Transport-Security"] == HSTS
    assert "Strict-Transport-Security" not in plain.headers


def test_every_cookie_is_https_only_in_production(app):
    """In production the session, the language and the remembered requester cookies are all
    Secure (and HttpOnly), whatever REPAIRAPP_SECURE_COOKIES says."""
    production = start(app, production_env(REPAIRAPP_SECURE_COOKIES="0"))
    client, phone = production.test_client(), production.test_client()
    user, machine = f.user(), f.asset()
    page = client.get("/accounts/login")
    switched = client.post("/lang/en", data={"next": "/accounts/login",
                                             "csrf_token": token_from(page.get_data(True))})
    logged_in = client.post("/accounts/login", data={
        "email": user.email, "password": f.PASSWORD,
        "csrf_token": token_from(page.get_data(True))})
    filed = Requester(phone, PUBLIC_URL + scan_url(machine)).submit()
    assert switched.status_code == logged_in.status_code == filed.status_code == 302
    cookies = {**_set_cookies(page), **_set_cookies(switched), **_set_cookies(logged_in),
               **_set_cookies(filed)}
    assert {"session", "lang", REMEMBER_COOKIE} <= cookies.keys()
    for name, header in cookies.items():
        assert "; Secure" in header and "; HttpOnly" in header, name


def test_staff_pages_and_exports_are_never_stored(app, admin, client):
    """Every page of the URL map an admin opens without parameters (lists, forms, CSV
    exports, a calibration PDF) and a ticket page say no-store; the stylesheet stays cached."""
    rules = [r.rule for r in app.url_map.iter_rules()
             if "GET" in r.methods and not r.arguments and r.endpoint != "static"]
    assert {"/assets/export.csv", "/contracts/export.csv", "/dispatch/"} <= set(rules)
    ticket = f.ticket()
    for url in [*rules, f"/tickets/{ticket.id}", f"/labels/calibration/{next(iter(SHEETS))}"]:
        response = client.get(url)
        assert response.headers.get("Cache-Control") == "no-store", url
    assert response.mimetype == "application/pdf"
    assert "no-store" not in client.get("/static/app.css").headers.get("Cache-Control", "")


def test_a_tickets_photos_keep_their_own_private_caching(admin, client):
    """Photos never change: the browser may keep them a day (private), not a shared cache."""
    ticket = f.ticket(photos=[Photo(b"\xff\xd8jpeg", 10, 10)])
    photo = db.session.scalar(sa.select(TicketPhoto.id).where(TicketPhoto.ticket_id == ticket.id))
    response = client.get(f"/tickets/{ticket.id}/photos/{photo}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=86400"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tracking_pages_are_never_stored(app, client, lang):
    """Every GET page of the tracking blueprint (its address is the requester's key) says
    no-store; the public scan page does not need to. (A finding's photo, an image that
    never changes, is cached privately: tests/quotes/test_not_quality.py.)"""
    ticket = f.ticket()
    client.set_cookie("lang", lang)
    adapter = app.url_map.bind("localhost")
    rules = [r for r in app.url_map.iter_rules()
             if r.endpoint.startswith("tracking.") and "GET" in r.methods
             and r.arguments == {"token"}]
    assert len(rules) >= 2
    for rule in rules:
        url = adapter.build(rule.endpoint, {"token": ticket.tracking_token})
        response = client.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    scan = client.get(scan_url(ticket.asset))
    assert "no-store" not in scan.headers.get("Cache-Control", "")

"""Sessions end everywhere on log-out, password change and deactivation; admins manage users."""

import sqlalchemy as sa

import factories as f
from conftest import Auth
from repairapp.accounts.models import Role, User
from repairapp.extensions import db


def _two_devices(app, email):
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        Auth(device).login(email)
        assert device.get("/jobs/").status_code == 200
    return phone, laptop


def test_logout_ends_every_session_of_the_user(app):
    """Logging out on the phone also logs the laptop out."""
    user = f.user(Role.TECHNICIAN)
    phone, laptop = _two_devices(app, user.email)
    Auth(phone).logout()
    assert phone.get("/jobs/").status_code == 302
    assert laptop.get("/jobs/").status_code == 302


def test_password_change_ends_other_sessions_but_keeps_this_one(app):
    """After a password change only the device that changed it stays logged in."""
    user = f.user(Role.TECHNICIAN)
    phone, laptop = _two_devices(app, user.email)
    response = Auth(phone).post("/accounts/password", {
        "current": f.PASSWORD, "new": "a-new-password-1", "repeat": "a-new-password-1"})
    assert response.status_code == 302
    assert phone.get("/jobs/").status_code == 200
    assert laptop.get("/jobs/").status_code == 302
    assert Auth(laptop).login(user.email, "a-new-password-1").status_code == 302


def test_wrong_current_password_changes_nothing(client, auth):
    """The current password must be right; the new one must be long enough and repeated."""
    user = f.user(Role.TECHNICIAN)
    auth.login(user.email)
    client.set_cookie("lang", "en")
    page = auth.post("/accounts/password", {"current": "nope", "new": "short",
                                            "repeat": "other"}).get_data(as_text=True)
    assert "At least 10 characters" in page and "differ" in page
    page = auth.post("/accounts/password", {"current": "nope", "new": "long-enough-pw",
                                            "repeat": "long-enough-pw"}).get_data(as_text=True)
    assert "not your current password" in page
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(f.PASSWORD)


def test_admin_creates_deactivates_and_resets(app, client, auth):
    """An admin adds a technician, deactivates them (their session dies) and resets a password."""
    auth.login(f.user(Role.ADMIN).email)
    auth.post("/accounts/users", {"email": "New@Example.com", "name": "Zhang",
                                  "role": "technician", "is_active": "y",
                                  "password": "first-password"})
    new = db.session.scalar(sa.select(User).where(User.email == "new@example.com"))
    assert new.role is Role.TECHNICIAN and new.is_active
    device = app.test_client()
    Auth(device).login("new@example.com", "first-password")
    assert device.get("/jobs/").status_code == 200
    auth.post(f"/accounts/users/{new.id}", {"email": "new@example.com", "name": "Zhang",
                                            "role": "technician"})
    assert device.get("/jobs/").status_code == 302
    auth.post(f"/accounts/users/{new.id}", {"email": "new@example.com", "name": "Zhang",
                                            "role": "technician", "is_active": "y",
                                            "password": "second-password"})
    assert Auth(device).login("new@example.com", "second-password").status_code == 302


def test_duplicate_email_is_refused_with_input_kept(client, auth):
    """Creating an account with a taken email explains it and keeps the form."""
    auth.login(f.user(Role.ADMIN, email="boss@example.com").email)
    client.set_cookie("lang", "en")
    page = auth.post("/accounts/users", {"email": "boss@example.com", "name": "Twin",
                                         "role": "technician", "password": "long-password"}
                     ).get_data(as_text=True)
    assert "already uses this email" in page and 'value="Twin"' in page


def test_only_admins_manage_accounts(client, auth):
    """Dispatchers and technicians get 403 on the accounts pages."""
    auth.login(f.user(Role.DISPATCHER).email)
    assert client.get("/accounts/users").status_code == 403


def test_deactivating_a_technician_returns_their_jobs_to_the_queue(client, auth):
    """Open jobs of a deactivated technician are unassigned, so dispatch sees them."""
    from repairapp.tickets.models import Status, Ticket
    tech = f.user(Role.TECHNICIAN, email="leaving@example.com")
    job = f.ticket(assignee=tech, status=Status.ON_SITE)
    done = f.ticket(assignee=tech, status=Status.CLOSED)
    auth.login(f.user(Role.ADMIN).email)
    auth.post(f"/accounts/users/{tech.id}", {"email": tech.email, "name": tech.name,
                                             "role": "technician"})
    db.session.expire_all()
    assert db.session.get(Ticket, job.id).assignee_id is None
    assert db.session.get(Ticket, done.id).assignee_id == tech.id


def test_last_admin_cannot_lock_everyone_out(client, auth):
    """The only active admin cannot deactivate or demote themselves."""
    admin = f.user(Role.ADMIN, email="only@example.com")
    auth.login(admin.email)
    client.set_cookie("lang", "en")
    page = auth.post(f"/accounts/users/{admin.id}", {"email": admin.email, "name": "A",
                                                     "role": "dispatcher", "is_active": "y"}
                     ).get_data(as_text=True)
    assert "at least one active admin" in page
    db.session.expire_all()
    assert db.session.get(User, admin.id).role is Role.ADMIN


WIFI_UA = ("Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
           "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 "
           "MicroMessenger/8.0.47.2560(0x28002F37) Process/tools WeChat/arm64 Weixin "
           "NetType/WIFI Language/zh_CN ABI/arm64")


def _on_network(device, address: str, user_agent: str) -> None:
    """From now on the device comes from this address with this user agent."""
    device.environ_base.update({"REMOTE_ADDR": address, "HTTP_USER_AGENT": user_agent})


def test_session_survives_new_address_and_wechat_network_type(app):
    """Wi-Fi -> 4G (new address, NetType/4G) keeps the phone logged in; log-out elsewhere
    still ends it."""
    user = f.user(Role.TECHNICIAN)
    phone, laptop = app.test_client(), app.test_client()
    _on_network(phone, "192.168.1.23", WIFI_UA)
    Auth(phone).login(user.email)
    Auth(laptop).login(user.email)
    assert phone.get("/jobs/").status_code == 200
    _on_network(phone, "10.64.3.7", WIFI_UA.replace("NetType/WIFI", "NetType/4G"))
    assert phone.get("/jobs/").status_code == 200
    _on_network(phone, "10.64.9.250", WIFI_UA.replace("NetType/WIFI", "NetType/5G"))
    assert phone.get("/jobs/").status_code == 200
    Auth(laptop).logout()
    assert phone.get("/jobs/").status_code == 302


def test_session_used_every_working_day_lasts_the_week(app, client, auth, time_passes):
    """Logged in Monday 08:00, used morning and evening until Friday: never asked to log in;
    the next Monday (past the 7-day lifetime) asks again."""
    auth.login(f.user(Role.TECHNICIAN).email)
    # Hours between uses: Mon 08->17, ->Tue 08, ->17, ... ->Fri 17, then the weekend off.
    for gap in (9, 15, 9, 15, 9, 15, 9, 15, 9):
        time_passes(client, gap)
        assert client.get("/jobs/").status_code == 200
    time_passes(client, 63.5)  # Fri 17:00 -> Mon 08:30: 168.5 h after logging in
    response = client.get("/jobs/")
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]


def test_idle_beyond_the_timeout_ends_the_session(client, auth, time_passes):
    """71 hours unused is fine (a long weekend); 73 hours unused ends the session."""
    auth.login(f.user(Role.TECHNICIAN).email)
    time_passes(client, 71)
    assert client.get("/jobs/").status_code == 200
    time_passes(client, 73)
    assert client.get("/jobs/").status_code == 302


def test_absolute_lifetime_ends_even_a_session_in_constant_use(client, auth, time_passes):
    """Used every two hours around the clock, the session still ends 7 days after log-in."""
    auth.login(f.user(Role.TECHNICIAN).email)
    for _ in range(83):
        time_passes(client, 2)
        assert client.get("/jobs/").status_code == 200
    time_passes(client, 1.5)
    assert client.get("/jobs/").status_code == 200  # 167.5 h after log-in
    time_passes(client, 1)
    assert client.get("/jobs/").status_code == 302  # 168.5 h: past 7 days


def test_both_limits_are_settings(app, client, auth, monkeypatch, time_passes):
    """REPAIRAPP_SESSION_IDLE_HOURS and _MAX_DAYS are what the server enforces."""
    auth.login(f.user(Role.TECHNICIAN).email)
    monkeypatch.setitem(app.config, "SESSION_IDLE_HOURS", 1)
    time_passes(client, 0.9)
    assert client.get("/jobs/").status_code == 200
    monkeypatch.setitem(app.config, "SESSION_MAX_DAYS", 0.5)
    time_passes(client, 0.9)
    assert client.get("/jobs/").status_code == 200  # 1.8 h after log-in
    time_passes(client, 10.5)
    assert client.get("/jobs/").status_code == 302  # used within the hour, but 12.3 h old


def test_session_cookie_survives_closing_the_browser(client, auth):
    """The log-in sets a cookie with an expiry date (WeChat closing is not a log-out), and no
    remember-me cookie."""
    response = auth.login(f.user(Role.TECHNICIAN).email)
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "Expires=" in session_cookie
    assert not any(c.startswith("remember_token=") for c in cookies)


def test_a_remember_cookie_cannot_bring_back_a_session(app):
    """A valid remember-me cookie alone (no stamped log-in) does not log anyone in."""
    from flask_login.utils import encode_cookie
    user = f.user(Role.TECHNICIAN)
    device = app.test_client()
    with app.test_request_context():
        device.set_cookie("remember_token", encode_cookie(user.get_id()))
    assert device.get("/jobs/").status_code == 302

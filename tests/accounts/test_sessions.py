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

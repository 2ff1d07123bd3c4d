"""Staff log-in and log-out."""

import factories as f
from repairapp.accounts.models import Role
from repairapp.extensions import db


def test_login_with_mixed_case_email_and_logout(client, auth):
    """Log-in is case-insensitive on the email; log-out ends the session."""
    user = f.user(Role.ADMIN, email="boss@example.com")
    db.session.commit()
    assert auth.login("Boss@Example.com").status_code == 302
    assert client.get("/dispatch/").status_code == 200
    auth.logout()
    assert client.get("/dispatch/").status_code == 302
    assert user.is_active


def test_wrong_password_keeps_email_and_explains(client, auth):
    """A wrong password says so, in the user's language, and keeps the email typed."""
    f.user(email="tech@example.com")
    db.session.commit()
    client.set_cookie("lang", "zh")
    response = auth.login("tech@example.com", "nope")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "邮箱或密码错误" in page and 'value="tech@example.com"' in page


def test_deactivated_user_loses_session_at_once(client, auth):
    """Deactivating an account stops its existing session on the next request."""
    user = f.user(email="gone@example.com")
    db.session.commit()
    auth.login("gone@example.com")
    user.is_active = False
    db.session.commit()
    assert client.get("/jobs/").status_code == 302


def test_next_redirect_stays_on_this_site(client, auth):
    """A `next` pointing to another host is ignored after log-in."""
    f.user(email="t@example.com")
    db.session.commit()
    page = client.get("/accounts/login?next=//evil.example/x").get_data(as_text=True)
    from conftest import token_from
    response = client.post("/accounts/login?next=//evil.example/x", data={
        "email": "t@example.com", "password": f.PASSWORD, "csrf_token": token_from(page)})
    assert response.headers["Location"] == "/tickets/"

"""The language switch changes things (a cookie, the user's email language), so only a POST
with the CSRF token switches; an old GET link asks with a button and changes nothing."""

import pytest
import sqlalchemy as sa

import factories as f
from conftest import token_from
from repairapp.accounts.models import Role, User
from repairapp.extensions import db


@pytest.fixture
def technician(client, auth):
    """A technician logged in, working in Chinese (their locale stored as zh)."""
    client.set_cookie("lang", "zh")
    user = f.user(Role.TECHNICIAN)
    auth.login(user.email)
    return user


def _locale(user: User) -> str:
    return db.session.scalar(sa.select(User.locale).where(User.id == user.id))


def _sets_language(response) -> bool:
    return any(h.startswith("lang=") for h in response.headers.getlist("Set-Cookie"))


def test_get_changes_no_cookie_and_no_row(client, technician):
    """GET /lang/en (a bookmarked or printed link) shows a page with a button to switch; the
    cookie, the user's stored language and the next page stay Chinese."""
    response = client.get("/lang/en?next=/jobs/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and not _sets_language(response)
    assert 'action="/lang/en"' in page and 'name="next" value="/jobs/"' in page
    assert "用 English 显示本网站？" in page
    assert _locale(technician) == "zh"
    assert "我的工单" in client.get("/jobs/").get_data(as_text=True)


def test_a_post_without_the_csrf_token_changes_nothing(client, technician):
    """A cross-site form posting to the switch is refused; nothing changes."""
    response = client.post("/lang/en", data={"next": "/jobs/"})
    assert response.status_code == 400 and not _sets_language(response)
    assert _locale(technician) == "zh"


def test_the_buttons_post_switches_cookie_and_stored_language(client, technician):
    """The confirmation page's button (a POST with its token) switches and goes back."""
    page = client.get("/lang/en?next=/jobs/").get_data(as_text=True)
    response = client.post("/lang/en", data={"next": "/jobs/", "csrf_token": token_from(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/jobs/"
    assert _sets_language(response) and _locale(technician) == "en"
    assert "My jobs" in client.get("/jobs/").get_data(as_text=True)


def test_only_local_pages_are_gone_back_to(client):
    """An outside `next` becomes the home page, on the question page and after switching."""
    page = client.get("/lang/en?next=https://evil.example/x").get_data(as_text=True)
    assert "evil.example" not in page and 'name="next" value="/"' in page
    response = client.post("/lang/en", data={"next": "//evil.example/x",
                                             "csrf_token": token_from(page)})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_language_is_not_found(client, method):
    """/lang/fr is no page and sets nothing."""
    page = client.get("/accounts/login").get_data(as_text=True)
    response = getattr(client, method)("/lang/fr", data={"csrf_token": token_from(page)})
    assert response.status_code == 404 and not _sets_language(response)

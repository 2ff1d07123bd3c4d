"""A `next` parameter (after log-in, after switching language) only ever leads to a page of
this site: every spelling a browser reads as another host goes to the default page instead."""

import pytest

import factories as f
from conftest import token_from
from repairapp.main.links import local_path

ELSEWHERE = ["https://evil.example/x", "//evil.example/x", "/\\evil.example/x",
             "\\\\evil.example/x", "/\\/evil.example", "/\t/evil.example", "/\n/evil.example",
             "evil.example", "javascript:alert(1)", "", None]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_a_path_elsewhere_becomes_the_default(target):
    assert local_path(target, "/home") == "/home"


@pytest.mark.parametrize("target", ["/jobs/", "/r/ABC?x=1", "/t/tok#part"])
def test_a_local_path_is_kept(target):
    assert local_path(target) == target


def test_the_language_page_links_back_only_here(client):
    """GET /lang/en?next=/\\evil.example/ used to draw <a href="/\\evil.example/">."""
    page = client.get("/lang/en", query_string={"next": "/\\evil.example/"}).get_data(
        as_text=True)
    assert "evil.example" not in page
    response = client.post("/lang/en", data={"next": "/\\evil.example/",
                                             "csrf_token": token_from(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_log_in_goes_on_only_to_a_page_here(client, auth):
    user = f.user()
    page = client.get("/accounts/login").get_data(as_text=True)
    response = client.post("/accounts/login", query_string={"next": "/\\evil.example/"},
                           data={"email": user.email, "password": f.PASSWORD,
                                 "csrf_token": token_from(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/tickets/"

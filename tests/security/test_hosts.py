"""Only the public host is served in production, and every absolute link is built on
REPAIRAPP_PUBLIC_URL, never on the Host header a client chooses."""

import re
from pathlib import Path

import pytest
from security.production import PUBLIC_URL, production_env, start

import factories as f

ROOT = Path(__file__).resolve().parents[2]
#: Ways of building an absolute URL, or of reading the address the client asked for.
FROM_REQUEST = re.compile(r"_external|force_external|request\.(host_url|url_root|root_url|"
                          r"base_url|url)\b")


@pytest.fixture(scope="module")
def production(app):
    return start(app, production_env(REPAIRAPP_EXTRA_HOSTS="old.example.com"))


def test_production_serves_its_public_host_and_no_other(production):
    """The public host and the extra one are served; any other Host header gets 400."""
    client = production.test_client()
    assert client.get("/accounts/login").status_code == 200
    for host in ("old.example.com", "repair.example.com:443"):
        assert client.get("/accounts/login", headers={"Host": host}).status_code == 200
    for host in ("evil.example", "repair.example.com.evil.example", "127.0.0.1:8000"):
        response = client.get("/accounts/login", headers={"Host": host})
        assert response.status_code == 400, host
        assert response.get_data(as_text=True) == "Unknown host"


def test_a_forged_host_does_not_reach_the_confirmation_link(app, client, monkeypatch):
    """Even where any Host is served (development), the tracking link shown after filing is
    on the public address."""
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC_URL)
    ticket = f.ticket()
    page = client.get(f"/t/{ticket.tracking_token}/submitted",
                      headers={"Host": "evil.example"}).get_data(as_text=True)
    assert f">{PUBLIC_URL}/t/{ticket.tracking_token}</a>" in page
    assert "evil.example" not in page


def test_only_the_links_module_builds_absolute_urls():
    """No view, service or template builds a URL from the request (url_for _external,
    request.url_root ...): main/links.py builds them all on REPAIRAPP_PUBLIC_URL."""
    sources = [*(ROOT / "repairapp").rglob("*.py"), *(ROOT / "templates").rglob("*.html"),
               *(ROOT / "templates").rglob("*.txt")]
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}" for path in sources
             if path.name != "links.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if FROM_REQUEST.search(line)]
    assert len(sources) > 50 and found == []

"""Someone guessing a user's password cannot lock that user out: failures count per account
and address, and only failures count."""

import factories as f
from conftest import token_from


class Address:
    """A browser at one client address posting the log-in form."""

    def __init__(self, client, address: str):
        self.client, self.address = client, address
        self.token = token_from(client.get("/accounts/login").get_data(as_text=True))

    def login(self, email: str, password: str = f.PASSWORD) -> int:
        return self.client.post("/accounts/login", data={
            "email": email, "password": password, "csrf_token": self.token},
            environ_base={"REMOTE_ADDR": self.address}).status_code


def test_failures_from_another_address_never_lock_the_user_out(app, client, monkeypatch):
    """30 wrong passwords for X from address A: A is stopped after 5 (even with the right
    password), and X logging in from address B gets in at once."""
    monkeypatch.setitem(app.config, "RATE_LIMIT_LOGIN", "100/minute")
    monkeypatch.setitem(app.config, "RATE_LIMIT_LOGIN_ACCOUNT", "5/hour")
    user = f.user(email="x@example.com")
    attacker = Address(client, "203.0.113.66")
    statuses = [attacker.login(user.email, f"guess-{n}") for n in range(30)]
    assert statuses == [200] * 5 + [429] * 25
    assert attacker.login(user.email) == 429
    assert Address(app.test_client(), "198.51.100.7").login(user.email) == 302


def test_only_failures_count_toward_the_account_limit(app, client, auth, monkeypatch):
    """Logging in successfully again and again uses up nothing; two failures then block this
    address for this account (the per-address limit still counts every attempt)."""
    monkeypatch.setitem(app.config, "RATE_LIMIT_LOGIN", "100/minute")
    monkeypatch.setitem(app.config, "RATE_LIMIT_LOGIN_ACCOUNT", "2/hour")
    user = f.user(email="busy@example.com")
    for _ in range(3):
        assert Address(client, "192.0.2.10").login(user.email) == 302
        auth.logout()
    here = Address(client, "192.0.2.10")
    assert [here.login(user.email, "wrong") for _ in range(2)] == [200, 200]
    assert here.login(user.email) == 429


def test_a_long_email_still_counts_per_address(app, client, monkeypatch):
    """A 254-character email fills the counter's key: the address must not be cut off it,
    or guesses from anywhere would share one count and lock the user out."""
    monkeypatch.setitem(app.config, "RATE_LIMIT_LOGIN", "100/minute")
    monkeypatch.setitem(app.config, "RATE_LIMIT_LOGIN_ACCOUNT", "3/hour")
    user = f.user(email="a" * 240 + "@example.com")
    attacker = Address(client, "203.0.113.66")
    assert [attacker.login(user.email, f"guess-{n}") for n in range(4)] == [200] * 3 + [429]
    assert Address(app.test_client(), "198.51.100.7").login(user.email) == 302

"""Helpers for the session tests."""

import pytest


@pytest.fixture
def time_passes():
    """Move a test client's session clocks back, as if `hours` had passed since stamped."""
    def move(device, hours: float) -> None:
        with device.session_transaction() as session:
            session["_login_at"] -= int(hours * 3600)
            session["_seen_at"] -= int(hours * 3600)
    return move


@pytest.fixture
def password_checks(monkeypatch):
    """The stored hash of every password check made, in order; the real check still runs."""
    from repairapp.accounts import passwords

    checked, real = [], passwords.verify

    def spy(stored: str, password: str) -> bool:
        checked.append(stored)
        return real(stored, password)

    monkeypatch.setattr(passwords, "verify", spy)
    return checked

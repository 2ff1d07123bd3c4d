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

"""Password hashes: argon2id at OWASP's parameters, older hashes upgraded at the next log-in,
and the same work for every log-in attempt whether or not the account exists."""

import pytest
from argon2 import PasswordHasher, Type, extract_parameters
from werkzeug.security import generate_password_hash

import factories as f
from repairapp.accounts import passwords, services
from repairapp.accounts.models import Role, User
from repairapp.extensions import db

OWASP = {"type": Type.ID, "memory_cost": 19 * 1024, "time_cost": 2, "parallelism": 1}


def _parameters(stored: str) -> dict:
    p = extract_parameters(stored)
    return {"type": p.type, "memory_cost": p.memory_cost, "time_cost": p.time_cost,
            "parallelism": p.parallelism}


def _stored(user: User) -> str:
    db.session.expire_all()
    return db.session.get(User, user.id).password_hash


def test_new_passwords_are_argon2id_at_owasp_parameters():
    """An account created by an admin stores an argon2id hash: 19 MiB, 2 passes, 1 lane."""
    user = services.create_user(email="new@example.com", name="New", role=Role.TECHNICIAN,
                                password="a-long-password")
    assert user.password_hash.startswith("$argon2id$")
    assert _parameters(user.password_hash) == OWASP
    assert user.check_password("a-long-password") and not user.check_password("a-long-passwor")


def test_unknown_inactive_and_known_accounts_cost_the_same_check(client, auth,
                                                                 password_checks):
    """A wrong log-in makes exactly one argon2id check at today's parameters, whether the
    email is unknown, belongs to a deactivated account or to an active one."""
    f.user(email="known@example.com")
    f.user(email="gone@example.com", is_active=False)
    client.set_cookie("lang", "en")
    for email, password in (("nobody@example.com", "guess-1"), ("gone@example.com", f.PASSWORD),
                            ("known@example.com", "guess-1")):
        before = len(password_checks)
        page = auth.login(email, password).get_data(as_text=True)
        assert "Wrong email or password." in page
        assert len(password_checks) == before + 1, email
        assert _parameters(password_checks[-1]) == OWASP, email


@pytest.mark.parametrize("method", ["pbkdf2:sha256:1000", "scrypt:16384:8:1"])
def test_werkzeug_hashes_still_log_in_and_become_argon2id(client, auth, method):
    """A hash from before (werkzeug pbkdf2 or scrypt) logs in; the right password rewrites it
    as argon2id, a wrong one changes nothing, and the user's other sessions go on."""
    user = f.user(email="old@example.com")
    user.password_hash = generate_password_hash(f.PASSWORD, method)
    db.session.commit()
    token, legacy = user.session_token, user.password_hash
    assert auth.login(user.email, "wrong-password").status_code == 200
    assert _stored(user) == legacy
    assert auth.login(user.email).status_code == 302
    assert _stored(user).startswith("$argon2id$") and _parameters(_stored(user)) == OWASP
    assert db.session.get(User, user.id).session_token == token
    auth.logout()
    assert auth.login(user.email).status_code == 302


def test_argon2_hash_with_outdated_parameters_is_rehashed(client, auth):
    """An argon2 hash made with weaker parameters is made again at today's on log-in."""
    user = f.user(email="weak@example.com")
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8 * 1024,
                                        parallelism=1).hash(f.PASSWORD)
    db.session.commit()
    assert passwords.needs_rehash(user.password_hash)
    assert auth.login(user.email).status_code == 302
    assert _parameters(_stored(user)) == OWASP
    assert not passwords.needs_rehash(_stored(user))

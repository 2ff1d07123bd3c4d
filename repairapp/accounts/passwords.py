"""Password hashes: argon2id for new ones; older werkzeug hashes still verify until the
next successful log-in rewrites them.

Parameters are OWASP's (Password Storage Cheat Sheet): argon2id, m = 19 MiB, t = 2, p = 1,
rather than RFC 9106's low-memory profile (64 MiB, t = 3, p = 4). Each gunicorn worker
verifies on one thread while a burst of log-ins (a shift starting) may run on every worker at
once, next to photo decoding: 19 MiB a check keeps that bounded on a small server, and p = 1
takes no cores from the other workers. OWASP rates the two as equally strong.
"""

import functools
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32,
                        salt_len=16, type=Type.ID)
ARGON2 = "$argon2"


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify(stored: str, password: str) -> bool:
    """Whether `password` matches the stored hash (argon2, or werkzeug's pbkdf2/scrypt)."""
    if not stored.startswith(ARGON2):
        return check_password_hash(stored, password)
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """A werkzeug hash, or argon2 with other parameters than today's."""
    return not stored.startswith(ARGON2) or HASHER.check_needs_rehash(stored)


@functools.cache
def _dummy_hash() -> str:
    """A hash of a random password at today's parameters, made on first need."""
    return HASHER.hash(secrets.token_hex(16))


def verify_nothing(password: str) -> None:
    """Do the work of one real check, for an unknown or inactive account: the answer then
    takes as long as for a real one, so timing does not tell which emails have accounts."""
    verify(_dummy_hash(), password)

"""Rate limits shared by every worker and host: `limits`' fixed window, counted in our database.

`limits` (the library behind Flask-Limiter) has no SQL storage, and an in-process one
would let each of N workers allow the limit N times. `SQLStorage` keeps each counter in
the `rate_limits` table and bumps it with one atomic UPSERT, on SQLite and PostgreSQL,
through its own connection: a count is kept even when the request's transaction rolls back.
"""

import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, request
from limits import parse
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy.orm import Mapped, mapped_column

from repairapp.db import upsert, utcnow
from repairapp.extensions import db


class RateCounter(db.Model):
    """One fixed-window counter: e.g. filings from one address in the current 10 minutes."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(sa.String(250), primary_key=True)
    count: Mapped[int]
    expires_at: Mapped[datetime] = mapped_column(index=True)


def _column_key(key: str) -> str:
    """The key as stored: a long one (a 250-character email in a log-in key) keeps its start
    and gains a hash of the whole, so two keys that differ only at the end stay apart."""
    if len(key) <= 250:
        return key
    return key[:186] + hashlib.sha256(key.encode()).hexdigest()


class SQLStorage(Storage):
    """A `limits` storage on the app's database (fixed-window strategy only)."""

    STORAGE_SCHEME = ["repairapp-sql"]

    @property
    def base_exceptions(self):
        return sa.exc.SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        table, now = RateCounter.__table__, utcnow()
        insert = upsert(table, db.engine).values(key=_column_key(key), count=amount,
                                              expires_at=now + timedelta(seconds=expiry))
        expired = table.c.expires_at <= now
        statement = insert.on_conflict_do_update(index_elements=[table.c.key], set_={
            "count": sa.case((expired, amount), else_=table.c.count + amount),
            "expires_at": sa.case((expired, insert.excluded.expires_at),
                                  else_=table.c.expires_at),
        }).returning(table.c.count)
        with db.engine.begin() as connection:
            return connection.execute(statement).scalar_one()

    def _live(self, key: str):
        table = RateCounter.__table__
        with db.engine.connect() as connection:
            return connection.execute(sa.select(table.c.count, table.c.expires_at).where(
                table.c.key == _column_key(key), table.c.expires_at > utcnow())).first()

    def get(self, key: str) -> int:
        row = self._live(key)
        return row.count if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._live(key)
        return (row.expires_at if row else utcnow()).timestamp()

    def check(self) -> bool:
        with db.engine.connect() as connection:
            connection.execute(sa.select(1))
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as connection:
            return connection.execute(sa.delete(RateCounter.__table__)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as connection:
            connection.execute(sa.delete(RateCounter.__table__)
                               .where(RateCounter.__table__.c.key == _column_key(key)))


_limiter = FixedWindowRateLimiter(SQLStorage())


def allow(name: str, *identity: str) -> bool:
    """Count one more `name` action (e.g. "RATE_LIMIT_FILING") by `identity` (default: the
    client's address); False once the configured limit, e.g. "10/10 minutes", is used up."""
    limit = current_app.config.get(name)
    if not limit:
        return True
    return _limiter.hit(parse(limit), name, *(identity or (request.remote_addr or "-",)))


def within(name: str, *identity: str) -> bool:
    """Whether `name` by `identity` is still under its limit, without counting anything (for
    limits that count failures only: the caller counts them with `allow`)."""
    limit = current_app.config.get(name)
    return not limit or _limiter.test(parse(limit), name, *identity)


def purge_expired(now: datetime | None = None) -> int:
    """Drop counters whose window is over (the sweep calls it)."""
    table = RateCounter.__table__
    return db.session.execute(sa.delete(table).where(
        table.c.expires_at <= (now or utcnow()))).rowcount

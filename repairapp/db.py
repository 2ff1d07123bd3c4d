"""Declarative base with a constraint naming convention, UTC timestamps."""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, registry

# Named constraints keep Alembic migrations reviewable and reversible on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Now, timezone-aware, in UTC."""
    return datetime.now(UTC)


def upsert(table, engine: sa.Engine):
    """An INSERT that takes ON CONFLICT clauses, on whichever of our backends `engine` is."""
    return {"postgresql": postgresql, "sqlite": sqlite}[engine.dialect.name].insert(table)


class UTCDateTime(sa.types.TypeDecorator):
    """Stores naive UTC on every backend and always hands back aware UTC datetimes.

    SQLite has no time zones, so a plain DateTime(timezone=True) would come back naive
    there and aware on PostgreSQL; one behaviour on both keeps comparisons honest.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use repairapp.db.utcnow()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )

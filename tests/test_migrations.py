"""The schema comes only from migrations, and they match the models exactly."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from repairapp.extensions import db


def _schema_diff() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "compare_server_default": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_gives_exactly_the_models_schema():
    """The test database was built by `upgrade` alone; autogenerate finds nothing to add."""
    assert _schema_diff() == []


def test_downgrade_to_empty_and_back():
    """Every migration can be undone and redone: down to nothing, up to the same schema."""
    db.session.remove()
    downgrade(revision="base")
    assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert _schema_diff() == []


def test_constraints_are_named_by_convention():
    """Unique and foreign-key constraints carry predictable names (reviewable migrations)."""
    inspector = sa.inspect(db.engine)
    uniques = {u["name"] for u in inspector.get_unique_constraints("tickets")}
    assert {"uq_tickets_asset_id_idempotency_key", "uq_tickets_tracking_token"} <= uniques
    fks = {fk["name"] for fk in inspector.get_foreign_keys("tickets")}
    assert "fk_tickets_asset_id_assets" in fks

"""`flask backup` of a working installation, `flask restore` into a fresh empty database:
every table holds as many rows as before and every photo the same bytes."""

import hashlib
import json
import tarfile

import pytest
import sqlalchemy as sa

import factories as f
from intake.conftest import jpeg_bytes
from reliability.conftest import empty_database_app
from repairapp.extensions import db
from repairapp.intake import services as held_photos
from repairapp.tickets.photos import reencode


@pytest.fixture
def fresh_app(app, tmp_path):
    """An app on an empty database of the suite's kind."""
    with empty_database_app(app, tmp_path, "restored") as fresh:
        yield fresh


def _contents() -> tuple[dict, list]:
    """Rows per table, and the SHA-256 of every stored file (photos, signatures: every binary
    column of every table), as this app's database has them."""
    db.session.expire_all()
    tables = {name: db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
              for name in sa.inspect(db.engine).get_table_names()}
    photos = [hashlib.sha256(content).hexdigest()
              for table in db.metadata.sorted_tables
              for column in table.columns if isinstance(column.type, sa.LargeBinary)
              for content in db.session.scalars(sa.select(column).where(column.is_not(None))
                                                .order_by(*table.primary_key.columns))]
    return tables, photos


def _cli(app, *args):
    with app.app_context():  # this app's, not the suite's
        return app.test_cli_runner().invoke(args=list(args))


def test_backup_restores_into_a_fresh_database_with_every_row_and_photo(app, fresh_app,
                                                                        tmp_path, demo):
    """The demo plus a ticket with two photos and a form's held photo: backed up, restored
    into an empty database, the same rows in every table and the same photo bytes."""
    demo()
    photos = [reencode(jpeg_bytes(color=c), 1600) for c in ("red", "blue", "green")]
    f.ticket(photos=photos[:2])
    held_photos.hold("k" * 32, photos[2:])
    db.session.commit()
    before = _contents()
    archive = tmp_path / "repairapp.tar"

    backed = _cli(app, "backup", str(archive))
    restored = _cli(fresh_app, "restore", str(archive))

    assert backed.exit_code == 0, backed.output
    assert restored.exit_code == 0, restored.output
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["tables"] == before[0]
    assert sorted(manifest["photos"].values()) == sorted(before[1])
    with fresh_app.app_context():
        after = _contents()
    assert after == before
    assert {hashlib.sha256(p.content).hexdigest() for p in photos} <= set(after[1])
    assert after[0]["tickets"] > 10


def test_restore_refuses_a_database_that_is_not_empty(app, tmp_path):
    """Restoring over the running installation's own database is refused, nothing changed."""
    f.ticket()
    archive = tmp_path / "repairapp.tar"
    assert _cli(app, "backup", str(archive)).exit_code == 0
    before = _contents()

    answer = _cli(app, "restore", str(archive))

    assert answer.exit_code == 1
    assert "is not empty" in answer.output and "only into an empty database" in answer.output
    assert _contents() == before

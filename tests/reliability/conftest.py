"""A second, empty database beside the suite's, for tests that must start from nothing."""

import contextlib

import sqlalchemy as sa

from repairapp import create_app
from repairapp.extensions import db


@contextlib.contextmanager
def empty_database_app(app, tmp_path, suffix: str, **config):
    """An app on a new empty database of the suite's kind: a SQLite file in `tmp_path`, or a
    PostgreSQL database named after the suite's plus `suffix`, dropped afterwards."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    settings = {"TESTING": True, "SECRET_KEY": "test-secret", "SERVER_NAME": None, **config}
    if url.get_backend_name() == "sqlite":
        yield create_app({**settings, "SQLALCHEMY_DATABASE_URI":
                          f"sqlite:///{tmp_path / f'{suffix}.sqlite3'}"})
        return
    name = f"{url.database}_{suffix}"
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    other = create_app({**settings, "SQLALCHEMY_DATABASE_URI":
                        url.set(database=name).render_as_string(hide_password=False)})
    try:
        yield other
    finally:
        with other.app_context():
            db.engine.dispose()
        with server.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        server.dispose()

"""Health checks: /healthz says the process answers, /readyz that it can serve (the database
answers and its schema is the code's). Neither needs a log-in, reads a session, sets a cookie
or says anything about the data; both are outside the rate limits (which count only filing
and log-ins) and are answered for any Host, since a load balancer asks by address."""

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, current_app, jsonify

from repairapp import config
from repairapp.extensions import db

bp = Blueprint("health", __name__)
PATHS = ("/healthz", "/readyz")
#: app.extensions keys: the migration heads the code expects, and every revision it knows,
#: read once at start.
HEADS, KNOWN = "repairapp.migration_heads", "repairapp.migration_revisions"


def init_app(app: Flask) -> None:
    """Read the migrations once, and let a balancer's Host through to the checks."""
    scripts = ScriptDirectory(str(config.ROOT / "migrations"))
    app.extensions[HEADS] = frozenset(scripts.get_heads())
    app.extensions[KNOWN] = frozenset(script.revision for script in scripts.walk_revisions())
    app.wsgi_app = AnyHost(app.wsgi_app, app.config.get("TRUSTED_HOSTS"))


class AnyHost:
    """In production only the public host is served (others get 400); a load balancer asks
    the checks by the server's address. For these two paths, which build no link and show
    nothing, the Host is taken to be the public one."""

    def __init__(self, wsgi_app, trusted_hosts):
        self.wsgi_app, self.trusted_hosts = wsgi_app, trusted_hosts

    def __call__(self, environ, start_response):
        if self.trusted_hosts and environ.get("PATH_INFO") in PATHS:
            environ["HTTP_HOST"] = self.trusted_hosts[0]
        return self.wsgi_app(environ, start_response)


def _answer(status: str, code: int = 200, reason: str = ""):
    body = {"status": status, **({"reason": reason} if reason else {})}
    response = jsonify(body)
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    """The process is up and answering (nothing else is checked)."""
    return _answer("ok")


@bp.get("/readyz")
def readyz():
    """One query: the database answers and its migrations are the code's head."""
    try:
        current = _applied_revisions()
    except sa.exc.SQLAlchemyError:
        return _answer("unavailable", 503, "database unreachable")
    if current == current_app.extensions[HEADS]:
        return _answer("ready")
    if current - current_app.extensions[KNOWN]:
        return _answer("unavailable", 503, "database schema is newer than this code")
    return _answer("unavailable", 503, "migrations not at head: run flask db upgrade")


def _applied_revisions() -> frozenset[str]:
    """The revisions in alembic_version (none when the database was never migrated)."""
    with db.engine.connect() as connection:
        try:
            return frozenset(connection.execute(
                sa.text("SELECT version_num FROM alembic_version")).scalars())
        except sa.exc.DBAPIError as error:
            if error.connection_invalidated:
                raise
            return frozenset()

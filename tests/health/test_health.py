"""/healthz and /readyz: what a load balancer sees, with no log-in, cookie or data."""

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from security.production import production_env, start

import factories as f
from reliability.conftest import empty_database_app
from repairapp import config, create_app
from repairapp.extensions import db


def _get(app, path, **kwargs):
    response = app.test_client().get(path, **kwargs)
    return response.status_code, response.get_json(), response


def test_healthz_says_the_process_is_up(app):
    """200 {"status": "ok"}, not stored, no cookie."""
    status, body, response = _get(app, "/healthz")
    assert (status, body) == (200, {"status": "ok"})
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_readyz_is_ready_on_a_migrated_database(app):
    """The suite's database is at the migrations' head: 200 {"status": "ready"}."""
    status, body, response = _get(app, "/readyz")
    assert (status, body) == (200, {"status": "ready"})
    assert "Set-Cookie" not in response.headers


def test_readyz_refuses_a_database_behind_the_code(app, tmp_path):
    """A database one migration behind (or never migrated) answers 503 and says to upgrade."""
    with empty_database_app(app, tmp_path, "behind") as other, other.app_context():
        assert _get(other, "/readyz")[:2] == (503, {
            "status": "unavailable", "reason": "migrations not at head: run flask db upgrade"})
        upgrade(revision=_one_before_head())
        assert _get(other, "/readyz")[0] == 503
        upgrade()
        assert _get(other, "/readyz")[:2] == (200, {"status": "ready"})
        db.session.remove()


def _one_before_head() -> str:
    scripts = ScriptDirectory(str(config.ROOT / "migrations"))
    return scripts.get_revision(scripts.get_current_head()).down_revision


def test_readyz_refuses_a_database_ahead_of_the_code(app):
    """A revision this code does not know (a newer release migrated the database): 503."""
    with db.engine.begin() as conn:
        head = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'f00dcafe'"))
    try:
        assert _get(app, "/readyz")[:2] == (503, {
            "status": "unavailable", "reason": "database schema is newer than this code"})
    finally:
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = :head"),
                         {"head": head})


def test_readyz_says_when_the_database_cannot_be_reached(app, tmp_path):
    """A database that does not answer: 503 "database unreachable" (the same kind as the
    suite's: a PostgreSQL port nobody listens on, a SQLite file in a missing folder)."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    gone = (url.set(host="127.0.0.1", port=1).render_as_string(hide_password=False)
            if url.get_backend_name() == "postgresql"
            else f"sqlite:///{tmp_path / 'missing' / 'folder' / 'db.sqlite3'}")
    other = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                        "SQLALCHEMY_DATABASE_URI": gone})
    assert _get(other, "/readyz")[:2] == (503, {"status": "unavailable",
                                                 "reason": "database unreachable"})
    assert _get(other, "/healthz")[0] == 200


def test_checks_show_no_data_and_need_no_log_in(app):
    """With tickets in the database, neither answer names anything of them; a logged-in
    staff member gets the same bodies and no new cookie."""
    ticket = f.ticket()
    client = app.test_client()
    for path in ("/healthz", "/readyz"):
        text = client.get(path).get_data(as_text=True)
        for value in (ticket.requester_phone, ticket.requester_name, ticket.tracking_token,
                      str(ticket.id)):
            assert value not in text
    assert set(client.get("/readyz").get_json()) == {"status"}


def test_checks_answer_a_balancer_asking_by_address_in_production(app):
    """Production serves only its public host (others 400), but a balancer asks the checks
    by the server's address: they answer; every other page still refuses that Host."""
    prod = start(app, production_env())
    client = prod.test_client()
    for path in ("/healthz", "/readyz"):
        response = client.get(path, base_url="http://10.0.0.5:8000")
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers
    assert client.get("/accounts/login", base_url="http://10.0.0.5:8000").status_code == 400
    assert client.get("/healthz/", base_url="http://10.0.0.5:8000").status_code == 400


def test_checks_are_outside_the_rate_limits(app):
    """Even with the tightest limits, a balancer asking every second is always answered."""
    limited = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "RATE_LIMIT_FILING": "1/hour", "RATE_LIMIT_LOGIN": "1/hour",
                          "RATE_LIMIT_LOGIN_ACCOUNT": "1/hour"})
    client = limited.test_client()
    assert {client.get(path).status_code for path in ("/healthz", "/readyz") * 30} == {200}

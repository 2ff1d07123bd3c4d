"""An installation that has been filing requests since the first release upgrades to the
current schema with every row kept: a database is filled at revision 0001 (the first with
tickets) by raw SQL in that revision's schema, upgraded to head, and read back, by SQL and
through the pages a requester and an admin open."""

from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from conftest import IsolatedClient, token_from
from reliability.conftest import empty_database_app
from repairapp.extensions import db

ROOT = Path(__file__).resolve().parent.parent
FIRST = "0001"
CREATED = datetime(2026, 11, 23, 2, 30)  # naive UTC, as 0001 stored it
PHOTO = bytes.fromhex("ffd8ffe000104a464946") + b"\0" * 64  # stored bytes, never decoded here

#: Rows in revision 0001's schema (tables in dependency order).
ROWS = {
    "customers": [dict(id=1, name="华东精密制造有限公司", created_at=CREATED)],
    "service_plans": [dict(id=1, name="Level A", kind="EXTENDED", service_level="A",
                           response_critical_min=60, resolution_critical_min=240,
                           response_major_min=120, resolution_major_min=480,
                           response_minor_min=240, resolution_minor_min=960)],
    "users": [dict(id=1, email="admin@example.com", name="Admin", role="ADMIN",
                   password_hash=generate_password_hash("old-password-1"), is_active=True,
                   created_at=CREATED)],
    "contracts": [dict(id=1, number="HT-2026-001", customer_id=1, plan_id=1,
                       start_date=date(2026, 1, 1), end_date=date(2099, 12, 31),
                       amount="12000.00", created_at=CREATED)],
    "sites": [dict(id=1, customer_id=1, name="苏州工厂", address="1 Factory Road",
                   timezone="Asia/Shanghai", contact_name="Wang", contact_phone="0512-1234567")],
    "assets": [dict(id=1, tag="EQ-00042", name="WMS server", model="R750", serial_number="SN1",
                    site_id=1, acceptance_date=date(2025, 6, 1), warranty_months=12,
                    warranty_plan_id=None, created_at=CREATED)],
    "contract_assets": [dict(contract_id=1, asset_id=1)],
    "labels": [dict(id=1, asset_id=1, code="K7Q2M9XW4TZA", created_at=CREATED, revoked_at=None)],
    "tickets": [dict(id=1, asset_id=1, customer_id=1, status="NEW", severity="CRITICAL",
                     category="ERROR", description="主轴报警 E42", requester_name="周师傅",
                     requester_phone="13900000001", idempotency_key="k" * 32,
                     tracking_token="t" * 43, coverage_state="CONTRACT", plan_id=1,
                     plan_name="Level A", contract_id=1, coverage_start=date(2026, 1, 1),
                     coverage_end=date(2099, 12, 31), is_chargeable=False,
                     response_due_at=datetime(2026, 11, 23, 3, 30),
                     resolution_due_at=datetime(2026, 11, 23, 6, 30), created_at=CREATED,
                     responded_at=None, resolved_at=None, closed_at=None, version=1)],
    "ticket_events": [dict(id=1, ticket_id=1, kind="CREATED", actor_id=None,
                           actor_name="周师傅", from_value=None, to_value="NEW",
                           note="主轴报警 E42", is_public=True, created_at=CREATED)],
    "ticket_photos": [dict(id=1, ticket_id=1, event_id=1, content=PHOTO, width=4, height=3,
                           created_at=CREATED)],
}


@pytest.fixture
def old_app(app, tmp_path):
    """An app on its own database, migrated to 0001 and filled as that release would have."""
    with empty_database_app(app, tmp_path, "upgrade", RATE_LIMIT_LOGIN="",
                            RATE_LIMIT_LOGIN_ACCOUNT="") as old, old.app_context():
        upgrade(revision=FIRST)
        with db.engine.begin() as conn:
            for table, rows in ROWS.items():
                columns = ", ".join(rows[0])
                values = ", ".join(f":{c}" for c in rows[0])
                insert = f"INSERT INTO {table} ({columns}) VALUES ({values})"  # noqa: S608
                conn.execute(sa.text(insert), rows)
        old.test_client_class = IsolatedClient
        yield old
        db.session.remove()


def _count(conn, table: str) -> int:
    return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608


def test_upgrade_from_the_first_release_keeps_every_row(old_app):
    """0001 -> head: every row still there, its values unchanged, new columns filled sanely."""
    upgrade()
    with db.engine.connect() as conn:
        assert {table: _count(conn, table) for table in ROWS} == {t: 1 for t in ROWS}
        ticket = conn.execute(sa.text(
            "SELECT description, requester_name, status, tracking_token, response_due_at, "
            "reopen_count, resolution_note, assignee_id FROM tickets"
        ).columns(response_due_at=sa.DateTime())).one()
        photo = conn.execute(sa.text("SELECT content FROM ticket_photos")).scalar_one()
        revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    assert tuple(ticket) == ("主轴报警 E42", "周师傅", "NEW", "t" * 43,
                             datetime(2026, 11, 23, 3, 30), 0, "", None)
    assert bytes(photo) == PHOTO
    assert revision == ScriptDirectory(str(ROOT / "migrations")).get_current_head()


def test_upgraded_ticket_shows_on_the_requester_and_staff_pages(old_app):
    """After the upgrade the old label opens the machine with its open request, the tracking
    link works, and the old admin logs in with the old password and opens the ticket."""
    upgrade()
    client = old_app.test_client()
    client.set_cookie("lang", "en")

    scan = client.get("/r/K7Q2M9XW4TZA").get_data(as_text=True)
    tracking = client.get("/t/" + "t" * 43).get_data(as_text=True)
    page = client.get("/accounts/login").get_data(as_text=True)
    client.post("/accounts/login", data={"email": "admin@example.com",
                                         "password": "old-password-1",
                                         "csrf_token": token_from(page)})
    ticket = client.get("/tickets/1")

    assert "WMS server" in scan and "R000001" in scan
    assert "R000001" in tracking and "WMS server" in tracking
    assert ticket.status_code == 200
    assert "主轴报警 E42" in ticket.get_data(as_text=True)

"""Benchmark: "My jobs" with 50 open jobs, over an empty history and over 100,000 closed
tickets. Reports both medians and their ratio (the machine is shared: only the ratio,
measured in the same run, means anything).

    make bench                      # SQLite in a temporary file
    BENCH_DATABASE_URL=postgresql+psycopg://... make bench
"""

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from repairapp import create_app  # noqa: E402
from repairapp.accounts.models import Role, User  # noqa: E402
from repairapp.assets.models import Asset  # noqa: E402
from repairapp.customers.models import Customer, Site  # noqa: E402
from repairapp.db import utcnow  # noqa: E402
from repairapp.extensions import db  # noqa: E402
from repairapp.tickets.models import Status, Ticket  # noqa: E402

OPEN, HISTORY, ROUNDS = 50, 100_000, 60


def _rows(n: int, tech_id: int, asset_id: int, customer_id: int, status: Status) -> list[dict]:
    now = utcnow()
    return [dict(asset_id=asset_id, customer_id=customer_id, status=status, severity="MAJOR",
                 category="ERROR", description="", requester_name="x", requester_phone="1",
                 idempotency_key=uuid.uuid4().hex, tracking_token=uuid.uuid4().hex,
                 coverage_state="CONTRACT", plan_name="A", is_chargeable=False,
                 sla_targets={}, assignee_id=tech_id, resolution_note="", rating_comment="",
                 reopen_count=0, version=1, created_at=now - timedelta(hours=i % 48),
                 response_due_at=now + timedelta(minutes=i), resolution_due_at=None)
            for i in range(n)]


def _setup() -> tuple[int, int, int]:
    site = Site(customer=Customer(name="Bench"), name="Plant")
    asset = Asset(tag="EQ-BENCH", name="Machine", site=site)
    tech = User(email="tech@bench", name="Tech", role=Role.TECHNICIAN)
    tech.set_password("bench-password")
    db.session.add_all([asset, tech])
    db.session.commit()
    db.session.execute(sa.insert(Ticket), _rows(OPEN, tech.id, asset.id, site.customer_id,
                                                Status.ACKNOWLEDGED))
    db.session.commit()
    return tech.id, asset.id, site.customer_id


def _app(url: str, history: int):
    """An app on its own database holding 50 open jobs and `history` closed tickets."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        tech_id, asset_id, customer_id = _setup()
        for start in range(0, history, 10_000):
            db.session.execute(sa.insert(Ticket), _rows(min(10_000, history - start), tech_id,
                                                        asset_id, customer_id, Status.CLOSED))
        db.session.commit()
        # What autovacuum does by itself after a bulk load: fresh planner statistics.
        with db.engine.connect() as conn:
            conn.execute(sa.text("ANALYZE"))
            conn.commit()
    client = app.test_client()
    client.post("/accounts/login", data={"email": "tech@bench", "password": "bench-password"})
    return client


def _time(client) -> float:
    start = time.perf_counter()
    assert client.get("/jobs/").status_code == 200
    return time.perf_counter() - start


def _urls() -> tuple[str, str]:
    base = os.environ.get("BENCH_DATABASE_URL")
    if base:  # two databases on the same server
        root = base.rsplit("/", 1)[0]
        engine = sa.create_engine(f"{root}/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for name in ("repairapp_bench_empty", "repairapp_bench_full"):
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
                conn.execute(sa.text(f"CREATE DATABASE {name}"))
        engine.dispose()
        return f"{root}/repairapp_bench_empty", f"{root}/repairapp_bench_full"
    folder = tempfile.mkdtemp()
    return f"sqlite:///{folder}/empty.sqlite3", f"sqlite:///{folder}/full.sqlite3"


def main() -> None:
    empty_url, full_url = _urls()
    empty, full = _app(empty_url, 0), _app(full_url, HISTORY)
    for client in (empty, full):  # warm-up
        _time(client)
    # Interleaved, so machine noise hits both sides alike.
    samples = [(_time(empty), _time(full)) for _ in range(ROUNDS)]
    e = statistics.median(s[0] for s in samples)
    f = statistics.median(s[1] for s in samples)
    print(f"my_jobs backend={empty_url.split(':')[0]} open={OPEN} rounds={ROUNDS}")
    print(f"  empty history      median {e * 1000:7.2f} ms")
    print(f"  {HISTORY:,} closed   median {f * 1000:7.2f} ms")
    print(f"  ratio full/empty   {f / e:7.2f}x")


if __name__ == "__main__":
    main()

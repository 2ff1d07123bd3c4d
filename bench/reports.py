"""Benchmark: the /reports page and a customer's service report PDF for one quarter of a
100,000-ticket history (10,000 machines), each as a ratio to `SELECT count(*) FROM tickets`
measured in the same run, same process and same connection pool (the machine is shared:
only ratios mean anything). Fails (exit 1) when a ratio exceeds 30, or when the page or the
PDF runs a different number of SQL queries over a 10,000-ticket history than over 100,000.

    make bench                      # SQLite, then PostgreSQL (.ci/postgres)
    .venv/bin/python bench/reports.py
    BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/reports.py

The histories (`flask demo history`, fixed seed and clock) take minutes to generate, so
they are kept: SQLite files under bench/.cache/ (ignored by git), PostgreSQL databases
repairapp_bench_reports and repairapp_bench_reports_small on BENCH_DATABASE_URL's server,
each labelled with its parameters and a fingerprint of the migrations and the generator,
and reused while those match (a changed migration builds the history again).
"""

import hashlib
import importlib.util
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from repairapp import create_app  # noqa: E402
from repairapp.demo.data import DEMO_PASSWORD  # noqa: E402
from repairapp.extensions import db  # noqa: E402
from repairapp.tickets.models import Ticket  # noqa: E402

#: (tickets, machines) of the measured history and of the smaller one queries are counted on.
FULL, SMALL = (100_000, 10_000), (10_000, 1_000)
MONTHS, SEED = 12, 11
#: The history's clock: its last full quarter is July to September 2026.
NOW = datetime(2026, 10, 8, 2, 0, tzinfo=UTC)
QUARTER = date(2026, 7, 1), date(2026, 9, 30)
LIMIT, ROUNDS = 30, 9
CACHE = ROOT / "bench" / ".cache"


def _key(size: tuple[int, int]) -> str:
    """What a cached history was built from: its parameters, and the migrations and the
    generator as they stood (a placeholder migration filled in later changes the key)."""
    sources = hashlib.sha1()  # noqa: S324 -- a fingerprint, not security
    for path in sorted([*(ROOT / "migrations" / "versions").glob("*.py"),
                        *(ROOT / "repairapp" / "demo").glob("*.py")]):
        sources.update(path.read_bytes())
    return (f"history-{size[0]}-{size[1]}-{MONTHS}m-seed{SEED}-{NOW:%Y%m%dT%H%M}"
            f"-{sources.hexdigest()[:10]}")


def _build(url: str, size: tuple[int, int]) -> None:
    """Generate the history into an empty database at `url`."""
    from repairapp.demo.bulk import add_history

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        started = time.perf_counter()
        add_history(size[0], size[1], SEED, months=MONTHS, now=NOW)
        db.session.commit()
        print(f"  built {_key(size)} in {time.perf_counter() - started:.0f} s", flush=True)
        db.engine.dispose()


def _sqlite(size: tuple[int, int]) -> str:
    """A cached SQLite file with the history (built under a temporary name, then renamed,
    so an interrupted build is never taken for a finished one)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{_key(size)}.sqlite3"
    if not path.exists():
        for stale in CACHE.glob(f"history-{size[0]}-{size[1]}-*"):
            stale.unlink()
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        _build(f"sqlite:///{partial}", size)
        partial.rename(path)
    return f"sqlite:///{path}"


def _postgresql(base: str, name: str, size: tuple[int, int]) -> str:
    """A PostgreSQL database with the history; its comment names the parameters, written
    once the build has finished."""
    root = base.rsplit("/", 1)[0]
    engine = sa.create_engine(f"{root}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        label = conn.scalar(sa.text(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = :name"), {"name": name})
        if label != _key(size):
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
            _build(f"{root}/{name}", size)
            conn.execute(sa.text(f"COMMENT ON DATABASE {name} IS '{_key(size)}'"))
    engine.dispose()
    return f"{root}/{name}"


class Bench:
    """An app on one history, logged in as the demo's admin."""

    def __init__(self, url: str):
        self.app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                               "RATELIMIT_ENABLED": False})
        with self.app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            # What autovacuum does by itself after a bulk load (PostgreSQL): planner
            # statistics and the visibility map that lets a query read an index alone.
            vacuum = "VACUUM ANALYZE" if url.startswith("postgresql") else "ANALYZE"
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text(vacuum))
            self.customer_id = self._busiest_customer()
        self.client = self.app.test_client()
        response = self.client.post("/accounts/login", data={"email": "admin@example.com",
                                                             "password": DEMO_PASSWORD})
        assert response.status_code == 302, response.status_code
        self.query = {"period": "", "start": QUARTER[0].isoformat(),
                      "end": QUARTER[1].isoformat()}

    def _busiest_customer(self) -> int:
        """The customer with the most tickets in the quarter (the longest PDF)."""
        from repairapp.reports.services import day_start
        count = sa.func.count(Ticket.id)
        return db.session.scalar(
            sa.select(Ticket.customer_id)
            .where(Ticket.created_at >= day_start(QUARTER[0]),
                   Ticket.created_at < day_start(QUARTER[1] + timedelta(days=1)))
            .group_by(Ticket.customer_id).order_by(count.desc(), Ticket.customer_id).limit(1))

    def count(self) -> float:
        """The baseline, run twice and the second timed: its best case, so a ratio to it
        is never flattered by a cache the page left cold."""
        with self.app.app_context():
            for _ in range(2):
                started = time.perf_counter()
                db.session.execute(sa.text("SELECT count(*) FROM tickets")).scalar()
                elapsed = time.perf_counter() - started
            return elapsed

    def page(self) -> float:
        started = time.perf_counter()
        response = self.client.get("/reports/", query_string=self.query)
        assert response.status_code == 200 and b'id="reliability"' in response.data
        return time.perf_counter() - started

    def pdf(self) -> float:
        build, render = _pdf()
        with self.app.test_request_context("/", headers={"Accept-Language": "zh"}):
            started = time.perf_counter()
            data = render(build(self.customer_id, *QUARTER), locale="zh")
            elapsed = time.perf_counter() - started
            db.session.remove()
        assert data.startswith(b"%PDF")
        return elapsed

    def queries(self, measure) -> int:
        """How many SQL statements one call of `measure` runs."""
        with self.app.app_context():
            engine = db.engine
        statements = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            measure()
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
        return len(statements)


def _pdf() -> tuple | None:
    """The customer service report's build() and render_pdf(), once they exist."""
    if importlib.util.find_spec("repairapp.reports.customer") is None:
        return None
    from repairapp.reports import customer
    if not hasattr(customer, "render_pdf"):
        if importlib.util.find_spec("repairapp.reports.customer_pdf") is None:
            return None
        from repairapp.reports import customer_pdf as renderer
    else:
        renderer = customer
    return customer.build, renderer.render_pdf


def main() -> int:
    base = os.environ.get("BENCH_DATABASE_URL")
    if base:
        backend = "postgresql"
        full_url = _postgresql(base, "repairapp_bench_reports", FULL)
        small_url = _postgresql(base, "repairapp_bench_reports_small", SMALL)
    else:
        backend = "sqlite"
        full_url, small_url = _sqlite(FULL), _sqlite(SMALL)
    full, small = Bench(full_url), Bench(small_url)
    parts = {"page": Bench.page, **({"pdf": Bench.pdf} if _pdf() else {})}
    failed = False
    print(f"reports backend={backend} tickets={FULL[0]:,} machines={FULL[1]:,} "
          f"quarter={QUARTER[0]}..{QUARTER[1]} rounds={ROUNDS}")
    for name, measure in parts.items():
        counts = [bench.queries(lambda b=bench, m=measure: m(b)) for bench in (small, full)]
        flat = counts[0] == counts[1]
        failed |= not flat
        print(f"  {name}: {counts[1]} queries at {FULL[0]:,} tickets, {counts[0]} at "
              f"{SMALL[0]:,}" + ("" if flat else "  FAIL: grows with the data"))
    full.count()
    # Interleaved, so machine noise hits the baseline and the measures alike.
    samples = {name: [] for name in ("count", *parts)}
    for _ in range(ROUNDS):
        samples["count"].append(full.count())
        for name, measure in parts.items():
            samples[name].append(measure(full))
            samples["count"].append(full.count())
    medians = {name: statistics.median(values) for name, values in samples.items()}
    print(f"  {'count(*) of tickets':<28}  median {medians['count'] * 1000:8.2f} ms")
    for name in parts:
        ratio = medians[name] / medians["count"]
        failed |= ratio > LIMIT
        print(f"  {name:<28}  median {medians[name] * 1000:8.2f} ms   ratio {ratio:6.1f}x"
              + (f"  FAIL: over {LIMIT}x" if ratio > LIMIT else ""))
    if not _pdf():
        print("  pdf: not measured (repairapp/reports/customer.py is not there yet)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Backups and restores of the whole installation: database and photos in one archive.

Photos live in the database (`ticket_photos`, `held_photos`), so the dump holds them; the
manifest beside it lists every table's row count and every stored photo's SHA-256, read in
the same snapshot as the dump, and a restore is checked against it before it is reported
good. SQLite is copied with its online backup API (the app may keep running); PostgreSQL
with pg_dump's custom format inside an exported snapshot.

An archive is a tar file: manifest.json and database.sqlite3 or database.pgdump.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from repairapp.db import utcnow

MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class OpsError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def backup(engine: sa.Engine, path: Path) -> dict:
    """Write the database behind `engine` to the archive `path`; returns its manifest."""
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DUMPS[engine.dialect.name]
        manifest = _dump(engine, dump) | {"backend": engine.dialect.name,
                                          "created_at": utcnow().isoformat()}
        _write_archive(path, dump, manifest)
    return manifest


def _dump(engine: sa.Engine, dump: Path) -> dict:
    """The database copied to `dump`; the inventory of exactly what was copied."""
    if engine.dialect.name == "sqlite":
        _sqlite_copy(sa.make_url(engine.url).database, str(dump))
        copy = sa.create_engine(f"sqlite:///{dump}")
        with copy.connect() as conn:
            inventory = _inventory(conn)
        copy.dispose()
        return inventory
    with engine.connect().execution_options(isolation_level="REPEATABLE READ",
                                            postgresql_readonly=True) as conn:
        # pg_dump reads this transaction's snapshot: the counts and hashes match the dump.
        snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        _run("pg_dump", "--format=custom", "--no-owner", "--no-privileges",
             f"--snapshot={snapshot}", f"--file={dump}", url=engine.url)
        inventory = _inventory(conn)
        conn.rollback()
    return inventory


def _write_archive(path: Path, dump: Path, manifest: dict) -> None:
    """The tar appears under its name only once complete (written aside, then renamed)."""
    partial = path.with_name(path.name + ".partial")
    data = json.dumps(manifest, indent=1, sort_keys=True).encode()
    info = tarfile.TarInfo(MANIFEST)
    info.size, info.mtime = len(data), int(time.time())
    try:
        with tarfile.open(partial, "w") as archive:
            archive.add(dump, arcname=dump.name)
            archive.addfile(info, io.BytesIO(data))
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise OpsError(f"Cannot write the archive {path}: {error}") from None


def restore(engine: sa.Engine, path: Path) -> dict:
    """Load the archive `path` into the empty database behind `engine` and check it against
    the archive's manifest; returns the manifest."""
    with tempfile.TemporaryDirectory() as work, _open(path) as archive:
        try:
            manifest = json.load(archive.extractfile(MANIFEST))
        except (KeyError, ValueError):
            raise OpsError(f"{path} is not a repairapp backup (it has no manifest).") from None
        backend = engine.dialect.name
        if manifest["backend"] != backend:
            raise OpsError(f"This archive holds a {manifest['backend']} database; the "
                           f"configured one is {backend}. Restore it into {manifest['backend']}.")
        _refuse_unless_empty(engine)
        archive.extract(DUMPS[backend], work, filter="data")
        dump = Path(work) / DUMPS[backend]
        engine.dispose()  # no pooled connection may hold the old (empty) file or database
        if backend == "sqlite":
            _sqlite_copy(str(dump), sa.make_url(engine.url).database)
        else:
            _run("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                 "--single-transaction", str(dump), url=engine.url)
    with engine.connect() as conn:
        found = _inventory(conn)
    if found["tables"] != manifest["tables"] or found["photos"] != manifest["photos"]:
        raise OpsError("The restored database differs from the archive's manifest: "
                       + _difference(manifest, found))
    return manifest


def _inventory(conn: sa.Connection) -> dict:
    """Row counts of every table and the SHA-256 of every stored photo (binary column)."""
    metadata = sa.MetaData()
    metadata.reflect(conn)
    tables, photos = {}, {}
    for table in metadata.sorted_tables:
        tables[table.name] = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
        binary = [c for c in table.columns if isinstance(c.type, sa.LargeBinary)]
        key = list(table.primary_key.columns)
        for column in binary:
            # Streamed a hundred rows at a time: the photos of a large install exceed memory.
            rows = sa.select(*key, column).order_by(*key).execution_options(yield_per=100)
            for row in conn.execute(rows):
                ident = "/".join(str(v) for v in row[:-1])
                photos[f"{table.name}/{ident}/{column.name}"] = hashlib.sha256(row[-1]).hexdigest()
    return {"tables": tables, "photos": photos,
            "revision": conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            if "alembic_version" in tables else None}


def _refuse_unless_empty(engine: sa.Engine) -> None:
    if engine.dialect.name == "sqlite" and not Path(sa.make_url(engine.url).database).exists():
        return
    names = sa.inspect(engine).get_table_names()
    if names:
        where = sa.make_url(engine.url).render_as_string(hide_password=True)
        raise OpsError(f"The database {where} is not empty ({len(names)} tables). A restore "
                       "goes only into an empty database: create a new one, point "
                       "DATABASE_URL at it and run restore again.")


def _sqlite_copy(source: str, target: str) -> None:
    """SQLite's online backup: a consistent copy even while others write to `source`."""
    try:
        src, dst = sqlite3.connect(source), sqlite3.connect(target)
    except sqlite3.Error as error:
        raise OpsError(f"Cannot open {source} or {target}: {error}") from None
    try:
        with dst:
            src.backup(dst)
    except sqlite3.Error as error:
        raise OpsError(f"Copying {source} failed: {error}") from None
    finally:
        src.close()
        dst.close()


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r")
    except (OSError, tarfile.TarError):
        raise OpsError(f"{path} is not a repairapp backup (not a readable tar file).") from None


def _libpq_url(url: sa.URL) -> str:
    """The SQLAlchemy URL as libpq reads it, without the password (that goes by PGPASSWORD:
    a command line is visible to every user of the machine)."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _run(program: str, *args: str, url: sa.URL) -> None:
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    command = [_binary(program), *args, f"--dbname={_libpq_url(url)}"]
    # A PostgreSQL tool with our own arguments; no shell.
    result = subprocess.run(command, env=env, capture_output=True, text=True,  # noqa: S603
                            check=False)
    if result.returncode != 0:
        raise OpsError(f"{program} failed: {result.stderr.strip()}")


def _binary(program: str) -> str:
    """The newest installed PostgreSQL's tool (it reads older servers' data), else PATH's."""
    installed = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"),
                       key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    found = str(installed[-1]) if installed else shutil.which(program)
    if not found:
        raise OpsError(f"{program} is not installed (Debian: apt-get install postgresql-client).")
    return found


def _difference(expected: dict, found: dict) -> str:
    tables = [f"{name}: {expected['tables'].get(name)} in the archive, {found['tables'].get(name)} "
              "restored" for name in sorted(expected["tables"].keys() | found["tables"].keys())
              if expected["tables"].get(name) != found["tables"].get(name)]
    photos = sum(1 for k in expected["photos"].keys() | found["photos"].keys()
                 if expected["photos"].get(k) != found["photos"].get(k))
    return "; ".join(tables + ([f"{photos} photos differ"] if photos else []))

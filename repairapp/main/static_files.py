"""Static files under content-hashed names, cached for a year.

`url_for('static', filename='app.css')` gives `/static/app.3f9a1c2b7d4e.css`, the first 12
hex digits of the file's SHA-256 before the suffix. A new release changes the name of each
file it changes, so browsers (and nginx, which serves the names `flask static collect`
writes) keep every file a year, `immutable`, and still never show a stale one. Templates
keep writing `url_for('static', filename=...)`.

The digest is computed once per file. In debug (development) it is computed again when the
file's size or modification time changes, which costs a stat per URL; otherwise a worker
keeps the name it found first (a release restarts the workers). A hashed name whose digest
is not the file's (a page from another release, during an upgrade) gets the current file,
revalidated each time rather than cached for a year; the plain name still answers with the
default hour.
"""

import hashlib
import re
import shutil
from pathlib import Path

import click
from flask import Flask, current_app, send_from_directory
from flask.cli import with_appcontext

DIGITS = 12
#: Cache-Control of a file asked for by its content-hashed name.
IMMUTABLE = "public, max-age=31536000, immutable"
_HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{DIGITS}}})(?P<suffix>\.[^./]+)$")


class Manifest:
    """Plain name -> content-hashed name of each file in the static folder."""

    def __init__(self, folder: str, watch: bool = True):
        self.folder = Path(folder)
        #: Look at the file again on every call (debug), for edits while the server runs.
        self.watch = watch
        self._seen: dict[str, tuple[int, int, str]] = {}  # name -> (mtime_ns, size, hashed)

    def hashed(self, name: str) -> str | None:
        """`name` with its content's digest before the suffix (a name without a suffix stays
        as it is), or None if there is no such file."""
        if not self.watch:
            seen = self._seen.get(name)
            if seen:
                return seen[2]
        path = self.folder / name
        try:
            stat = path.stat()
        except (OSError, ValueError):
            return None
        seen = self._seen.get(name)
        if seen and seen[:2] == (stat.st_mtime_ns, stat.st_size):
            return seen[2]
        if not path.is_file() or not path.resolve().is_relative_to(self.folder.resolve()):
            return None
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:DIGITS]
        stem, dot, suffix = name.rpartition(".")
        hashed = f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else name
        self._seen[name] = (stat.st_mtime_ns, stat.st_size, hashed)
        return hashed

    def names(self) -> list[str]:
        """Every file's plain name, relative to the folder, with / between folders."""
        return sorted(path.relative_to(self.folder).as_posix()
                      for path in self.folder.rglob("*") if path.is_file())


def init_app(app: Flask) -> None:
    """Hashed names in every static URL, a view that serves them, `flask static collect`."""
    manifest = Manifest(app.static_folder, watch=app.debug)
    app.extensions["static_manifest"] = manifest

    @app.url_defaults
    def _hashed_name(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["filename"] = manifest.hashed(values["filename"]) or values["filename"]

    app.view_functions["static"] = lambda filename: serve(manifest, filename)
    app.cli.add_command(static_cli)


def serve(manifest: Manifest, filename: str):
    """A hashed name: the file, a year immutable (or revalidated when the digest is another
    release's); any other name: the file as Flask serves it."""
    match = _HASHED.match(filename)
    plain = f"{match['stem']}{match['suffix']}" if match else None
    current = manifest.hashed(plain) if plain else None
    if current is None:
        return current_app.send_static_file(filename)
    response = send_from_directory(manifest.folder, plain, max_age=0)
    response.headers["Cache-Control"] = IMMUTABLE if current == filename else "no-cache"
    return response


@click.group("static", help="Static files under content-hashed names.")
def static_cli():
    pass


@static_cli.command("collect")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def collect_command(folder: Path):
    """Copy every static file to FOLDER under its hashed name (for nginx to serve as
    /static/); earlier releases' files are kept, so their pages still find theirs."""
    manifest: Manifest = current_app.extensions["static_manifest"]
    written = 0
    for name in manifest.names():
        target = folder / manifest.hashed(name)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(manifest.folder / name, target.with_name(target.name + ".partial"))
            target.with_name(target.name + ".partial").replace(target)
            written += 1
    click.echo(f"{written} new of {len(manifest.names())} static files in {folder}")

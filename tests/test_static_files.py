"""Static files under content-hashed names, a year immutable (repairapp/main/static_files.py)."""

import hashlib
import re
from pathlib import Path

from flask import url_for

from repairapp import config
from repairapp.main.static_files import IMMUTABLE, Manifest

STATIC = config.ROOT / "static"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def test_static_urls_carry_the_files_digest(app):
    """url_for('static', filename='app.css') is /static/app.<first 12 hex of its SHA-256>.css."""
    with app.test_request_context():
        assert url_for("static", filename="app.css") == \
            f"/static/app.{_digest(STATIC / 'app.css')}.css"
        assert url_for("static", filename="intake.js") == \
            f"/static/intake.{_digest(STATIC / 'intake.js')}.js"


def test_a_hashed_name_is_served_for_a_year_immutable(client):
    """The file's bytes, Cache-Control public, max-age a year, immutable."""
    response = client.get(f"/static/app.{_digest(STATIC / 'app.css')}.css")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE == \
        "public, max-age=31536000, immutable"
    assert response.get_data() == (STATIC / "app.css").read_bytes()
    assert "text/css" in response.headers["Content-Type"]


def test_another_releases_digest_gets_the_current_file_revalidated(client):
    """A page of another release (during an upgrade) gets today's file, never cached a year."""
    response = client.get("/static/app.0123456789ab.css")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
    assert response.get_data() == (STATIC / "app.css").read_bytes()


def test_plain_names_still_work_and_unknown_ones_are_404(client):
    """/static/app.css answers with the default hour; a file that does not exist is 404."""
    response = client.get("/static/app.css")
    assert response.status_code == 200 and "max-age=3600" in response.headers["Cache-Control"]
    assert client.get("/static/nothing.0123456789ab.css").status_code == 404
    assert client.get("/static/..%2fwsgi.0123456789ab.py").status_code == 404


def test_every_page_links_the_hashed_names_and_they_load(client):
    """The log-in page's stylesheet and script are hashed names that load immutable."""
    page = client.get("/accounts/login").get_data(as_text=True)
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert links and all(re.search(r"\.[0-9a-f]{12}\.(css|js)$", link) for link in links)
    for link in links:
        assert client.get(link).headers["Cache-Control"] == IMMUTABLE


def test_an_edited_file_gets_a_new_name(tmp_path):
    """Changing a file's content changes its name; its old name is not reused."""
    (tmp_path / "css").mkdir()
    sheet = tmp_path / "css" / "site.css"
    sheet.write_text("body { color: red }")
    manifest = Manifest(str(tmp_path))
    first = manifest.hashed("css/site.css")
    assert first == f"css/site.{_digest(sheet)}.css"
    sheet.write_text("body { color: blue; margin: 0 }")
    assert manifest.hashed("css/site.css") == f"css/site.{_digest(sheet)}.css" != first
    assert manifest.hashed("css/missing.css") is None
    assert manifest.hashed("../outside.css") is None


def test_outside_debug_a_worker_keeps_the_name_it_found(tmp_path):
    """Without `watch` (production: a release restarts the workers) the file is read once and
    not looked at again per URL; a file that was missing is looked for again."""
    sheet = tmp_path / "site.css"
    sheet.write_text("body { color: red }")
    manifest = Manifest(str(tmp_path), watch=False)
    first = manifest.hashed("site.css")
    assert first == f"site.{_digest(sheet)}.css"
    sheet.write_text("body { color: blue; margin: 0 }")
    assert manifest.hashed("site.css") == first
    assert manifest.hashed("late.css") is None
    (tmp_path / "late.css").write_text("p {}")
    assert manifest.hashed("late.css") == f"late.{_digest(tmp_path / 'late.css')}.css"
    assert manifest.hashed("../outside.css") is None


def test_collect_writes_hashed_copies_and_keeps_old_ones(runner, tmp_path):
    """`flask static collect DIR` copies each file under its hashed name; a second run adds
    nothing; files of an earlier release stay for pages still showing them."""
    old = tmp_path / "app.0123456789ab.css"
    old.write_text("old release")
    result = runner.invoke(args=["static", "collect", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = sorted(path.name for path in STATIC.rglob("*") if path.is_file())
    expected = {f"{Path(n).stem}.{_digest(STATIC / n)}{Path(n).suffix}" for n in names}
    assert {path.name for path in tmp_path.iterdir()} == expected | {old.name}
    assert (tmp_path / f"app.{_digest(STATIC / 'app.css')}.css").read_bytes() == \
        (STATIC / "app.css").read_bytes()
    assert f"{len(names)} new of {len(names)}" in result.output
    again = runner.invoke(args=["static", "collect", str(tmp_path)])
    assert f"0 new of {len(names)}" in again.output
    assert old.read_text() == "old release"

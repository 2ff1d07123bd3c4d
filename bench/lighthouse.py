"""Lighthouse (mobile) on the pages phones use most: the scan page, the requester's tracking
page and a technician's "My jobs" (logged in). Performance, accessibility and best practices
must each score at least 98.

The demo is loaded into a fresh SQLite file and served by gunicorn (2 workers, as on the
2-core production server of docs/deploy.md). Lighthouse runs from npm (bench/lighthouse/,
pinned in package-lock.json) with Debian's Chromium, in its default mobile mode: a
Moto G Power-sized screen, 4x CPU slowdown and a slow 4G connection, simulated.

    make lighthouse          # installs Node.js, npm and Lighthouse when missing, then this
"""

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from submissions import gunicorn  # noqa: E402  (a sibling script, not a package)

LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update")
CATEGORIES = ("performance", "accessibility", "best-practices")
TARGET = 98
RESULTS = ROOT / "bench" / "results"


def flask(database_url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
        capture_output=True, text=True, check=True).stdout


def session_cookie(base_url: str, email: str, password: str) -> str:
    """Log in through the real form; the Cookie header a logged-in phone sends."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base_url + "/accounts/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    opener.open(base_url + "/accounts/login", data=body.encode())
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def audit(url: str, name: str, headers: dict | None = None) -> dict[str, int]:
    """Lighthouse's scores (0-100) for one page; the full report is kept in bench/results."""
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"lighthouse-{name}.json"
    command = [str(LIGHTHOUSE), url, "--quiet", "--chrome-path=/usr/bin/chromium",
               f"--chrome-flags={CHROME_FLAGS}", "--only-categories=" + ",".join(CATEGORIES),
               "--output=json", f"--output-path={out}"]
    if headers:
        command.append("--extra-headers=" + json.dumps(headers))
    subprocess.run(command, check=True, cwd=ROOT)  # noqa: S603 (pinned local tool)
    report = json.loads(out.read_text())
    failed = [a["title"] for a in report["audits"].values()
              if a.get("score") is not None and a["score"] < 1
              and a.get("scoreDisplayMode") == "binary"]
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    if failed:
        print(f"  {name}: audits not passed: " + "; ".join(failed))
    return scores


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="repairapp-lighthouse-") as folder:
        database_url = f"sqlite:///{folder}/lighthouse.db"
        flask(database_url, "db", "upgrade")
        printed = flask(database_url, "demo", "load")
        scan = re.search(r"https?://\S+(/r/[0-9A-Z]{12})", printed)[1]
        tracking = re.search(r"https?://\S+(/t/\S+)", printed)[1]
        password = re.search(r"technician\s+(\S+)\s+(\S+)", printed)
        with gunicorn(database_url, 2) as base_url:
            urllib.request.urlopen(base_url + "/healthz").read()  # noqa: S310 (loopback)
            cookie = session_cookie(base_url, password[1], password[2])
            pages = [("scan", base_url + scan, None), ("tracking", base_url + tracking, None),
                     ("my-jobs", base_url + "/jobs/", {"Cookie": cookie})]
            results = {name: audit(url, name, headers) for name, url, headers in pages}
    print(f"\n{'page':<10}" + "".join(f"{c:>16}" for c in CATEGORIES))
    for name, scores in results.items():
        print(f"{name:<10}" + "".join(f"{scores[c]:>16}" for c in CATEGORIES))
    low = [(n, c, s) for n, scores in results.items() for c, s in scores.items() if s < TARGET]
    for name, category, score in low:
        print(f"below {TARGET}: {name} {category} {score}")
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())

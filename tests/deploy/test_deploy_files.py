"""The deploy files agree with the app and the docs (`make deploy-check` runs the tools
that read them: nginx -t, gunicorn --check-config, systemd-analyze verify, logrotate -d)."""

import configparser
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import request
from security.production import SECRET

from repairapp import config, create_app
from repairapp.main.static_files import Manifest

DEPLOY = config.ROOT / "deploy"
SITE = (DEPLOY / "nginx" / "repairapp.conf").read_text()
UNITS = DEPLOY / "systemd"
BASE_TIME = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNITS / name)
    return parser


def _env_example() -> dict[str, str]:
    lines = (DEPLOY / "env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_nginx_body_limit_is_the_apps(monkeypatch, tmp_path):
    """client_max_body_size (nginx's m = MiB) equals the app's default MAX_CONTENT_LENGTH, so
    nginx neither refuses what the app accepts nor passes on what it refuses."""
    monkeypatch.delenv("REPAIRAPP_MAX_UPLOAD_MB", raising=False)
    [size] = re.findall(r"client_max_body_size\s+(\d+)m;", SITE)
    assert int(size) * 1024 * 1024 == config.from_environment(str(tmp_path))[
        "MAX_CONTENT_LENGTH"]


def test_nginx_passes_what_proxy_hops_1_trusts():
    """The site sends the client's address, scheme and Host, as README says for
    REPAIRAPP_PROXY_HOPS=1; env.example sets 1; gunicorn listens where nginx sends."""
    headers = dict(re.findall(r"proxy_set_header\s+(\S+)\s+([^;]+);", SITE))
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert headers["Host"] == "$host"
    assert _env_example()["REPAIRAPP_PROXY_HOPS"] == "1"
    readme = (config.ROOT / "README.md").read_text()
    assert "`REPAIRAPP_PROXY_HOPS=1`" in readme and "X-Forwarded-Proto" in readme
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text()
    [bind] = re.findall(r'"REPAIRAPP_BIND", "([^"]+)"', gunicorn)
    assert re.search(rf"upstream repairapp \{{[^}}]*server {re.escape(bind)};", SITE)


def test_behind_the_site_the_app_sees_the_phone_and_https(app):
    """With env.example's hops, the headers nginx sends give the phone's address (not one
    it forged in X-Forwarded-For) and HTTPS, so rate limits count phones and HSTS is sent."""
    behind = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                         "PROXY_HOPS": int(_env_example()["REPAIRAPP_PROXY_HOPS"]),
                         "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    behind.add_url_rule("/_who", "who", lambda: f"{request.remote_addr} {request.scheme}")
    response = behind.test_client().get("/_who", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                                        headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7",
                                                 "X-Forwarded-Proto": "https"})
    assert response.get_data(as_text=True) == "203.0.113.7 https"
    assert "Strict-Transport-Security" in response.headers


def test_env_example_starts_production_once_the_secret_is_filled(app, monkeypatch):
    """The example environment, with a secret, passes production's checks and logs JSON."""
    for name, value in _env_example().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("REPAIRAPP_SECRET_KEY", SECRET)
    started = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert started.config["ENVIRONMENT"] == "production"
    assert started.config["TRUSTED_HOSTS"] == ["repair.example.com"]
    assert "server_name repair.example.com;" in SITE
    assert started.config["LOG_FORMAT"] == "json"


def test_gunicorn_writes_no_access_log_and_times_out_before_nginx():
    """The access log (paths with tokens) is off; nginx waits longer than gunicorn's timeout."""
    settings: dict = {}
    exec((DEPLOY / "gunicorn.conf.py").read_text(),  # noqa: S102 -- our own config file
         {"__file__": str(DEPLOY / "gunicorn.conf.py")}, settings)
    assert settings["accesslog"] is None
    [read_timeout] = re.findall(r"proxy_read_timeout (\d+)s;", SITE)
    assert settings["timeout"] < int(read_timeout)


def test_nginx_serves_exactly_the_hashed_names(app):
    """The site's static location matches every name url_for gives (and no plain name), and
    its root is where docs/deploy.md collects them."""
    [pattern] = re.findall(r'location ~ "([^"]+)"', SITE)
    manifest = Manifest(app.static_folder)
    for name in manifest.names():
        assert re.match(pattern, f"/static/{manifest.hashed(name)}"), name
        assert not re.match(pattern, f"/static/{name}"), name
    [root] = re.findall(r"root (/srv/repairapp/public);", SITE)
    assert f"static collect {root}/static" in (config.ROOT / "docs" / "deploy.md").read_text()


# -- timers: the same chores, at the same times, as the README's and operations.md's cron --

def _cron_lines() -> dict[str, str]:
    """Chore (the flask command's first words) -> its cron schedule, from the docs."""
    text = (config.ROOT / "README.md").read_text() + (config.ROOT / "docs" /
                                                      "operations.md").read_text()
    found = {}
    for schedule, command in re.findall(
            r"^([\d*,]+ [\d*,]+ [\d*,]+ [\d*,]+ [\d*,]+)\s+cd /srv/repairapp && "
            r"\.venv/bin/flask --app wsgi (\w+(?: \w+)?)", text, re.MULTILINE):
        found[command if command.split()[0] != "backup" else "backup"] = schedule
    return found


def _timers() -> dict[str, tuple[str, str]]:
    """Chore -> (the timer's OnCalendar, its service's ExecStart)."""
    found = {}
    for timer in sorted(UNITS.glob("*.timer")):
        service = _unit(timer.name.replace(".timer", ".service"))["Service"]
        command = service["ExecStart"].split("flask --app wsgi ", 1)[1]
        chore = "backup" if command.startswith("backup") else " ".join(command.split()[:2])
        found[chore] = (_unit(timer.name)["Timer"]["OnCalendar"], service["ExecStart"])
    return found


def _cron_times(schedule: str, start: datetime, count: int) -> list[datetime]:
    """The next `count` times a cron schedule fires after `start`, on Shanghai's clock."""
    minute, hour, dom, month, dow = (
        None if field == "*" else {int(v) for v in field.split(",")}
        for field in schedule.split())
    zone, times = ZoneInfo("Asia/Shanghai"), []
    day = start.astimezone(zone).date()
    while len(times) < count:
        if (dom is None or day.day in dom) and (month is None or day.month in month) and \
                (dow is None or day.isoweekday() % 7 in dow):
            for h in sorted(hour) if hour is not None else range(24):
                for m in sorted(minute) if minute is not None else range(60):
                    at = datetime(day.year, day.month, day.day, h, m, tzinfo=zone)
                    if at > start and len(times) < count:
                        times.append(at.astimezone(UTC))
        day += timedelta(days=1)
    return times


def _timer_times(calendar: str, count: int) -> list[datetime]:
    """What systemd computes for an OnCalendar expression (systemd-analyze calendar)."""
    out = subprocess.run(  # noqa: S603 -- fixed arguments
        ["systemd-analyze", "calendar", f"--iterations={count}",
         f"--base-time={BASE_TIME:%Y-%m-%d %H:%M:%S} UTC", calendar],
        capture_output=True, text=True, check=True, env={"TZ": "UTC"}).stdout
    return [datetime.strptime(t, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
            for t in re.findall(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC", out)][:count]


def test_every_documented_chore_has_a_timer_and_no_more():
    """sla sweep, tickets autoclose, reports send and backup: each a timer and a service."""
    assert set(_cron_lines()) == set(_timers()) == {
        "sla sweep", "tickets autoclose", "reports send", "backup"}


@pytest.mark.parametrize("chore", ["sla sweep", "tickets autoclose", "reports send", "backup"])
def test_each_timer_fires_when_the_documented_cron_line_does(chore):
    """The next five times systemd computes for the timer are the cron line's, on the
    site's clock (Asia/Shanghai), and the service runs the same command in /srv/repairapp."""
    calendar, exec_start = _timers()[chore]
    assert _timer_times(calendar, 5) == _cron_times(_cron_lines()[chore], BASE_TIME, 5)
    assert exec_start.startswith(("/srv/repairapp/.venv/bin/flask --app wsgi ",
                                  "/bin/sh -c 'exec /srv/repairapp/.venv/bin/flask --app wsgi "))


def test_the_quarterly_report_fires_at_eight_on_the_third_of_each_quarter():
    """Hand-checked against the README's words: 08:00 Shanghai, 3 Jul, 3 Oct, 3 Jan, 3 Apr."""
    calendar, _ = _timers()["reports send"]
    shanghai = ZoneInfo("Asia/Shanghai")
    assert [t.astimezone(shanghai).replace(tzinfo=None) for t in _timer_times(calendar, 4)] == [
        datetime(2026, 7, 3, 8, 0), datetime(2026, 10, 3, 8, 0), datetime(2027, 1, 3, 8, 0),
        datetime(2027, 4, 3, 8, 0)]
    assert date(2027, 4, 3) > BASE_TIME.date()


def test_every_unit_reads_the_same_environment_as_a_user_without_privileges():
    """The app and each chore: /etc/repairapp/env, user repairapp, /srv/repairapp; the
    chores run once at a time (oneshot) and the app tells systemd when it is ready."""
    for path in UNITS.glob("*.service"):
        service = _unit(path.name)["Service"]
        assert (service["EnvironmentFile"], service["User"], service["WorkingDirectory"]) == (
            "/etc/repairapp/env", "repairapp", "/srv/repairapp"), path.name
        assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
        expected = "notify" if path.name == "repairapp.service" else "oneshot"
        assert service["Type"] == expected, path.name
    assert "/etc/repairapp/env" in (config.ROOT / "docs" / "deploy.md").read_text()


def test_deploy_flask_runs_a_command_with_the_units_settings(tmp_path):
    """deploy/flask reads the environment file as the units do (a quoted value with spaces
    too): production's checks see its weak secret and stop; a sound file runs the command."""
    env_file = tmp_path / "env"
    sound = (f"REPAIRAPP_ENV=production\nREPAIRAPP_SECRET_KEY={SECRET}\n"
             "REPAIRAPP_PUBLIC_URL=https://repair.example.com\n"
             'REPAIRAPP_VENDOR_NAME="华东 Service Co"\n')

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 -- our own script
            [str(DEPLOY / "flask"), *args], capture_output=True, text=True,
            env={"PATH": "/usr/bin:/bin", "REPAIRAPP_HOME": str(config.ROOT),
                 "REPAIRAPP_ENV_FILE": str(env_file), "REPAIRAPP_USER": "root"})

    env_file.write_text(sound.replace(SECRET, "short"))
    assert "REPAIRAPP_SECRET_KEY must be" in run("routes").stderr
    env_file.write_text(sound)
    collected = run("static", "collect", str(tmp_path / "static"))
    assert collected.returncode == 0, collected.stderr
    assert "new of" in collected.stdout

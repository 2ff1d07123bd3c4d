"""Logs: one line per request and per ticket event, JSON in production, and never a phone
number, name, email, tracking token or label code in any line.

What a line may say is decided where it is written: a request is logged by its URL rule
(`/t/<token>`, never the token), a ticket event by its ticket id, kind and statuses. The
formatters also scrub what other code might let through (an exception naming a path, an
SMTP error quoting an address): secret-bearing paths, email addresses and Chinese phone
numbers are replaced before a line is written. SQL parameters are hidden by the engine
(`hide_parameters`, config.py), so even SQLAlchemy's DEBUG output carries none.

The standard library is enough for a JSON line (`json.dumps` of a dict); python-json-logger
would add a dependency for the same twenty lines.
"""

import json
import logging
import os
import re
import sys
import time
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, request
from flask.logging import default_handler
from flask.signals import request_started

#: REPAIRAPP_LOG_FORMAT's values; unset means json in production, text elsewhere.
FORMATS = ("json", "text")
#: The logger of the request lines and of the ticket events.
REQUESTS = logging.getLogger("repairapp.requests")
EVENTS = logging.getLogger("repairapp.events")
#: The WSGI environ key where the matched URL rule waits for the request line.
RULE_KEY = "repairapp.url_rule"

# Paths whose next segment is a secret or a label code, as the URL map spells them.
_SECRET_PATH = re.compile(r"(/(?:t|r|service-report)/)[^\s/?#\"'<>]+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Mainland mobiles (1[3-9] and nine digits), landlines with an area code (0 + 2-3 digits,
# then 7-8), optionally +86, with the spaces or dashes people type.
_PHONE = re.compile(r"(?<![\w])(?:\+?86[\s-]?)?(?:1[3-9]\d(?:[\s-]?\d){8}|0\d{2,3}[\s-]?\d{3,4}"
                    r"[\s-]?\d{4})(?![\w])")


def scrub(text: str) -> str:
    """`text` with secret-bearing paths, email addresses and phone numbers replaced."""
    text = _SECRET_PATH.sub(r"\1<hidden>", text)
    text = _EMAIL.sub("<email>", text)
    return _PHONE.sub("<phone>", text)


def chosen_format(log_format: str | None, environment: str | None) -> str:
    """REPAIRAPP_LOG_FORMAT, or its default for the environment (json in production)."""
    name = log_format or ("json" if environment == "production" else "text")
    if name not in FORMATS:
        raise RuntimeError(f"REPAIRAPP_LOG_FORMAT is {name!r}; use one of: {', '.join(FORMATS)}.")
    return name


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "pid": record.process,
        }
        line.update(getattr(record, "fields", {}))
        if "worker" in line:  # a request line names the worker serving it
            del line["pid"]
        if record.exc_info:
            line["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A readable line for a terminal (development), scrubbed like the JSON one."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


class _Stderr(logging.StreamHandler):
    """stderr as it is when a line is written (pytest and gunicorn swap it), not at start."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


class _NoRequestLines(logging.Filter):
    """Drops the development server's own request lines ("GET /t/<the token> HTTP/1.1" 200):
    ours say the same with the URL rule."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.endswith('"%s" %s %s'))


_NO_REQUEST_LINES = _NoRequestLines()


def init_app(app: Flask) -> None:
    """Send the app's logs to stderr in the chosen format; log every request and ticket event."""
    name = chosen_format(app.config.get("LOG_FORMAT"), app.config.get("ENVIRONMENT"))
    configure(JsonFormatter() if name == "json" else TextFormatter())
    app.wsgi_app = RequestLog(app.wsgi_app)
    request_started.connect(_remember_rule, app)
    _listen_for_ticket_events()


def configure(formatter: logging.Formatter) -> None:
    """One handler on the root logger (replacing ours from an earlier app), INFO for the app."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "repairapp", False)]:
        root.removeHandler(handler)
    handler = _Stderr()
    handler.repairapp = True
    handler.setFormatter(formatter)
    root.addHandler(handler)
    app_logger = logging.getLogger("repairapp")
    app_logger.removeHandler(default_handler)  # Flask's own: it would write each line twice
    if app_logger.level == logging.NOTSET:
        app_logger.setLevel(logging.INFO)
    werkzeug = logging.getLogger("werkzeug")
    if _NO_REQUEST_LINES not in werkzeug.filters:
        werkzeug.addFilter(_NO_REQUEST_LINES)


def _remember_rule(sender, **_extra) -> None:
    """The matched rule (e.g. /t/<token>) for the request line; unmatched paths stay unnamed."""
    rule = request.url_rule
    request.environ[RULE_KEY] = rule.rule if rule is not None else "-"


class RequestLog:
    """WSGI middleware: one line per request once its body is sent: method, URL rule,
    status, duration in milliseconds, worker pid."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started, status = time.perf_counter(), []

        def start(code, headers, exc_info=None):
            status[:] = [int(code.split(" ", 1)[0])]
            return start_response(code, headers, exc_info)

        try:
            body = self.wsgi_app(environ, start)
        except BaseException:
            _log_request(environ, 500, started)
            raise
        return _Closing(body, lambda: _log_request(environ, status[0] if status else 500,
                                                  started))


class _Closing:
    """The response body, calling `done` once when it has been sent (iterated to its end) or
    closed, whichever comes first (streamed bodies too)."""

    def __init__(self, body, done):
        self.body, self.done, self.pending = body, done, True

    def __iter__(self):
        yield from self.body
        self._done()

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self._done()

    def _done(self):
        if self.pending:
            self.pending = False
            self.done()


def _log_request(environ: dict, status: int, started: float) -> None:
    fields = {"method": environ.get("REQUEST_METHOD", "-"), "route": environ.get(RULE_KEY, "-"),
              "status": status, "duration_ms": round((time.perf_counter() - started) * 1000, 1),
              "worker": os.getpid()}
    REQUESTS.info("%(method)s %(route)s %(status)s %(duration_ms)s ms", fields,
                  extra={"fields": {"event": "request", **fields}})


def _listen_for_ticket_events() -> None:
    """Once per process: note each ticket event inserted, log it when its commit succeeds."""
    from repairapp.extensions import db
    from repairapp.tickets.models import TicketEvent

    if sa.event.contains(TicketEvent, "after_insert", _noted):
        return
    sa.event.listen(TicketEvent, "after_insert", _noted)
    sa.event.listen(db.session, "after_commit", _log_events)
    sa.event.listen(db.session, "after_transaction_end", _forget_events)


def _noted(_mapper, _connection, event) -> None:
    session = sa.orm.object_session(event)
    if session is not None:
        session.info.setdefault("ticket_events", []).append((event, event_fields(event)))


def event_fields(event) -> dict:
    """What a ticket event's line may say: ticket id, kind, and the statuses (or severity,
    category) it moved between; other values (names, numbers, notes) are left out."""
    from repairapp.tickets.models import Category, EventKind, Severity, Status

    kind = EventKind(event.kind)
    fields = {"event": "ticket", "ticket": event.ticket_id, "kind": kind.value}
    enum = {EventKind.STATUS: Status, EventKind.CREATED: Status,
            EventKind.SEVERITY: Severity, EventKind.CATEGORY: Category}.get(kind)
    allowed = {member.value for member in enum} if enum else set()
    for key, value in (("from", event.from_value), ("to", event.to_value)):
        if value in allowed:
            fields[key] = value
    return fields


def _log_events(session) -> None:
    """After the commit: the events still in the database (a rolled-back savepoint's are not)."""
    for event, fields in session.info.pop("ticket_events", []):
        if not sa.inspect(event).has_identity:
            continue
        moved = " ".join(f"{key}={fields[key]}" for key in ("from", "to") if key in fields)
        EVENTS.info("ticket %s %s %s", fields["ticket"], fields["kind"], moved,
                    extra={"fields": fields})


def _forget_events(session, transaction) -> None:
    """The outermost transaction ended (committed and logged, or rolled back)."""
    if transaction.parent is None:
        session.info.pop("ticket_events", None)

"""The database gone for a moment (PostgreSQL restarting or failing over, SQLite locked):
nothing half-written, and a form that was being sent comes back filled in, to send again.

The request's transaction is rolled back, so whatever the view had written is undone (a
ticket and its photos are filed in one commit). The answer is 503 and is built without the
database: a GET gets "try again in a moment"; a POST gets its own form again, read from the
posted fields by the form class its view uses (as a kept staff form is found), each field
it can draw without the database editable, the rest (the CSRF token, a choice list a route
fills from the database) carried hidden as they came, the idempotency key among them, and a
"Send again" button posting to the same address. The same key means that a
request the database did take before it went away is found, not filed twice.

Files cannot be put back into a browser's file field: the page asks for the photos again.
"""

import contextlib
import sqlite3

from flask import Flask, current_app, g, render_template, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from wtforms import Field
from wtforms.fields.choices import SelectFieldBase

from repairapp.extensions import db, login_manager
from repairapp.main.keepform import form_class_for

#: Seconds a client (or a proxy) is told to wait before trying again.
RETRY_AFTER = "5"
FILE_FIELDS = ("FileField", "MultipleFileField")
#: What SQLite says when its file is busy or unreachable (not a mistake in the SQL).
SQLITE_AWAY = ("database is locked", "unable to open database", "disk I/O error")


def register(app: Flask) -> None:
    for error in (OperationalError, InterfaceError):  # what a lost connection raises
        app.register_error_handler(error, unavailable)


def unavailable(error: DBAPIError):
    """503 with what was posted, ready to send again."""
    with contextlib.suppress(SQLAlchemyError):
        db.session.rollback()
    if not _database_away(error):
        raise error  # a mistake in our SQL (SQLite reports it as OperationalError too): a 500
    current_app.logger.warning("Database unavailable, answered 503: %s", error.orig)
    if "_login_user" not in g:  # the log-in itself needed the database: show a public page
        g._login_user = login_manager.anonymous_user()
    fields = _drawable_fields() if request.method == "POST" else []
    drawn = {field.name for field in fields}
    carried = [(name, value) for name, value in request.form.items(multi=True)
               if name.split("-", 1)[0] not in drawn]
    files = any(f.filename for f in request.files.values())
    multipart = files or any(field.type in FILE_FIELDS for field in fields)
    return render_template("errors/unavailable.html", fields=fields, carried=carried,
                           files=files, multipart=multipart), 503, {"Retry-After": RETRY_AFTER}


def _database_away(error: DBAPIError) -> bool:
    if error.connection_invalidated or not isinstance(error.orig, sqlite3.Error):
        return True  # a server's OperationalError or InterfaceError: the connection or server
    return any(sign in str(error.orig) for sign in SQLITE_AWAY)


def _drawable_fields() -> list[Field]:
    """The view's form built from the posted fields: those it can draw without the database
    (a choice list some routes fill in from it cannot be; its value is carried hidden)."""
    form_class = form_class_for(set(request.form.keys()))
    if form_class is None:
        return []
    try:
        form = form_class(meta={"csrf": False})  # the posted token is carried as it came
        return [field for field in form if _draws(field)]
    except (TypeError, ValueError, SQLAlchemyError):
        return []


def _draws(field: Field) -> bool:
    if isinstance(field, SelectFieldBase) and getattr(field, "choices", ()) is None:
        return False
    try:
        field()
    except (TypeError, ValueError, SQLAlchemyError):
        return False
    return True

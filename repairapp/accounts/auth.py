"""Flask-Login wiring: who the session belongs to, how long it lasts, and what happens when
a page needs a log-in."""

import sqlalchemy as sa
from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, user_logged_in

from repairapp.accounts import passwords, sessions
from repairapp.accounts.models import User
from repairapp.extensions import db
from repairapp.main import keepform


def init_login(app: Flask, manager: LoginManager) -> None:
    manager.init_app(app)
    manager.login_view = "accounts.login"
    # Not tied to the client's address or user agent: a phone going Wi-Fi <-> 4G gets a new
    # address and WeChat's user agent changes with it. Revocation is server-side instead.
    manager.session_protection = None
    manager.user_loader(load_user)
    manager.unauthorized_handler(unauthorized)
    user_logged_in.connect(_started, app)
    keepform.init_app(app)


def load_user(session_id: str) -> User | None:
    # A deactivated account, or one that logged out or changed its password elsewhere,
    # loses its session on the very next request; so does one idle or old past its limits.
    at = sessions.now()
    if not sessions.in_force(session, at, **sessions.limits(current_app.config)):
        return None
    user_id, _sep, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.scalar(sa.select(User).where(
        User.id == int(user_id), User.session_token == token, User.is_active.is_(True)))
    if user is not None:
        sessions.touch(session, at)
    return user


def _started(app: Flask, user: User, **extra) -> None:
    sessions.start(session, sessions.now())


def unauthorized():
    """To the log-in page, and back here after it; a form posted meanwhile is kept."""
    if request.method == "GET":
        flash(_("Please log in to see this page."))
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    page, kept = keepform.keep_posted_form()
    flash(_("Your session had ended. Log in again and what you typed comes back.") if kept
          else _("Please log in to see this page."))
    return redirect(url_for("accounts.login", next=page))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Every answer costs one password check,
    so an unknown email cannot be told by the time taken; an outdated hash is rewritten."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active:
        passwords.verify_nothing(password)
        return None
    if not user.check_password(password):
        return None
    if passwords.needs_rehash(user.password_hash):  # not set_password: sessions go on
        user.password_hash = passwords.hash_password(password)
    return user

"""Flask-Login wiring."""

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from repairapp.accounts.models import User
from repairapp.extensions import db


def init_login(app: Flask, manager: LoginManager) -> None:
    manager.init_app(app)
    manager.login_view = "accounts.login"
    manager.login_message = _l("Please log in to see this page.")
    manager.session_protection = "strong"

    @manager.user_loader
    def load_user(session_id: str) -> User | None:
        # A deactivated account, or one that logged out or changed its password elsewhere,
        # loses its session on the very next request.
        user_id, _, token = session_id.partition(":")
        if not user_id.isdigit() or not token:
            return None
        return db.session.scalar(sa.select(User).where(
            User.id == int(user_id), User.session_token == token, User.is_active.is_(True)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active or not user.check_password(password):
        return None
    return user

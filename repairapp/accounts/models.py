"""Staff accounts."""

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from repairapp.accounts import passwords
from repairapp.db import utcnow
from repairapp.extensions import db


def new_session_token() -> str:
    return secrets.token_hex(16)


class Role(enum.Enum):
    ADMIN = "admin"
    DISPATCHER = "dispatcher"
    TECHNICIAN = "technician"
    #: Read-only: reports, the manager's home page and ticket pages, no changes.
    MANAGER = "manager"


class User(UserMixin, db.Model):
    """A member of staff; requesters never have accounts."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case so log-in is case-insensitive on every backend.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=20))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    is_active: Mapped[bool] = mapped_column(default=True)
    #: The language they last used here ("zh", "en"): their emails are written in it.
    locale: Mapped[str] = mapped_column(sa.String(10), default="")
    #: Part of every session's id: replacing it ends all sessions of this user at once.
    session_token: Mapped[str] = mapped_column(sa.String(32), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def end_all_sessions(self) -> None:
        self.session_token = new_session_token()

    @property
    def is_dispatcher(self) -> bool:
        """Dispatchers and admins see and steer every ticket."""
        return self.role in (Role.DISPATCHER, Role.ADMIN)

    def set_password(self, password: str) -> None:
        """Set a new password; every existing session of this user ends."""
        self.password_hash = passwords.hash_password(password)
        self.end_all_sessions()

    def check_password(self, password: str) -> bool:
        return passwords.verify(self.password_hash, password)

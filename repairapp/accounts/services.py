"""Creating and changing staff accounts."""

import sqlalchemy as sa

from repairapp.accounts.models import Role, User
from repairapp.extensions import db


class EmailTaken(ValueError):
    """Another account already uses this email."""


class LastAdmin(ValueError):
    """The change would leave no active admin to manage accounts."""


def all_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.is_active.desc(), User.name)))


def _check_email(email: str, user_id: int | None = None) -> str:
    email = email.strip().lower()
    clash = db.session.scalar(sa.select(User.id).where(User.email == email))
    if clash is not None and clash != user_id:
        raise EmailTaken(email)
    return email


def create_user(*, email: str, name: str, role: Role, password: str,
                is_active: bool = True) -> User:
    user = User(email=_check_email(email), name=name.strip(), role=role, is_active=is_active)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, *, email: str, name: str, role: Role, is_active: bool,
                password: str = "") -> None:
    """Edit an account. Deactivating or resetting the password ends its sessions."""
    if user.role is Role.ADMIN and user.is_active and (role is not Role.ADMIN or not is_active):
        others = db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
            User.role == Role.ADMIN, User.is_active.is_(True), User.id != user.id))
        if not others:
            raise LastAdmin()
    user.email = _check_email(email, user.id)
    user.name, user.role = name.strip(), role
    if user.is_active and not is_active:
        user.end_all_sessions()
    user.is_active = is_active
    if password:
        user.set_password(password)
    db.session.flush()

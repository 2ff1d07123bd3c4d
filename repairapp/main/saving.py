"""Committing an admin form whose unique field may already be taken."""

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from repairapp.extensions import db


def commit_or_explain(field, message: str | None = None) -> bool:
    """Commit; if a unique value is already taken, roll back and say so on `field`."""
    try:
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        field.errors.append(message or _("This name is already used."))
        return False

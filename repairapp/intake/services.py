"""Holding a form's photos across a correction, so nothing the requester gave is lost."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.intake.models import HeldPhoto
from repairapp.tickets.photos import Photo

#: A form left with a mistake for longer than this starts again without its photos.
HOLD = timedelta(days=1)


def hold(form_key: str, photos: list[Photo]) -> None:
    """Keep these photos for the form (replacing any it held before)."""
    release(form_key)
    db.session.add_all(HeldPhoto(form_key=form_key, content=p.content, width=p.width,
                                 height=p.height) for p in photos)
    db.session.flush()


def held(form_key: str) -> list[Photo]:
    rows = db.session.scalars(sa.select(HeldPhoto).where(HeldPhoto.form_key == form_key)
                              .order_by(HeldPhoto.id))
    return [Photo(r.content, r.width, r.height) for r in rows]


def held_count(form_key: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(HeldPhoto)
                             .where(HeldPhoto.form_key == form_key))


def release(form_key: str) -> None:
    db.session.execute(sa.delete(HeldPhoto).where(HeldPhoto.form_key == form_key))


def purge(now: datetime | None = None) -> int:
    """Forget photos of forms abandoned for a day (the sweep calls it)."""
    return db.session.execute(sa.delete(HeldPhoto).where(
        HeldPhoto.created_at < (now or utcnow()) - HOLD)).rowcount

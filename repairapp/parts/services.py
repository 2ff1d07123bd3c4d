"""Looking parts up for the pickers of work logs and quotes."""

import sqlalchemy as sa

from repairapp.extensions import db
from repairapp.parts.models import Part

#: A picker lists at most this many parts (a datalist filters them as one types).
PICKER_LIMIT = 500


def picker() -> list[Part]:
    """Active parts by code, for a form's datalist."""
    return list(db.session.scalars(sa.select(Part).where(Part.is_archived.is_(False))
                                   .order_by(Part.code).limit(PICKER_LIMIT)))


def code_of(text: str) -> str:
    """The code in what a picker sent: "FU-10A · Fuse 10 A" or just "FU-10A"."""
    return text.split(" · ", 1)[0].strip()


def find(text: str) -> Part | None:
    """The active catalogue part a picker's text names, or None (free text)."""
    code = code_of(text)
    if not code:
        return None
    return db.session.scalar(sa.select(Part).where(Part.code == code,
                                                   Part.is_archived.is_(False)))


def used(text: str) -> dict:
    """A work log's part as stored: linked to the catalogue part the text names, else the
    free text as it was typed."""
    part = find(text)
    return {"description": part.label, "part_id": part.id} if part else {
        "description": text, "part_id": None}

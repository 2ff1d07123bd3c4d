"""Photos held for a request form that came back with a mistake."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from repairapp.db import utcnow
from repairapp.extensions import db


class HeldPhoto(db.Model):
    """A re-encoded photo from a form sent with a mistake elsewhere (a browser cannot refill
    a file field), kept under the form's random key until the corrected form is sent."""

    __tablename__ = "held_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The form's idempotency key: only the page that sent the photo can claim it.
    form_key: Mapped[str] = mapped_column(sa.String(64), index=True)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

"""Printing history: which label was printed when, on which stock, by whom."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from repairapp.accounts.models import User
from repairapp.assets.models import Label
from repairapp.db import utcnow
from repairapp.extensions import db


class LabelPrint(db.Model):
    """One label printed once (a batch writes one row per label)."""

    __tablename__ = "label_prints"

    id: Mapped[int] = mapped_column(primary_key=True)
    label_id: Mapped[int] = mapped_column(sa.ForeignKey("labels.id"), index=True)
    #: Key of the label stock, e.g. "a4-3x8" (see repairapp.labels.sheets).
    sheet: Mapped[str] = mapped_column(sa.String(30))
    #: None when printed from the command line.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    printed_at: Mapped[datetime] = mapped_column(default=utcnow)

    label: Mapped[Label] = relationship()
    user: Mapped[User | None] = relationship()

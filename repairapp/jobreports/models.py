"""The signed service sheet of a job, one row per version; a signed row is never changed."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from repairapp.accounts.models import User
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.tickets.models import Ticket


class JobReport(db.Model):
    """One version of a ticket's service sheet: the facts as frozen, and who signed them.

    Version 1 is signed by the customer on site. A correction by staff is a new row
    (version n + 1) that names what changed and the version it supersedes; earlier rows stay.
    The PDF is rendered again from `content` whenever it is downloaded, and only after
    `content_sha256` has been checked, so what is served is what was signed.
    """

    __tablename__ = "job_reports"
    __table_args__ = (sa.UniqueConstraint("ticket_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The member of staff who made this version (the technician's phone, or a correction).
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: When the customer signed; None for a correction made by staff without them.
    signed_at: Mapped[datetime | None]
    #: The name the customer typed; "" for a correction made without them.
    signer_name: Mapped[str] = mapped_column(sa.String(100), default="")
    #: The drawn signature, re-encoded as PNG; None when signed by typed name alone (no JS).
    signature_png: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    #: Everything the sheet shows, as signed (see content.freeze); the PDF is drawn from it.
    content: Mapped[dict] = mapped_column(sa.JSON)
    #: SHA-256 (hex) of the canonical JSON of `content`, which names the signer, the time and
    #: the signature image's own hash: checked before every download.
    content_sha256: Mapped[str] = mapped_column(sa.String(64))
    #: The version this one corrects, and what changed (required for a correction).
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("job_reports.id"))
    change_note: Mapped[str] = mapped_column(sa.Text, default="")

    ticket: Mapped[Ticket] = relationship()
    created_by: Mapped[User | None] = relationship()
    supersedes: Mapped["JobReport | None"] = relationship(remote_side=[id])

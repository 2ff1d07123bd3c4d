"""The demo's signed service sheet: a chargeable job resolved on site, signed by the requester
with a drawn signature a few minutes after the fix, as the technician's phone would have."""

import io
import random
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from PIL import Image, ImageDraw

from repairapp.accounts.models import Role, User
from repairapp.assets.models import Asset
from repairapp.billing.work import Terms
from repairapp.contracts.models import Severity
from repairapp.demo import history
from repairapp.extensions import db
from repairapp.jobreports import services
from repairapp.jobreports.models import JobReport
from repairapp.notifications.models import Notification
from repairapp.tickets.models import Category, Status, Ticket, WorkType

DEMO_SEED = 2026

#: The lapsed machine: its repairs are chargeable.
LAPSED_TAG = "EQ-00109"


def _signature() -> bytes:
    """A handwritten-looking stroke, the same every time."""
    image = Image.new("LA", (600, 180), (0, 0))
    ImageDraw.Draw(image).line([(30, 120), (90, 40), (120, 130), (170, 60), (210, 125),
                                (260, 50), (330, 110), (420, 70), (560, 95)],
                               fill=(20, 255), width=5, joint="curve")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _story(now: datetime, staff: list[User]) -> history.Story:
    """The demo's storyteller, told not to touch what the demo already announced."""
    return history.Story(
        now=now, rng=random.Random(DEMO_SEED),  # noqa: S311 -- a repeatable demo
        dispatcher=next(u for u in staff if u.role is Role.DISPATCHER),
        technicians=[u for u in staff if u.role is Role.TECHNICIAN],
        terms=Terms.from_config(current_app.config), soon_percent=80,
        seen_notification=db.session.scalar(sa.select(sa.func.max(Notification.id))) or 0)


def _resolved_job(story: history.Story) -> Ticket:
    """A forklift charger out of contract, fixed on site this morning, not yet confirmed."""
    charger = db.session.scalar(sa.select(Asset).where(Asset.tag == LAPSED_TAG))
    filed = story.now - timedelta(hours=6)
    ticket = story.file(charger, filed, Severity.MAJOR, Category.NO_POWER,
                        "充电站无输出，指示灯不亮 / no output, lights off")
    tech = story.technicians[-1]
    story.assign(ticket, tech, filed + timedelta(minutes=5))
    story.move(ticket, Status.ACKNOWLEDGED, filed + timedelta(minutes=20))
    story.move(ticket, Status.ON_THE_WAY, filed + timedelta(minutes=30))
    story.check_in(ticket, filed + timedelta(hours=2))
    story.resolve(ticket, filed + timedelta(hours=3, minutes=10), "整流模块烧毁，已更换并测试"
                  "充电正常 / rectifier module burnt out, replaced; charging tested",
                  WorkType.ON_SITE, 70, "整流模块 Rectifier module")
    return ticket


def sign_one(now: datetime, staff: list[User]) -> JobReport:
    """Sign the sheet of the latest chargeable job resolved on site (one is made if the demo
    has none), as its requester, four minutes after it was resolved."""
    candidates = db.session.scalars(sa.select(Ticket).where(
        Ticket.is_chargeable.is_(True), Ticket.status.in_(services.DONE))
        .order_by(Ticket.resolved_at.desc()))
    story = _story(now, staff)
    ticket = next((t for t in candidates if services.can_sign(t)), None) or _resolved_job(story)
    when = ticket.resolved_at + timedelta(minutes=4)
    story.seen_notification = db.session.scalar(sa.select(sa.func.max(Notification.id))) or 0
    return story.at(ticket, when, services.sign, ticket, ticket.assignee,
                    signer_name=ticket.requester_name, signature_png=_signature(),
                    tax_percent=story.terms.tax_percent, now=when)

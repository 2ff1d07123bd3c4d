"""`flask sla sweep` (cron, every minute): deadline warnings, breaches, the outbox."""

import click
from flask import current_app
from flask.cli import AppGroup

from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.intake import services as held_photos
from repairapp.main.ratelimit import purge_expired
from repairapp.notifications import outbox
from repairapp.notifications.transports import Smtp
from repairapp.sla.sweep import sweep

sla_cli = AppGroup("sla", help="SLA clocks and notifications.")


@sla_cli.command("sweep")
def sweep_command() -> None:
    """Warn before deadlines, record and escalate breaches, send queued notifications.

    Safe on several servers at once: everything is recorded and sent exactly once."""
    config = current_app.config
    counts = sweep(utcnow(), config["NOTIFY_SOON_PERCENT"])
    sent, failed = outbox.deliver_due(Smtp.from_config(config))
    purge_expired()  # old rate-limit counters
    held_photos.purge()  # photos of request forms abandoned with a mistake
    db.session.commit()
    found = ", ".join(f"{kind.value} {n}" for kind, n in counts.items()) or "nothing new"
    click.echo(f"deadlines: {found}; notifications sent {sent}, failed {failed}")

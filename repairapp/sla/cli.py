"""`flask sla sweep` (cron, every minute): deadline warnings, breaches, the outbox."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from flask import current_app
from flask.cli import AppGroup

from repairapp.billing.notices import queue_renewal_notices
from repairapp.billing.renewals import today
from repairapp.contracts.models import Severity
from repairapp.db import utcnow
from repairapp.extensions import db
from repairapp.followups.services import key_customer_tasks
from repairapp.intake import services as held_photos
from repairapp.main.ratelimit import purge_expired
from repairapp.maintenance.services import generate as plan_visits
from repairapp.notifications import outbox
from repairapp.notifications.transports import Smtp
from repairapp.sla.services import due_for_plan, plan_named
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
    key_customer_tasks()  # this month's follow-up call to each key customer, once
    queue_renewal_notices(today())  # 60, 30 and 7 days before a contract ends, once each
    visits = plan_visits()  # maintenance visits due within the horizon, once per period
    db.session.commit()
    found = ", ".join(f"{kind.value} {n}" for kind, n in counts.items()) or "nothing new"
    click.echo(f"deadlines: {found}; notifications sent {sent}, failed {failed}; "
               f"maintenance visits planned {visits}")


@sla_cli.command("due")
@click.argument("plan")
@click.argument("severity", type=click.Choice([s.value for s in Severity]))
@click.argument("filed")
@click.option("--tz", default="Asia/Shanghai", show_default=True,
              help="The site's time zone: FILED is read and due times are printed on its clock.")
def due_command(plan: str, severity: str, filed: str, tz: str) -> None:
    """Response and resolution due times of a ticket filed at FILED ("YYYY-MM-DD HH:MM")
    under service plan PLAN (its name or id) with SEVERITY."""
    found = plan_named(plan)
    if found is None:
        raise click.BadParameter(f"no service plan is named {plan!r} or has that id",
                                 param_hint="PLAN")
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"{tz!r} is not a time zone such as Asia/Shanghai",
                                 param_hint="--tz") from None
    try:
        start = datetime.strptime(filed, "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    except ValueError:
        raise click.BadParameter(f"{filed!r} is not a time like 2027-02-05 16:30",
                                 param_hint="FILED") from None
    response, resolution = due_for_plan(found, Severity(severity), start.astimezone(UTC), tz)
    click.echo(f"plan: {found.name}; severity: {severity}; filed: {start:%Y-%m-%d %H:%M} {tz}")
    for label, due in (("response due", response), ("resolution due", resolution)):
        shown = due.astimezone(zone).strftime("%Y-%m-%d %H:%M") if due else "no target"
        click.echo(f"{label}: {shown}")

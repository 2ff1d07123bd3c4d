"""`flask reports ...`: report chores run from the command line or cron."""

from datetime import datetime
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from sqlalchemy.orm import selectinload

from repairapp.assets.models import Asset
from repairapp.extensions import db
from repairapp.tickets import durations
from repairapp.tickets.models import Ticket

reports_cli = AppGroup("reports", help="Reports: stored durations, customers' reports.")

T = Ticket.__table__


def _missing() -> sa.ColumnElement[bool]:
    """Tickets responded to or resolved whose stored minutes are still empty."""
    return sa.or_(
        sa.and_(T.c.responded_at.is_not(None), T.c.response_working_minutes.is_(None)),
        sa.and_(T.c.resolved_at.is_not(None), T.c.resolution_working_minutes.is_(None)))


def _fill(ticket: Ticket) -> int:
    """Write the missing minutes of one ticket; the row version is left alone (so no staff
    edit in progress is refused) and a value is written only if the time it is computed
    from is still the one in the row. Returns the rows written (0-2)."""
    written = 0
    if ticket.responded_at is not None and ticket.response_working_minutes is None:
        working, wall = durations.response_minutes(ticket)
        written += db.session.execute(sa.update(T).where(
            T.c.id == ticket.id, T.c.responded_at == ticket.responded_at,
            T.c.response_working_minutes.is_(None)).values(
            response_working_minutes=working, response_wall_minutes=wall)).rowcount
    if ticket.resolved_at is not None and ticket.resolution_working_minutes is None:
        working, wall = durations.resolution_minutes(ticket)
        written += db.session.execute(sa.update(T).where(
            T.c.id == ticket.id, T.c.resolved_at == ticket.resolved_at,
            T.c.resolution_working_minutes.is_(None)).values(
            resolution_working_minutes=working, resolution_wall_minutes=wall)).rowcount
    return written


def backfill(batch: int = 500) -> int:
    """Fill the stored response and resolution minutes of tickets from before they were
    stored, `batch` tickets per transaction; safe to run again (only empty ones are
    filled). Returns how many tickets got minutes."""
    done, after = 0, 0
    while True:
        tickets = db.session.scalars(
            sa.select(Ticket).where(_missing(), Ticket.id > after).order_by(Ticket.id)
            .limit(batch).options(selectinload(Ticket.asset).selectinload(Asset.site))).all()
        if not tickets:
            return done
        done += sum(1 for ticket in tickets if _fill(ticket))
        after = tickets[-1].id
        db.session.commit()


@reports_cli.command("backfill")
@click.option("--batch", type=click.IntRange(min=1), default=500, show_default=True,
              help="Tickets per transaction.")
def backfill_command(batch: int) -> None:
    """Store the response and resolution minutes of tickets from before (idempotent)."""
    click.echo(f"filled {backfill(batch)} ticket(s)")


@reports_cli.command("send")
@click.option("--quarter", "period", metavar="YYYY-QN",
              help="The quarter to send, e.g. 2026-Q3 (default: the last full quarter).")
@click.option("--customer", "customer_id", type=int, help="Only this customer (its id).")
def send_command(period: str | None, customer_id: int | None) -> None:
    """Email each customer's service report for the period just ended to their report
    contacts and their account manager: once per customer and period, however many runs."""
    from flask import current_app

    from repairapp.notifications.transports import Smtp
    from repairapp.reports.services import ZONE
    from repairapp.servicereports import services

    if period:
        try:
            start, end = services.parse_quarter(period)
        except ValueError:
            raise click.BadParameter("expected a quarter like 2026-Q3", param_hint="--quarter") \
                from None
    else:
        start, end = services.last_quarter(datetime.now(ZoneInfo(ZONE)).date())
    smtp = Smtp.from_config(current_app.config)
    if smtp is None:
        raise click.ClickException("email is not set up (REPAIRAPP_SMTP_HOST)")
    outcomes = services.send_period(start, end, smtp, customer_id=customer_id)
    for outcome in outcomes:
        click.echo(f"{outcome.customer}: {outcome.result}"
                   + (f" ({outcome.detail})" if outcome.detail else ""))
    counts = services.tally(outcomes)
    summary = ", ".join(f"{counts[key]} {key}" for key in (
        services.SENT, services.ALREADY_SENT, services.BUSY, services.FAILED,
        services.NO_RECIPIENTS, services.REVOKED) if counts[key])
    click.echo(f"{services.quarter_name(start)}: {summary or 'nothing to send'}")
    if counts[services.FAILED]:
        raise SystemExit(1)  # cron mails the output; the next run retries the failed ones

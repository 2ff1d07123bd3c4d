"""Scheduled ticket chores, run from cron on any one (or every) app server."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm.exc import StaleDataError

from repairapp.extensions import db
from repairapp.tickets import work
from repairapp.tickets.models import Status, Ticket

tickets_cli = AppGroup("tickets", help="Ticket chores.")


def autoclose(days: int) -> int:
    """Close resolved tickets left unconfirmed for `days` days; returns how many it closed.

    Safe to run on several servers at once: each ticket is committed on its own under its
    optimistic lock, so a ticket another sweep (or the requester) closed first is skipped.
    """
    closed = 0
    for ticket_id in work.resolved_before(work.autoclose_cutoff(days)):
        ticket = db.session.get(Ticket, ticket_id)
        if ticket is None or ticket.status is not Status.RESOLVED:
            continue
        try:
            work.auto_close(ticket)
            db.session.commit()
            closed += 1
        except StaleDataError:
            db.session.rollback()
    return closed


@tickets_cli.command("autoclose")
@click.option("--days", type=int, default=None, help="Default: REPAIRAPP_AUTOCLOSE_DAYS (7).")
def autoclose_command(days: int | None) -> None:
    """Close tickets resolved and unconfirmed for N days (cron: daily or hourly)."""
    n = autoclose(days if days is not None else current_app.config["AUTOCLOSE_DAYS"])
    click.echo(f"closed {n} ticket(s)")

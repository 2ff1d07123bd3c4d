"""Demo data for `make run`: every coverage state and tier, four staff accounts, open jobs
for every technician and months of closed history; the logins and links to try it with."""

from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from repairapp.assets.models import Asset
from repairapp.customers.models import Customer
from repairapp.db import utcnow
from repairapp.demo.address import FALLBACK, reachable_url
from repairapp.demo.data import DEMO_PASSWORD, DEMO_SEED, STAFF, load_demo
from repairapp.extensions import db
from repairapp.main.links import url_on
from repairapp.tickets.models import Status, Ticket

__all__ = ["DEMO_PASSWORD", "DEMO_SEED", "STAFF", "demo_cli", "load_demo"]

demo_cli = AppGroup("demo", help="Demo data.")
SCANS = (("EQ-00101", "in warranty"), ("EQ-00106", "level A contract, open ticket"),
         ("EQ-00109", "lapsed contract, chargeable"))
NO_NETWORK = (f"No network found: links use {FALLBACK}, which only this computer can open. "
              "Join the Wi-Fi and run again for links a phone can open.")


def phone_url(url: str) -> str:
    """`url` as a phone can open it: a wildcard host becomes the LAN address (or, with no
    network, 127.0.0.1 and a warning on stderr)."""
    url, found = reachable_url(url)
    if not found:
        click.echo(NO_NETWORK, err=True)
    return url


@demo_cli.command("url")
@click.argument("url")
def url_command(url: str) -> None:
    """Print URL with a wildcard host (0.0.0.0) replaced by this machine's LAN address."""
    click.echo(phone_url(url))


def _print_links(base_url: str) -> None:
    click.echo("\nScan URLs (open on a phone or in a narrow window):")
    for tag, what in SCANS:
        asset = db.session.scalar(sa.select(Asset).where(Asset.tag == tag))
        if asset and asset.active_label:
            # Lower case /r/ as people type it (labels encode /R/, see docs/labels.md).
            click.echo(f"  {base_url.rstrip('/')}/r/{asset.active_label.code}   {tag} {what}")
    ticket = db.session.scalar(sa.select(Ticket).order_by(
        (Ticket.status == Status.RESOLVED).desc(), Ticket.id.desc()).limit(1))
    if ticket:
        click.echo(f"\nTracking URL (what the requester of {ticket.number} sees, "
                   f"{ticket.status.value}):")
        click.echo(f"  {url_on(base_url, 'tracking.show', token=ticket.tracking_token)}")
    _print_service_report(base_url)


def _print_service_report(base_url: str) -> None:
    """The first customer's report for last quarter: the link a customer gets by email."""
    from repairapp.servicereports import services

    customer = db.session.scalar(sa.select(Customer).where(Customer.report_emails != "")
                                 .order_by(Customer.id).limit(1))
    if customer:
        start, end = services.last_quarter(utcnow().astimezone(ZoneInfo("Asia/Shanghai")).date())
        report = services.issue(customer.id, start, end)
        click.echo(f"\nService report link ({customer.name}, {services.quarter_name(start)}, "
                   "what the customer opens without an account):")
        click.echo(f"  {url_on(base_url, 'servicereports.view', token=report.token)}")


@demo_cli.command("history")
@click.option("--tickets", type=click.IntRange(0, 10_000_000), default=1000, show_default=True,
              help="Tickets to add.")
@click.option("--assets", type=click.IntRange(1, 1_000_000), default=100, show_default=True,
              help="Machines to add (with customers, sites, contracts and technicians).")
@click.option("--months", type=click.IntRange(1, 60), default=12, show_default=True,
              help="How far back the tickets go.")
@click.option("--seed", type=int, default=DEMO_SEED, show_default=True,
              help="The same seed on the same database adds the same history.")
def history_command(tickets: int, assets: int, months: int, seed: int) -> None:
    """Add a realistic service history, for demos and benchmarks (to the demo, or to an
    empty database after creating the demo's plans and logins)."""
    from repairapp.demo.bulk import add_history

    added = add_history(tickets, assets, seed, months=months)
    db.session.commit()
    click.echo("Added: " + ", ".join(f"{n} {name}" for name, n in added.counts.items()))
    click.echo(f"in {added.seconds:.1f} s")


@demo_cli.command("load")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True,
              help="Where phones reach the server; a wildcard host (0.0.0.0) becomes this "
                   "machine's LAN address.")
def load_command(base_url: str) -> None:
    """Load demo data into an empty database, then print logins and scan URLs."""
    given, base_url = base_url, phone_url(base_url)
    if db.session.scalar(sa.select(sa.func.count()).select_from(Customer)):
        click.echo("Database already has data; not loading the demo again.")
    else:
        load_demo()
        db.session.commit()
        click.echo("Demo data loaded.")
    click.echo("\nDemo logins (role, email, password):")
    for role, email, _name in STAFF:
        click.echo(f"  {role.value:<11} {email:<24} {DEMO_PASSWORD}")
    _print_links(base_url)
    if given != base_url and urlsplit(base_url).hostname != FALLBACK:
        port = urlsplit(base_url).port or 80
        click.echo(f"\nPhones on the same Wi-Fi can open these links; if one cannot, allow "
                   f"port {port} through this computer's firewall (guest Wi-Fi may keep "
                   "devices apart).")

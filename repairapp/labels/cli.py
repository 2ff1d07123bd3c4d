"""`flask --app wsgi labels ...`: the same batches as the admin page, for thousands at once."""

import click
import sqlalchemy as sa
from flask import current_app

from repairapp.customers.models import Customer, Site
from repairapp.extensions import db
from repairapp.labels import services
from repairapp.labels.sheets import SHEETS


def _find(model, value: str | None) -> int | None:
    """The record with exactly this name, else with this id; an error if neither exists."""
    if not value:
        return None
    found = db.session.scalar(sa.select(model.id).where(model.name == value))
    if found is None and value.isdecimal():
        found = db.session.scalar(sa.select(model.id).where(model.id == int(value)))
    if found is None:
        raise click.BadParameter(f"no {model.__name__.lower()} named {value!r}")
    return found


@click.command("labels")
@click.option("--customer", help="Customer id or exact name.")
@click.option("--site", help="Site id or exact name.")
@click.option("--search", default="", help="Part of a tag, name or model.")
@click.option("--tag-from", default="")
@click.option("--tag-to", default="")
@click.option("--tags", default="", help="Exactly these tags, comma separated.")
@click.option("--never-printed", is_flag=True, help="Only labels never printed before.")
@click.option("--template", "sheet", type=click.Choice(sorted(SHEETS)), default="a4-3x8",
              show_default=True)
@click.option("--start", default=1, show_default=True,
              help="First free position on the first sheet (1 = top left).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def labels_command(customer, site, search, tag_from, tag_to, tags, never_printed, sheet,
                   start, output):
    """Print QR labels to a PDF file."""
    selection = services.Selection(
        customer_id=_find(Customer, customer), site_id=_find(Site, site), search=search,
        tag_from=tag_from, tag_to=tag_to, never_printed=never_printed,
        tags=services.parse_tags(tags))
    # Like the admin page: an unknown tag or an empty batch prints nothing, and says why.
    unknown = services.unknown_tags(selection.tags)
    if unknown:
        raise click.ClickException(f"no machine has these tags, nothing written: "
                                   f"{', '.join(unknown)}")
    if services.count(selection) == 0:
        raise click.ClickException("no asset with a current label matches, nothing written")
    config = current_app.config
    for key, size in services.too_fine(config["PUBLIC_URL"]).items():
        if key == sheet:
            click.echo(f"warning: QR modules will be {size:.2f} mm on {key} (0.5 mm or more "
                       f"scans reliably); REPAIRAPP_PUBLIC_URL is long", err=True)
    with open(output, "wb") as out:
        n = services.print_batch(selection, SHEETS[sheet], out, base_url=config["PUBLIC_URL"],
                                 vendor=config["VENDOR_NAME"], hotline=config["VENDOR_HOTLINE"],
                                 start_slot=max(0, start - 1))
    db.session.commit()
    click.echo(f"{n} label(s) written to {output}")

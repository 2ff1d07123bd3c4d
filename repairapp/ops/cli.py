"""`flask backup PATH` and `flask restore PATH` (docs/operations.md: cron line, drill)."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from repairapp.extensions import db
from repairapp.ops import services


def _summary(manifest: dict) -> str:
    rows = sum(manifest["tables"].values())
    return (f"{rows} rows in {len(manifest['tables'])} tables, "
            f"{len(manifest['photos'])} photos (revision {manifest['revision']})")


def _carry_out(action, path: Path) -> dict:
    """Run a backup or restore on the app's database; its refusal becomes the message."""
    try:
        return action(db.engine, path)
    except services.OpsError as error:
        raise click.ClickException(str(error)) from None


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write the database and its photos to the archive PATH (a tar file)."""
    manifest = _carry_out(services.backup, path)
    click.echo(f"Backed up {_summary(manifest)} to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(path: Path) -> None:
    """Load the archive PATH into the configured database, which must be empty."""
    manifest = _carry_out(services.restore, path)
    click.echo(f"Restored {_summary(manifest)} from {path}; row counts and photo hashes match "
               "the archive. An archive from an older version: run `flask --app wsgi db upgrade` "
               "next.")

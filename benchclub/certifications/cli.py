"""`flask certs import PATH`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from ..clubs.cli import DRY_RUN, read_file, run_import
from .imports import import_certificates

certs_cli = AppGroup("certs", help="Import firms' certificates.")


@certs_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@DRY_RUN
def import_certs_command(path: str, dry_run: bool) -> None:
    """Import certificates from a CSV file: firm,standard,number,body,issued,expires (ISO dates)."""
    data = read_file(path)
    run_import(lambda: import_certificates(data), "certificate", dry_run=dry_run)


def register_cli(app: Flask) -> None:
    """Attach the certificate commands to `flask`."""
    app.cli.add_command(certs_cli)

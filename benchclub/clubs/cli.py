"""`flask clubs|firms|links ...`: thin commands over the club services."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from .. import jsonout
from ..csvimport import ImportRejectedError, preview
from ..errors import DomainError
from ..extensions import db
from . import imports, queries, services

clubs_cli = AppGroup("clubs", help="Create benchmarking clubs.")
firms_cli = AppGroup("firms", help="Import and list firms.")
links_cli = AppGroup("links", help="Import governor-supplier links.")


def run_in_transaction(action: Callable[[], Any]) -> Any:
    """Run one service call, commit on success; roll back and exit non-zero on a domain error."""
    try:
        result = action()
    except ImportRejectedError as exc:
        db.session.rollback()
        for error in exc.errors:
            click.echo(f"error: {error}", err=True)
        raise click.ClickException(str(exc)) from None
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    return result


def run_import(work: Callable[[], list[Any]], noun: str, *, dry_run: bool = False) -> None:
    """Run a CSV import and commit it, or with `dry_run` only preview it (rolled back, nothing written)."""
    if not dry_run:
        done = run_in_transaction(work)
        click.echo(f"Imported {len(done)} {noun}(s).")
        return
    try:
        seen = preview(db.session, work, summarise=len)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    if not seen.ok:
        for error in seen.errors:
            click.echo(f"error: {error}", err=True)
        raise click.ClickException(f"{len(seen.errors)} problem(s) found; nothing would be imported.")
    click.echo(f"Dry run: {seen.result} {noun}(s) would be imported; nothing was written.")


DRY_RUN = click.option("--dry-run", is_flag=True, help="Check the whole file and say what it would do; write nothing.")


def read_file(path: str) -> bytes:
    """The raw bytes of an import file (decoding is the importer's job, so bad encodings are reported)."""
    with open(path, "rb") as fh:
        return fh.read()


@clubs_cli.command("create")
@click.argument("code")
@click.option("--name", required=True, help="The club's full name.")
def create_club_command(code: str, name: str) -> None:
    """Create a club with the default KPI catalogue."""
    club = run_in_transaction(lambda: services.create_club(code, name))
    click.echo(f"Created club {club.code} ({club.name}).")


@firms_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--update", is_flag=True, help="Also change firms whose code exists (otherwise such a file is refused).")
@DRY_RUN
def import_firms_command(path: str, update: bool, dry_run: bool) -> None:
    """Import firms from a CSV file: club,code,name,kind,country,sector,employees. All rows or none."""
    data = read_file(path)
    run_import(lambda: imports.import_firms(data, update=update), "firm", dry_run=dry_run)


@firms_cli.command("list")
@click.option("--club", "club_code", default=None, help="Only this club's firms.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_firms_command(club_code: str | None, as_json: bool) -> None:
    """List firms, optionally of one club."""
    try:
        club = services.get_club(club_code) if club_code else None
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    firms = queries.list_all_firms(club)
    if as_json:
        click.echo(jsonout.dumps([queries.firm_as_dict(f) for f in firms], indent=2))
        return
    for firm in firms:
        click.echo(f"{firm.club.code:<8} {firm.code:<16} {firm.kind.value:<9} {firm.country} {firm.name}")
    if not firms:
        click.echo("No firms.")


@links_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@DRY_RUN
def import_links_command(path: str, dry_run: bool) -> None:
    """Import supply links from a CSV file: governor,supplier,tier."""
    data = read_file(path)
    run_import(lambda: imports.import_links(data), "link", dry_run=dry_run)


def register_cli(app: Flask) -> None:
    """Attach the club commands to `flask`."""
    for group in (clubs_cli, firms_cli, links_cli):
        app.cli.add_command(group)

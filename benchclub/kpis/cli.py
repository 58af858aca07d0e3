"""`flask kpis import|export`: thin commands over the same import and export services as the web."""
from __future__ import annotations

import os

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from ..clubs.services import get_club, get_firm
from ..errors import DomainError
from ..extensions import db
from ..models import User
from ..periods.services import parse_month
from ..transactions import run_atomically
from . import exports, imports
from .csv_io import FileTooLargeError, check_size


def _user(email: str | None) -> User | None:
    if not email:
        return None
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active:
        raise click.ClickException(f"There is no active user {email}.")
    return user


def _print_plan(plan: imports.ImportPlan, *, dry_run: bool) -> None:
    counts = plan.written or {a: plan.count(a) for a in ("new", "update", "unchanged")}
    verb = "Would import" if dry_run else "Imported"
    click.echo(f"{verb} {len(plan.rows)} row(s): {counts['new']} new, {counts['update']} updated, "
               f"{counts['unchanged']} unchanged.")


kpis_cli = AppGroup("kpis", help="Import and export monthly KPI values (CSV firm,period,kpi,value,source,comment).")


def _read_import_file(path: str, limit: int) -> bytes:
    """The file's bytes, refused by its size before a byte is parsed."""
    try:
        check_size(os.path.getsize(path), limit)
        with open(path, "rb") as handle:
            return handle.read()
    except FileTooLargeError as exc:
        raise click.ClickException(str(exc)) from None


def _plan_or_import(data: bytes, *, actor: User | None, limit: int, dry_run: bool) -> imports.ImportPlan:
    """A dry run plans and writes nothing; otherwise plan and apply in one transaction per attempt."""
    if dry_run:
        plan = imports.plan_import(data, actor=actor, limit=limit)
        db.session.rollback()
        return plan
    # One transaction per attempt: a deadlock or a concurrent import of the same rows re-plans and retries.
    try:
        return run_atomically(lambda: imports.plan_and_apply(data, actor=actor, limit=limit))
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None


@kpis_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and report, but write nothing.")
@click.option("--as", "as_email", metavar="EMAIL", help="Apply this user's role rules (default: admin rules).")
def import_command(path: str, dry_run: bool, as_email: str | None) -> None:
    """Import a KPI CSV: all rows or none; every bad row is printed with its line number."""
    limit = int(current_app.config["MAX_UPLOAD_BYTES"])
    actor = _user(as_email)
    data = _read_import_file(path, limit)
    plan = _plan_or_import(data, actor=actor, limit=limit, dry_run=dry_run)
    if not plan.ok:
        for error in plan.errors:
            click.echo(f"{path}: {error}", err=True)
        raise click.ClickException(f"{len(plan.errors)} problem(s) found; nothing was imported.")
    _print_plan(plan, dry_run=dry_run)


@kpis_cli.command("export")
@click.option("--club", "club_code", metavar="CODE", help="Only this club.")
@click.option("--firm", "firm_code", metavar="CODE", help="Only this firm.")
@click.option("--period", "month", metavar="YYYY-MM", help="Only this month.")
def export_command(club_code: str | None, firm_code: str | None, month: str | None) -> None:
    """Write KPI values as CSV on stdout, in the import format."""
    try:
        club = get_club(club_code) if club_code else None
        firm = get_firm(firm_code) if firm_code else None
        month = parse_month(month) if month else None
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(exports.export_values(None, club=club, firm=firm, month=month), nl=False)


def register_cli(app: Flask) -> None:
    """Attach the `kpis` command group."""
    app.cli.add_command(kpis_cli)

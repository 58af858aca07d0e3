"""`flask periods open|close|reopen MONTH --club CODE`: thin commands over the period service."""
from __future__ import annotations

from datetime import date

import click
from flask import Flask
from flask.cli import AppGroup

from ..clubs.cli import run_in_transaction
from ..clubs.services import get_club
from ..errors import DomainError
from . import services as period_service

periods_cli = AppGroup("periods", help="Open, close and reopen a club's monthly periods.")


def _club(code: str):
    try:
        return get_club(code)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None


@periods_cli.command("open")
@click.argument("month")
@click.option("--club", "club_code", required=True)
@click.option("--due", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Due date (default: the 15th of the next month).")
def open_period_command(month: str, club_code: str, due) -> None:
    """Open a month for entry."""
    club = _club(club_code)
    due_on: date | None = due.date() if due else None
    period = run_in_transaction(lambda: period_service.open_period(club, month, due_on=due_on))
    click.echo(f"Opened {period.month} in {club.code}; due {period.due_on.isoformat()}.")


@periods_cli.command("close")
@click.argument("month")
@click.option("--club", "club_code", required=True)
def close_period_command(month: str, club_code: str) -> None:
    """Close a month: freeze its values and publish its benchmarks."""
    club = _club(club_code)
    period = run_in_transaction(lambda: period_service.close_period(club, month))
    click.echo(f"Closed {period.month} in {club.code}.")


@periods_cli.command("reopen")
@click.argument("month")
@click.option("--club", "club_code", required=True)
@click.option("--reason", required=True, help="Why the period is reopened (logged).")
def reopen_period_command(month: str, club_code: str, reason: str) -> None:
    """Reopen a closed month for corrections, with a reason."""
    club = _club(club_code)
    period = run_in_transaction(lambda: period_service.reopen_period(club, month, reason))
    click.echo(f"Reopened {period.month} in {club.code}.")


def register_cli(app: Flask) -> None:
    """Attach `flask periods` to `flask`."""
    app.cli.add_command(periods_cli)

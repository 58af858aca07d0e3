"""`flask users create`: accounts from the command line (an invitation link when no password)."""
from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..clubs.cli import run_in_transaction
from ..clubs.services import get_club, get_firm
from ..errors import DomainError
from ..models import Role
from .services import create_user, invitation_url

users_cli = AppGroup("users", help="Create user accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--firm", "firm_code", default=None, help="Firm code (member, governor).")
@click.option("--club", "club_code", default=None, help="Club code (facilitator).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--name", default="", help="The person's name.")
def create_user_command(email: str, role: str, firm_code: str | None, club_code: str | None,
                        password_stdin: bool, name: str) -> None:
    """Create a user; without a password, print the invitation link to send to the person."""
    if firm_code and club_code:
        raise click.UsageError("Give either --firm or --club, not both.")
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    if password_stdin and not password:
        raise click.UsageError("--password-stdin was given but standard input had no password.")
    try:
        firm = get_firm(firm_code) if firm_code else None
        club = get_club(club_code) if club_code else None
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    user, token = run_in_transaction(
        lambda: create_user(email, Role(role), firm=firm, club=club, password=password, name=name)
    )
    click.echo(f"Created {user.role.value} {user.email}.")
    if token:
        click.echo(f"Invitation link (valid 14 days): {invitation_url(token, current_app.config['BASE_URL'])}")


def register_cli(app: Flask) -> None:
    """Attach the account commands to `flask`."""
    app.cli.add_command(users_cli)

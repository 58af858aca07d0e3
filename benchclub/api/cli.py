"""`flask tokens ...`: API tokens for scripts and operators (issue 12 item 1)."""
from __future__ import annotations

import json

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from ..clubs.cli import run_in_transaction
from ..errors import DomainError
from ..extensions import db
from ..models import User
from . import tokens

tokens_cli = AppGroup("tokens", help="Personal API tokens.")


def _user(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"There is no user {email}.")
    return user


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for, e.g. 'ERP export'.")
@click.option("--scope", type=click.Choice(["read", "read-write"]), required=True)
@click.option("--days", type=int, default=tokens.DEFAULT_DAYS, show_default=True,
              help=f"Days until it expires (at most {tokens.MAX_DAYS}).")
def create_command(email: str, name: str, scope: str, days: int) -> None:
    """Create a token and print it on stdout, and nothing else (it is never shown again)."""
    user = _user(email)
    new = run_in_transaction(lambda: tokens.create_token(user, name, scope, days, actor=None))
    click.echo(new.secret)


@tokens_cli.command("list")
@click.argument("email")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def list_command(email: str, as_json: bool) -> None:
    """List a user's tokens (never the secrets)."""
    rows = [tokens.token_dict(t) for t in tokens.list_tokens(_user(email))]
    if as_json:
        click.echo(json.dumps(rows))
        return
    for row in rows:
        click.echo(f"{row['id']}\t{row['prefix']}…\t{row['scope']}\t{row['status']}\texpires {row['expires_at'][:10]}"
                   f"\t{row['name']}")


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_command(token_id: int) -> None:
    """Revoke a token at once."""
    try:
        token = tokens.get_token(token_id)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    run_in_transaction(lambda: tokens.revoke_token(token, actor=None))
    click.echo(f"Revoked token {token_id} ({token.name}).")


def register_cli(app: Flask) -> None:
    """Attach `flask tokens`."""
    app.cli.add_command(tokens_cli)

"""`flask seed demo`: the DOMAIN §9 demo club, generated from a fixed random seed."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask

from .extensions import db
from .models import Club


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(Club.id))) == 0


def register_cli(app: Flask) -> None:
    @app.cli.group("seed")
    def seed_group() -> None:
        """Load demonstration data."""

    @seed_group.command("demo")
    @click.option("--reset", is_flag=True, help="Drop every table first (destroys all data).")
    @click.option("--if-empty", is_flag=True, help="Do nothing (exit 0) when the database already has data.")
    def seed_demo(reset: bool, if_empty: bool) -> None:
        """Create the demo auto-components club; refuses a non-empty database without --reset."""
        from .demo import DEMO_LOGINS, build_demo_club

        if not database_is_empty():
            if if_empty:
                click.echo("Database already has data; demo not loaded.")
                return
            if not reset:
                raise click.ClickException("The database is not empty. Use --reset to wipe it and load the demo.")
            db.session.remove()
            db.drop_all()
            db.create_all()
        summary = build_demo_club()
        db.session.commit()
        click.echo(summary)
        click.echo("Demo logins (password for all: %s):" % DEMO_LOGINS["password"])
        for role, email in DEMO_LOGINS["users"].items():
            click.echo(f"  {role:<12} {email}")

"""`flask seed demo`: the DOMAIN §9 demo club, generated from a fixed random seed."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask

from .errors import DomainError
from .extensions import db
from .models import Club


def database_is_empty() -> bool:
    """True when no club exists yet (the demo only loads into an empty database)."""
    return db.session.scalar(sa.select(sa.func.count(Club.id))) == 0


def reset_database() -> None:
    """Drop every table, Alembic's version table included, and rebuild the schema from the migrations."""
    from flask_migrate import upgrade

    db.session.remove()
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()


def register_cli(app: Flask) -> None:
    """Attach `flask seed demo`."""
    @app.cli.group("seed")
    def seed_group() -> None:
        """Load demonstration data."""

    @seed_group.command("demo")
    @click.option("--reset", is_flag=True, help="Drop every table first (destroys all data).")
    @click.option("--if-empty", is_flag=True, help="Do nothing (exit 0) when the database already has data.")
    def seed_demo(reset: bool, if_empty: bool) -> None:
        """Create the demo auto-components club; refuses a non-empty database without --reset."""
        from .demo import build_demo_club, format_logins

        if not database_is_empty():
            if if_empty:
                click.echo("Database already has data; demo not loaded.")
                return
            if not reset:
                raise click.ClickException("The database is not empty. Use --reset to wipe it and load the demo.")
            reset_database()
        try:
            summary = build_demo_club()
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(f"The demo could not be built: {exc}") from exc
        db.session.commit()
        click.echo(summary)
        if not if_empty:  # `make run` passes --if-empty and prints the logins itself, data or not
            click.echo(format_logins())

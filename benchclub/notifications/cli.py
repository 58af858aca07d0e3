"""`flask reminders send [--dry-run]`: the cron job for reminders and e-mail."""
from __future__ import annotations

import smtplib
from datetime import date

import click
from flask import Flask, current_app

from ..extensions import db
from . import services

MAIL_KEYS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_USE_TLS", "MAIL_SENDER")


def register_cli(app: Flask) -> None:
    """Attach the `reminders` command group."""

    @app.cli.group("reminders")
    def reminders_group() -> None:
        """Reminders and notifications."""

    @reminders_group.command("send")
    @click.option("--dry-run", is_flag=True, help="Show what would be sent; change and send nothing.")
    @click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="Pretend it is this date (YYYY-MM-DD).")
    def send(dry_run: bool, today) -> None:
        """Create due reminders (each only once) and e-mail them when MAIL_SERVER is set."""
        config = current_app.config
        mail = {k: config.get(k) for k in MAIL_KEYS}
        on = today.date() if today else date.today()
        with current_app.test_request_context(base_url=config.get("BASE_URL") or "http://localhost"):
            try:
                result = services.send_reminders(on, mail=mail, dry_run=dry_run,
                                                 base_url=config.get("BASE_URL") or "")
            except (smtplib.SMTPException, OSError) as exc:
                db.session.commit()  # keep the notifications and the digests already sent
                raise click.ClickException(f"E-mail failed: {exc}. Notifications were stored; "
                                           "run again to retry the e-mail.") from None
            if dry_run:
                db.session.rollback()
                for r in result.created:
                    click.echo(f"would notify user {r.user_id}: {r.message}")
                click.echo(f"{len(result.created)} reminder(s) would be created (dry run; nothing sent).")
                return
            db.session.commit()
        click.echo(f"{len(result.created)} new reminder(s) stored.")
        if mail.get("MAIL_SERVER"):
            click.echo(f"{result.emailed_notifications} reminder(s) e-mailed to {result.emailed_users} user(s).")
        else:
            click.echo("MAIL_SERVER is not set: in-app notifications only.")

"""In-app notifications, reminders and e-mail."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Plug the feature in: its routes, CLI and home panel."""
    from ..dashboards.panels import add_home_panels
    from . import cli, panels, views

    app.register_blueprint(views.bp)
    cli.register_cli(app)
    add_home_panels(app, panels.unread_notifications_panel)

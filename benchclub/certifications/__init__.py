"""Certificates: a member's own list and the facilitator's expiry watch."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Plug the feature in: its routes, CLI and home panels."""
    from ..dashboards.panels import add_home_panels
    from . import cli, panels, views

    app.register_blueprint(views.bp)
    cli.register_cli(app)
    add_home_panels(app, panels.member_certificates_panel, panels.facilitator_certificates_panel)

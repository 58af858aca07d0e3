"""Workshops: suggestions, planning, attendance, materials, impact and improvement actions."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Plug the feature in: its routes, CLI and home panels."""
    from ..dashboards.panels import add_home_panels
    from . import cli, member_views, panels, views  # noqa: F401  (sibling view modules put their routes on bp)

    app.register_blueprint(views.bp)
    cli.register_cli(app)
    add_home_panels(app, panels.member_workshops_panel, panels.facilitator_workshops_panel)

"""Clubs, firms, supply links, the KPI catalogue, people and period screens."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Plug the feature in: its routes (all view modules) and CLI."""
    from . import cli, period_views, threshold_views, user_views, views  # noqa: F401  (sibling view modules put their routes on bp)

    app.register_blueprint(views.bp)
    cli.register_cli(app)

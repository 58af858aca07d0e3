"""Clubs, firms, supply links, the KPI catalogue screens, people, thresholds and the audit log."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Plug the feature in: its routes (all view modules) and CLI."""
    from . import audit_views, cli, threshold_views, user_views, views  # noqa: F401  (sibling view modules put their routes on bp)

    app.register_blueprint(views.bp)
    cli.register_cli(app)

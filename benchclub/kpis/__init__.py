"""Monthly KPI values: entry, imports, exports, completeness and the period service."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Plug the feature in: its routes, CLI and home panels."""
    from ..dashboards.panels import add_home_panels
    from . import cli, desk_views, import_views, panels, views  # noqa: F401  (sibling view modules put their routes on bp)

    app.register_blueprint(views.bp)
    cli.register_cli(app)
    add_home_panels(app, panels.member_months_panel, panels.governor_measurements_panel,
                    panels.facilitator_completeness_panel)

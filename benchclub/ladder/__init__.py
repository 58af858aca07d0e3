"""The supplier ladder: rules, evaluations, decisions, targets, visits and scorecards."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Plug the feature in: its routes, CLI, home panels, the period-close subscriber that evaluates the ladders and the default ladder of a new governor."""
    from ..dashboards.panels import add_home_panels
    from ..events import governor_added, period_closed
    from . import cli, evaluation, manage_views, panels, services, views  # noqa: F401  (sibling view modules put their routes on bp)

    app.register_blueprint(views.bp)
    cli.register_cli(app)
    add_home_panels(app, panels.member_ladder_panel, panels.governor_ladder_panel)
    period_closed.connect(evaluation._on_period_closed)
    governor_added.connect(services.on_governor_added)

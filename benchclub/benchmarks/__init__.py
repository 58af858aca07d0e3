"""Benchmarks: published snapshots, member/governor/club pages, comparators, exports."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Plug the feature in: its routes, CLI and the period-close subscriber that publishes a snapshot."""
    from ..dashboards.panels import add_home_panels
    from ..events import period_closed
    from . import cli, panels, snapshots, views, views_club  # noqa: F401  (sibling view modules put their routes on bp)

    app.register_blueprint(views.bp)
    cli.register_cli(app)
    add_home_panels(app, panels.member_position_panel)
    # snapshots.py also connects this receiver with a decorator; blinker keeps one connection per receiver.
    period_closed.connect(snapshots._publish_on_close)

"""Benchmarks: published snapshots, pages by audience (member/, governor/, club/), comparators, exports.

Every page reads the one read model (`queries`: snapshot rows through `disclosure`); `dashboard`
assembles the released board the three audiences share.
"""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Plug the feature in: its routes, CLI and the period-close subscriber that publishes a snapshot."""
    from ..dashboards.panels import add_home_panels
    from ..events import period_closed
    from . import cli, snapshots
    from .blueprint import bp
    from .club import views as club_views  # noqa: F401  (each audience's views put their routes on bp)
    from .governor import views as governor_views  # noqa: F401
    from .member import panels as member_panels
    from .member import views as member_views  # noqa: F401

    app.register_blueprint(bp)
    cli.register_cli(app)
    add_home_panels(app, member_panels.member_position_panel)
    # snapshots.py also connects this receiver with a decorator; blinker keeps one connection per receiver.
    period_closed.connect(snapshots._publish_on_close)

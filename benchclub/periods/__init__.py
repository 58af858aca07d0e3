"""Periods, the shared kernel of every monthly feature (DOMAIN §4).

`services` opens, closes (sending `events.period_closed`) and reopens a club's months and holds the one
closed-months query; kpis, benchmarks, ladder, workshops, reports and demo read it. The facilitator's
period screens (`views`) and `flask periods` (`cli`) sit above kpis, because closing an incomplete
month first asks for the count of firms still missing.
"""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Plug the feature in: the period screens and `flask periods`."""
    from . import cli, views  # noqa: F401  (views put their routes on bp)
    from .blueprint import bp

    app.register_blueprint(bp)
    cli.register_cli(app)

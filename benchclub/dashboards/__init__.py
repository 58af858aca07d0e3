"""The home page, assembled from the panels the other features add."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Plug the feature in: its routes."""
    from . import views

    app.register_blueprint(views.bp)

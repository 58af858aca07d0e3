"""A supplier's consent for each linked governor to see its identified KPIs."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Plug the feature in: its routes."""
    from . import views

    app.register_blueprint(views.bp)

"""Club reports and confidential member reports, as pages and PDFs."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Plug the feature in: its routes and CLI."""
    from . import cli, views

    app.register_blueprint(views.bp)
    cli.register_cli(app)

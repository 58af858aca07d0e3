"""Serve Bootstrap and plotly.js from their installed Python packages: no CDN, nothing fetched."""
from __future__ import annotations

from pathlib import Path

import flask_bootstrap
import plotly
from flask import Blueprint, abort, send_from_directory

bp = Blueprint("vendor", __name__, url_prefix="/vendor")

_ROOTS = {
    "bootstrap": Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5",
    "plotly": Path(plotly.__file__).parent / "package_data",
}


@bp.get("/<lib>/<path:filename>")
def asset(lib: str, filename: str):
    """Static file of a vendored library, cached for a day."""
    root = _ROOTS.get(lib)
    if root is None:
        abort(404)
    return send_from_directory(root, filename, max_age=86400)

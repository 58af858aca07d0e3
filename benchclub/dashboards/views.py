"""The home page: one start page per role, assembled from the features' panels."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from .panels import panels_for

bp = Blueprint("dashboards", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("dashboards/home.html", panels=panels_for(current_user))


@bp.get("/healthz")
def healthz():
    """Readiness probe for the load balancer: 200 only when the database (and Redis, when used) answer."""
    from .health import check_dependencies

    checks = check_dependencies()
    healthy = all(v in ("ok", "not configured") for v in checks.values())
    return {"status": "ok" if healthy else "unavailable", **checks}, 200 if healthy else 503

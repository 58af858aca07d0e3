"""What /healthz checks: the database answers a query, Redis answers a ping (when configured)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from ..extensions import db

_redis_clients: dict[str, object] = {}


def _redis(url: str):
    """One client (and connection pool) per URL for the life of the process."""
    if url not in _redis_clients:
        import redis

        _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    return _redis_clients[url]


def check_dependencies() -> dict[str, str]:
    """'ok', 'not configured' or the error, per dependency; never raises."""
    checks: dict[str, str] = {}
    try:
        db.session.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # the probe reports, it does not crash
        db.session.rollback()
        checks["database"] = f"error: {type(exc).__name__}"
    url = current_app.config.get("REDIS_URL")
    if not url:
        checks["redis"] = "not configured"
    else:
        try:
            checks["redis"] = "ok" if _redis(url).ping() else "error: no pong"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
    return checks

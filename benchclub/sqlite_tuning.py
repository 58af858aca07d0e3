"""SQLite settings for a file database served by several processes (development, `make run`, the bench).

WAL lets readers work while one writer commits; synchronous=NORMAL is durable across application
crashes in WAL mode; a 64 MB page cache keeps the indexes of a national programme (millions of KPI
values) in memory, where the default 2 MB made every bulk insert a random walk over the disk.
PostgreSQL (production) is not touched.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from .extensions import db

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA cache_size=-65536")


def _tune(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def register(app: Flask) -> None:
    """Tune every new connection of a file-backed SQLite engine."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    with app.app_context():
        engine = db.engine
        if not sa.event.contains(engine, "connect", _tune):
            sa.event.listen(engine, "connect", _tune)

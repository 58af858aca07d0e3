"""Production plumbing in-process: /healthz checks its dependencies, every response carries a request
id, request logs are JSON lines with that id."""
import json
import logging

import pytest

from benchclub.observability import JsonFormatter


def test_healthz_reports_the_database_and_redis(client, app):
    body = client.get("/healthz").get_json()
    assert body == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_healthz_is_503_when_redis_is_configured_but_down(client, app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        resp = client.get("/healthz")
    finally:
        app.config["REDIS_URL"] = None
    assert resp.status_code == 503 and resp.get_json()["redis"].startswith("error")


def test_healthz_pings_a_live_redis(client, app):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    try:
        assert client.get("/healthz").get_json()["redis"] == "ok"
    finally:
        app.config["REDIS_URL"] = None


def test_a_sane_incoming_request_id_is_kept_and_a_missing_or_odd_one_is_replaced(client):
    assert client.get("/healthz", headers={"X-Request-ID": "lb-1234.abc"}).headers["X-Request-ID"] == "lb-1234.abc"
    fresh = client.get("/healthz").headers["X-Request-ID"]
    odd = client.get("/healthz", headers={"X-Request-ID": "x" * 65}).headers["X-Request-ID"]
    spaced = client.get("/healthz", headers={"X-Request-ID": "a b"}).headers["X-Request-ID"]
    assert spaced != "a b"
    assert len(fresh) == 32 and len(odd) == 32 and fresh != odd


def test_each_request_is_logged_as_one_json_line_with_its_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="benchclub.request"):
        client.get("/healthz", headers={"X-Request-ID": "trace-42"})
    record = next(r for r in caplog.records if r.name == "benchclub.request")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "trace-42" and line["path"] == "/healthz" and line["status"] == 200
    assert line["method"] == "GET" and line["level"] == "info" and isinstance(line["duration_ms"], float)


def test_a_file_sqlite_database_runs_in_wal_mode_with_a_large_cache(tmp_path):
    import sqlalchemy as sa

    from benchclub import create_app
    from benchclub.extensions import db
    from config import TestingConfig

    class FileConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'tuned.db'}"

    with create_app(FileConfig).app_context():
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(sa.text("PRAGMA cache_size")).scalar() == -65536
        db.engine.dispose()

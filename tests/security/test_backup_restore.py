"""Issue 10, backup and restore: every table round-trips, on SQLite, on PostgreSQL and from one to the other."""
from __future__ import annotations

import os
from datetime import datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from benchclub import create_app
from benchclub.backup import BackupError, dump_tables, restore_backup, write_backup
from benchclub.demo import build_demo_club
from benchclub.extensions import db
from config import TestingConfig

pytestmark = pytest.mark.committed_db

PG_ADMIN_DB = "postgres"
TMP_PG_DB = "tmp_security_restore"


def _normal(tables):
    """Compare like with like across databases: every timestamp in UTC, no microsecond float noise."""
    def norm(value):
        if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] in "T ":
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                return value
            return parsed.replace(tzinfo=None).isoformat() if parsed.tzinfo is None else \
                parsed.astimezone(tz=None).replace(tzinfo=None).isoformat()
        return value
    return {name: [{k: norm(v) for k, v in row.items()} for row in rows] for name, rows in tables.items()}


def _fresh_app(url: str):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    fresh = create_app(Config)
    with fresh.app_context():
        upgrade()
    return fresh


def _fresh_postgres(source_url: sa.URL) -> str:
    admin = sa.create_engine(source_url.set(database=PG_ADMIN_DB), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {TMP_PG_DB} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {TMP_PG_DB}"))
    admin.dispose()
    return source_url.set(database=TMP_PG_DB).render_as_string(hide_password=False)


def _drop_postgres(source_url: sa.URL) -> None:
    admin = sa.create_engine(source_url.set(database=PG_ADMIN_DB), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {TMP_PG_DB} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture()
def demo(app, db):
    build_demo_club()
    db.session.commit()
    with db.engine.connect() as conn:
        tables = dump_tables(conn)
    empty = [name for name, rows in tables.items() if not rows]
    assert len(empty) <= len(tables) // 3, f"the demo leaves too many tables empty to prove much: {empty}"
    return tables


def _restore_into(url: str, path) -> dict:
    target = _fresh_app(url)
    with target.app_context():
        with db.engine.begin() as conn:
            restore_backup(conn, path)
        with db.engine.connect() as conn:
            result = dump_tables(conn)
        db.engine.dispose()
    return result


def test_backup_and_restore_round_trip_every_table_across_databases(app, demo, tmp_path):
    source = db.engine.url
    first = tmp_path / "first.zip"
    with db.engine.connect() as conn:
        write_backup(conn, first)
    via_sqlite = _restore_into(f"sqlite:///{tmp_path / 'restored.db'}", first)
    assert _normal(via_sqlite) == _normal(demo)
    if source.get_backend_name() != "postgresql":
        return
    # PostgreSQL -> SQLite (above) -> back to a fresh PostgreSQL database.
    second = tmp_path / "second.zip"
    sqlite_app = _fresh_app(f"sqlite:///{tmp_path / 'restored.db'}")
    with sqlite_app.app_context(), db.engine.connect() as conn:
        write_backup(conn, second)
    try:
        via_postgres = _restore_into(_fresh_postgres(source), second)
    finally:
        _drop_postgres(source)
    assert _normal(via_postgres) == _normal(demo)


def test_restore_refuses_mixing_and_other_schemas_and_the_commands_work(app, demo, runner, tmp_path):
    import json
    import zipfile

    path, forged = tmp_path / "cli.zip", tmp_path / "forged.zip"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0 and os.path.getsize(path) > 1000, result.output
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code != 0 and "--force" in result.output
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(forged, "w") as dst:
        for item in src.namelist():
            data = src.read(item)
            if item == "manifest.json":
                manifest = json.loads(data)
                manifest["schema_revision"] = "9999_future"
                data = json.dumps(manifest).encode()
            dst.writestr(item, data)
    with db.engine.begin() as conn, pytest.raises(BackupError, match="schema revision 9999_future"):
        restore_backup(conn, forged, force=True)
    result = runner.invoke(args=["restore", str(path), "--force"])
    assert result.exit_code == 0, result.output
    with db.engine.connect() as conn:
        assert _normal(dump_tables(conn)) == _normal(demo)

"""`flask backup PATH` / `flask restore PATH`: every table to a zip of JSON lines, and back.

The file holds `manifest.json` (format, schema revision, row counts) and `tables/<name>.jsonl`, one
JSON object per row. It restores into SQLite or PostgreSQL whichever it came from: values are written
as plain JSON (dates and times as ISO 8601, enums by name, bytes as base64) and read back by column
type. Restore checks the schema revision (the database must be migrated to the backup's revision)
and refuses a database that already has data unless --force, which first empties every table.
"""
from __future__ import annotations

import base64
import json
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask

from .extensions import db

FORMAT = "benchclub-backup"
FORMAT_VERSION = 1
BATCH = 1000


class BackupError(Exception):
    """The backup cannot be written or restored here; the message says why."""


def schema_revision(conn: sa.Connection) -> str | None:
    """The Alembic revision the database is migrated to."""
    try:
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DBAPIError:
        return None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def dump_tables(conn: sa.Connection) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table as plain JSON values, ordered by primary key (also used to compare)."""
    out = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows = conn.execute(sa.select(table).order_by(*order)).mappings()
        out[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return out


def write_backup(conn: sa.Connection, path: Path) -> dict[str, int]:
    """Write every table to `path` (a zip); returns the row count per table."""
    tables = dump_tables(conn)
    counts = {name: len(rows) for name, rows in tables.items()}
    manifest = {"format": FORMAT, "version": FORMAT_VERSION, "schema_revision": schema_revision(conn),
                "created_at": datetime.now(UTC).isoformat(), "dialect": conn.dialect.name, "tables": counts}
    tmp = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, indent=2))
        for name, rows in tables.items():
            zf.writestr(f"tables/{name}.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    tmp.replace(path)  # a crash mid-way never leaves a truncated file under the real name
    return counts


def _typed(column: sa.Column, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.Enum) and kind.enum_class is not None:
        return kind.enum_class[value]
    if isinstance(kind, sa.DateTime):
        parsed = datetime.fromisoformat(value)
        return parsed.replace(tzinfo=UTC) if kind.timezone and parsed.tzinfo is None else parsed
    if isinstance(kind, sa.Date):
        return date.fromisoformat(value)
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode(value)
    return value


def read_manifest(zf: zipfile.ZipFile) -> dict[str, Any]:
    """The manifest, checked to be one of ours."""
    try:
        manifest = json.loads(zf.read("manifest.json"))
    except (KeyError, ValueError):
        raise BackupError("This file is not a BenchClub backup (no manifest.json).") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')} {manifest.get('version')}.")
    return manifest


#: Every piece of real data hangs off a club or a user; other rows in a fresh database come from migrations.
DATA_ROOTS = ("clubs", "users")


def _has_data(conn: sa.Connection) -> bool:
    tables = db.metadata.tables
    return any(conn.execute(sa.select(sa.literal(1)).select_from(tables[name]).limit(1)).first()
               for name in DATA_ROOTS)


#: The PostgreSQL setting that lets a TRUNCATE empty audit_log (migration 0010_audit_truncate), for one transaction.
AUDIT_TRUNCATE_SETTING = "benchclub.allow_audit_truncate"


def allow_audit_truncate(conn: sa.Connection) -> None:
    """For the current transaction only, let TRUNCATE empty the audit log (PostgreSQL refuses it otherwise,
    and refuses UPDATE and DELETE of its rows always). Only a whole-database replacement asks for this."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text(f"SET LOCAL {AUDIT_TRUNCATE_SETTING} = 'on'"))


def empty_all_tables(conn: sa.Connection) -> None:
    """Empty every table in the connection's transaction: `restore --force` and the test fixtures."""
    tables = list(reversed(db.metadata.sorted_tables))
    if conn.dialect.name == "postgresql":  # TRUNCATE: the audit triggers refuse row DELETEs (0004) and,
        allow_audit_truncate(conn)  # unless this transaction says so, TRUNCATE (0009)
        conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        return
    for table in tables:
        conn.execute(table.delete())


def _reset_sequences(conn: sa.Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and isinstance(table.c.id.type, sa.Integer):
            conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                                 f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"))


def restore_backup(conn: sa.Connection, path: Path, *, force: bool = False) -> dict[str, int]:
    """Load a backup into the connected database, all tables in one transaction."""
    with zipfile.ZipFile(path) as zf:
        manifest = read_manifest(zf)
        here = schema_revision(conn)
        if manifest["schema_revision"] != here:
            raise BackupError(f"The backup is of schema revision {manifest['schema_revision']}, this database is at "
                              f"{here}. Run `flask db upgrade` (or use the BenchClub version that made the backup).")
        if _has_data(conn) and not force:
            raise BackupError("The database already has data; restore refuses to mix. Use --force to replace "
                              "everything in it with the backup.")
        empty_all_tables(conn)  # also the rows a migration seeds (the backup holds them)
        counts = {}
        for table in db.metadata.sorted_tables:
            lines = zf.read(f"tables/{table.name}.jsonl").decode().splitlines()
            rows = [{k: _typed(table.c[k], v) for k, v in json.loads(line).items()} for line in lines if line]
            for start in range(0, len(rows), BATCH):
                conn.execute(table.insert(), rows[start:start + BATCH])
            counts[table.name] = len(rows)
        if counts != manifest["tables"]:
            raise BackupError("The backup's row counts do not match its manifest; nothing was restored.")
        _reset_sequences(conn)
    return counts


def register_cli(app: Flask) -> None:
    """Attach `flask backup` and `flask restore`."""

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(path: Path) -> None:
        """Write every table to PATH (a zip of JSON lines) for `flask restore`."""
        if not path.parent.is_dir():
            raise click.ClickException(f"The folder {path.parent} does not exist.")
        with db.engine.connect() as conn:
            counts = write_backup(conn, path)
        click.echo(f"Wrote {path}: {sum(counts.values())} rows in {len(counts)} tables.")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Replace all data in a database that is not empty.")
    def restore_command(path: Path, force: bool) -> None:
        """Load a backup made by `flask backup` (all or nothing)."""
        db.session.remove()
        try:
            with db.engine.begin() as conn:
                counts = restore_backup(conn, path, force=force)
        except (BackupError, zipfile.BadZipFile) as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Restored {path}: {sum(counts.values())} rows in {len(counts)} tables.")

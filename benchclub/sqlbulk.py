"""Reading and inserting many plain rows inside the session's transaction, below SQLAlchemy's per-row
parameter and result handling (a close's 45,000 KPI values and snapshot rows, an import's values and audit
entries).

PostgreSQL (psycopg 3) receives them by `COPY ... FROM STDIN`, which is several times faster than an
executemany of INSERTs there; other databases (SQLite) get one DB-API executemany per batch. The rows
must already be in driver types (`to_driver`). Row triggers fire for COPY as for INSERT,
so the audit log's guards apply unchanged.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from .extensions import db

BATCH = 5000  # rows per executemany: bounded memory, few round trips


def to_driver(column: sa.Column) -> Callable[[Any], Any]:
    """The column type's own conversion to what the driver takes (Enum names, SQLite's datetime text,
    JSON), or identity: convert a value once, then hand it to `insert_rows` as it is."""
    dialect = db.session.get_bind().dialect
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process or (lambda value: value)


def _copy(connection: sa.Connection, sql: str, rows: Sequence[tuple]) -> None:
    """COPY through the driver, its errors raised as SQLAlchemy's (IntegrityError for a duplicate key...), as
    an executemany would raise them: `transactions.run_atomically` retries a unique violation between two
    concurrent imports only when it sees one."""
    dbapi_error = connection.dialect.loaded_dbapi.Error
    try:
        with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    except dbapi_error as exc:
        raise sa.exc.DBAPIError.instance(sql, None, exc, dbapi_error, dialect=connection.dialect) from exc


def insert_rows(table_name: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """INSERT `rows` (tuples in `columns` order) into `table_name`, in the current transaction."""
    if not rows:
        return
    connection = db.session.connection()
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        _copy(connection, f"COPY {table_name} ({names}) FROM STDIN", rows)
        return
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table_name} ({names}) VALUES ({', '.join([mark] * len(columns))})"
    for start in range(0, len(rows), BATCH):
        connection.exec_driver_sql(sql, rows[start:start + BATCH])


def select_tuples(query: sa.Select) -> list[tuple]:
    """The rows of a Core select as the DB-API cursor returns them: plain tuples, no per-row Result work.

    Only for selects whose parameters and columns are plain integers, floats and strings (no type
    conversion either way), run after the session's last autoflush (the caller's previous ORM query). Reading a close's 45,000 KPI values
    through a Result cost more than the query itself.
    """
    connection = db.session.connection()
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return cursor.fetchall()
    finally:
        cursor.close()

"""Inserting many plain rows inside the session's transaction, below SQLAlchemy's per-row parameter handling.

PostgreSQL (psycopg 3) receives them by `COPY ... FROM STDIN`, which is several times faster than an
executemany of INSERTs there; other databases (SQLite) get one DB-API executemany per batch. The rows
must already be in driver types (see `kpis.bulk._to_driver`). Row triggers fire for COPY as for INSERT,
so the audit log's guards apply unchanged.
"""
from __future__ import annotations

from collections.abc import Sequence

from .extensions import db

BATCH = 5000  # rows per executemany: bounded memory, few round trips


def insert_rows(table_name: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """INSERT `rows` (tuples in `columns` order) into `table_name`, in the current transaction."""
    if not rows:
        return
    connection = db.session.connection()
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        with connection.connection.cursor() as cursor, cursor.copy(f"COPY {table_name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table_name} ({names}) VALUES ({', '.join([mark] * len(columns))})"
    for start in range(0, len(rows), BATCH):
        connection.exec_driver_sql(sql, rows[start:start + BATCH])

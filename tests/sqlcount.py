"""Counting the SQL statements a block of code sends (SQLAlchemy before_cursor_execute)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from benchclub.extensions import db


class StatementCount:
    """How many statements ran, and which (for the failure message)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def __str__(self) -> str:
        return f"{self.count} statements:\n" + "\n".join(s.split("\n")[0][:160] for s in self.statements)


@contextmanager
def count_statements() -> Iterator[StatementCount]:
    """Every statement sent to the database inside the block (executemany counts once)."""
    counted = StatementCount()

    def _count(conn, cursor, statement, parameters, context, executemany) -> None:
        counted.statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", _count)
    try:
        yield counted
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", _count)

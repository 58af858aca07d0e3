"""Counting the SQL statements a block of code sends (SQLAlchemy before_cursor_execute)."""
from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from benchclub.extensions import db


class StatementCount:
    """How many statements ran, and which (for the failure message)."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.origins: list[str] = []  # the innermost application frame that sent each statement

    @property
    def count(self) -> int:
        return len(self.statements)

    def __str__(self) -> str:
        return f"{self.count} statements:\n" + "\n".join(s.split("\n")[0][:110] + f"  <- {w}"
                                                          for s, w in zip(self.statements, self.origins, strict=True))


def _origin() -> str:
    """file:line of the innermost frame in benchclub/ or templates/ (where to look for an N+1)."""
    for frame in reversed(traceback.extract_stack()):
        if ("/benchclub/" in frame.filename or "/templates/" in frame.filename) and "sqlcount" not in frame.filename:
            return f"{frame.filename.rsplit('/', 2)[-2]}/{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
    return "?"


@contextmanager
def count_statements() -> Iterator[StatementCount]:
    """Every statement sent to the database inside the block (executemany counts once)."""
    counted = StatementCount()

    def _count(conn, cursor, statement, parameters, context, executemany) -> None:
        counted.statements.append(statement)
        counted.origins.append(_origin())

    sa.event.listen(db.engine, "before_cursor_execute", _count)
    try:
        yield counted
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", _count)

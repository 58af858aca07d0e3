"""One unit of work, committed whole or retried whole when another transaction got in its way.

Concurrent imports and edits on PostgreSQL meet each other: a deadlock (40P01), a serialisation
failure (40001), two inserts of the same row (23505), or an optimistic-lock conflict (the row's
version changed). The work is then rolled back completely and run again from the start (it re-reads
what it depends on), up to `attempts` times; after that a clear ConflictError tells the person to try
again. Nothing is ever half-written: each attempt is one transaction.
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

from .errors import ConflictError
from .extensions import db

T = TypeVar("T")

TRANSIENT_SQLSTATES = {"40P01", "40001", "23505", "55P03"}
DEFAULT_ATTEMPTS = 8


def is_transient(exc: BaseException) -> bool:
    """A database error that a fresh attempt of the same work can get past."""
    if isinstance(exc, ConflictError):
        return True
    if not isinstance(exc, sa.exc.DBAPIError):
        return False
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in TRANSIENT_SQLSTATES:
        return True
    text = str(orig).lower()
    return "database is locked" in text or "unique constraint failed" in text


def is_unique_violation(exc: BaseException) -> bool:
    """Two transactions inserted the same row at the same moment."""
    if not isinstance(exc, sa.exc.IntegrityError):
        return False
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return state == "23505" or "unique constraint failed" in str(exc.orig).lower()


def run_atomically(work: Callable[[], T], *, attempts: int = DEFAULT_ATTEMPTS) -> T:
    """Run `work` and commit; on a transient conflict roll back and run it again; never commit part of it."""
    for attempt in range(1, attempts + 1):
        try:
            result = work()
            db.session.commit()
            return result
        except Exception as exc:
            db.session.rollback()
            if not is_transient(exc):
                raise
            if attempt == attempts:
                raise ConflictError("Other changes to the same records kept getting in the way; nothing was "
                                    "written. Try again in a moment.") from None
            time.sleep(random.uniform(0.02, 0.05) * 2 ** min(attempt, 5))
    raise AssertionError("unreachable")

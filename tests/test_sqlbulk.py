"""benchclub.sqlbulk: plain rows in and out, with the database's errors raised the way SQLAlchemy raises them
(COPY on PostgreSQL too), so `transactions.run_atomically` recognises a duplicate key from a concurrent import."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from benchclub import sqlbulk
from benchclub.transactions import is_transient, is_unique_violation

COLUMNS = ("code", "name")
TABLE = "bulk_probe"
probe = sa.table(TABLE, sa.column("code"), sa.column("name"))


@pytest.fixture()
def scratch(db):
    """A scratch table with a primary key, on the test's own connection (gone with it)."""
    db.session.execute(sa.text(f"CREATE TEMPORARY TABLE {TABLE} (code VARCHAR(10) PRIMARY KEY, name VARCHAR(40))"))
    return db


def _rows(*codes: str) -> list[tuple]:
    return [(code, f"{code} bulk test") for code in codes]


def test_rows_go_in_and_come_back_as_tuples(scratch):
    sqlbulk.insert_rows(TABLE, COLUMNS, _rows("B1", "B2"))
    rows = sqlbulk.select_tuples(sa.select(probe.c.code, probe.c.name).where(probe.c.code != "x").order_by(probe.c.code))
    assert rows == [("B1", "B1 bulk test"), ("B2", "B2 bulk test")]


def test_a_duplicate_key_is_an_integrity_error_that_a_retry_recognises(scratch):
    sqlbulk.insert_rows(TABLE, COLUMNS, _rows("B3"))
    with pytest.raises(sa.exc.IntegrityError) as raised:
        sqlbulk.insert_rows(TABLE, COLUMNS, _rows("B4", "B3"))
    assert is_unique_violation(raised.value) and is_transient(raised.value)


def test_nothing_to_insert_touches_nothing(scratch):
    sqlbulk.insert_rows(TABLE, COLUMNS, [])
    assert scratch.session.scalar(sa.select(sa.func.count()).select_from(probe)) == 0

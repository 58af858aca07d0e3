"""Issue 10, audit: the log cannot be changed through the application, nor on PostgreSQL by plain SQL."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from benchclub.audit import AuditLogImmutableError, record
from benchclub.extensions import db
from benchclub.models import AuditEntry


@pytest.fixture()
def entry(world):
    e = record(None, "create", "test", 1, club_id=world.club.id, summary="original")
    db.session.flush()
    return e


def test_an_audit_entry_cannot_be_edited(entry):
    entry.summary = "rewritten"
    with pytest.raises(AuditLogImmutableError):
        db.session.flush()
    db.session.rollback()


def test_an_audit_entry_cannot_be_deleted(entry):
    db.session.delete(entry)
    with pytest.raises(AuditLogImmutableError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    lambda: sa.update(AuditEntry).values(summary="x"),
    lambda: sa.delete(AuditEntry),
    lambda: sa.update(AuditEntry.__table__).values(summary="x"),
    lambda: sa.delete(AuditEntry.__table__).where(AuditEntry.__table__.c.id > 0),
])
def test_bulk_updates_and_deletes_of_the_log_are_refused(entry, statement):
    with pytest.raises(AuditLogImmutableError):
        db.session.execute(statement())
    db.session.rollback()


def test_adding_entries_still_works(world):
    record(None, "view", "test", None, club_id=world.club.id, summary="appended")
    db.session.flush()
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.summary == "appended")) == 1


@pytest.mark.parametrize("sql", ["UPDATE audit_log SET summary = 'rewritten'", "DELETE FROM audit_log"])
def test_postgresql_refuses_update_and_delete_even_in_raw_sql(entry, sql):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's (migration 0004_security)")
    connection = db.session.connection()
    savepoint = connection.begin_nested()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        connection.exec_driver_sql(sql)
    savepoint.rollback()


def _postgresql_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the audit-log triggers are PostgreSQL's (migrations 0004_security, 0010_audit_truncate)")


@pytest.mark.parametrize("sql", ["TRUNCATE audit_log", "TRUNCATE audit_log RESTART IDENTITY",
                                 "TRUNCATE clubs CASCADE", "TRUNCATE users, clubs RESTART IDENTITY CASCADE"])
def test_postgresql_refuses_truncate_of_the_log_also_by_cascade(entry, sql):
    _postgresql_only()
    connection = db.session.connection()
    savepoint = connection.begin_nested()
    with pytest.raises(sa.exc.DBAPIError, match="TRUNCATE refused"):
        connection.exec_driver_sql(sql)
    savepoint.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) >= 1


def test_truncate_passes_only_in_a_transaction_that_allows_it(entry):
    """What `restore --force` and the test fixtures do (benchclub.backup.empty_all_tables); the setting is
    local to that transaction, so the next one is refused again."""
    _postgresql_only()
    from benchclub.backup import allow_audit_truncate

    connection = db.session.connection()
    allowed = connection.begin_nested()
    allow_audit_truncate(connection)
    connection.exec_driver_sql("TRUNCATE audit_log")
    assert connection.exec_driver_sql("SELECT count(*) FROM audit_log").scalar() == 0
    allowed.rollback()  # SET LOCAL ends with it
    assert connection.exec_driver_sql("SELECT count(*) FROM audit_log").scalar() >= 1
    refused = connection.begin_nested()
    with pytest.raises(sa.exc.DBAPIError, match="TRUNCATE refused"):
        connection.exec_driver_sql("TRUNCATE audit_log")
    refused.rollback()
    record(None, "view", "test", None, club_id=entry.club_id, summary="still appends")
    db.session.flush()

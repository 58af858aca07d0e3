"""Shared fixtures: app, db, client, runner, login_as and a small standard world.

The schema is built by running the Alembic migrations (not create_all), so every test run also
proves that `flask db upgrade` works from empty on the database under test.
"""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.orm import scoped_session, sessionmaker

from benchclub import create_app
from benchclub.backup import empty_all_tables
from benchclub.extensions import db as _db
from config import TestingConfig

from . import factories


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    # A file (not :memory:) so that the live server thread of the browser tests sees the same data.
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = _database_url(tmp_path_factory)

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_FOLDER = str(tmp_path_factory.mktemp("uploads"))

    app = create_app(Config)
    with app.app_context():
        if _db.engine.dialect.name == "sqlite":
            # WAL: an open read transaction in the test thread never blocks the live server's writes.
            with _db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        _drop_everything()
        upgrade()
        yield app
        _db.session.remove()


def _drop_everything() -> None:
    """Start from an empty database (a previous run may have left tables behind)."""
    engine = _db.engine
    inspector = sa.inspect(engine)
    meta = sa.MetaData()
    meta.reflect(bind=engine)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for table in inspector.get_table_names():
                conn.execute(sa.text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
        else:
            meta.drop_all(conn)


def _truncate_all() -> None:
    """Empty every table; on PostgreSQL a TRUNCATE allowed for this transaction (migration 0010_audit_truncate)."""
    with _db.engine.begin() as conn:
        empty_all_tables(conn)


def _sqlite_savepoint_support(engine) -> None:
    """pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself."""
    if engine.dialect.name != "sqlite" or getattr(engine, "_bc_savepoints", False):
        return

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")

    engine.dispose()
    engine._bc_savepoints = True


def _needs_committed_data(request) -> bool:
    """Browser tests (another thread serves the pages) and tests marked committed_db really commit."""
    return "live_server" in request.fixturenames or request.node.get_closest_marker("committed_db") is not None


@pytest.fixture()
def db(app, request):
    """The database for one test.

    By default the test runs inside a transaction that is rolled back afterwards: the session is bound
    to one connection and every commit in the code under test only releases a SAVEPOINT. That keeps
    the suite fast on PostgreSQL. Tests that need data other connections can see get real commits
    and every table emptied afterwards.
    """
    if _needs_committed_data(request):
        yield _db
        _db.session.rollback()
        _db.session.remove()
        _truncate_all()
        return
    _sqlite_savepoint_support(_db.engine)
    connection = _db.engine.connect()
    outer = connection.begin()
    original = _db.session
    _db.session = scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    try:
        yield _db
    finally:
        _db.session.remove()
        _db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture()
def client(app, db):
    return app.test_client()


@pytest.fixture()
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture()
def world(db):
    """The standard club of the access-matrix tests (see factories.build_world)."""
    w = factories.build_world()
    _db.session.commit()
    return w


@pytest.fixture()
def login_as(client, world):
    """login_as('member_a') logs the client in as one of the world's users (None = log out)."""

    def _login(who: str | None):
        client.post("/logout")
        if who is None:
            return client
        user = world.users[who]
        resp = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        assert resp.status_code == 302, f"login as {who} failed"
        return client

    return _login

"""Migration 0008_structure turns facts that were read from the audit log or created by page views into data."""
from __future__ import annotations

import os
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from benchclub import create_app
from benchclub.extensions import db
from config import TestingConfig


def _seed_0001(conn) -> dict[str, int]:
    """A club with a governor, a supplier and a period reopened twice, as data written before 0008."""
    now = datetime.now(UTC)
    club = conn.execute(sa.text(
        "INSERT INTO clubs (code, name, min_firms, min_firms_tails, exact_n_from, created_at) "
        "VALUES ('MIG', 'Migration club', 5, 10, 20, :now) RETURNING id"), {"now": now}).scalar_one()
    ids = {"club": club}
    for code, kind in (("GOV-M", "GOVERNOR"), ("SUP-M", "SUPPLIER")):
        ids[code] = conn.execute(sa.text(
            "INSERT INTO firms (club_id, code, name, kind, country, sector, active, created_at) "
            "VALUES (:club, :code, :code, :kind, 'DE', 'Parts', true, :now) RETURNING id"),
            {"club": club, "code": code, "kind": kind, "now": now}).scalar_one()
    for month in ("2025-01", "2025-02"):
        ids[month] = conn.execute(sa.text(
            "INSERT INTO periods (club_id, month, status, due_on, opened_at) "
            "VALUES (:club, :month, 'CLOSED', :due, :now) RETURNING id"),
            {"club": club, "month": month, "due": date(2025, 3, 15), "now": now}).scalar_one()
    for _ in range(2):
        conn.execute(sa.text(
            "INSERT INTO audit_log (at, club_id, action, entity, entity_id, summary, reason) "
            "VALUES (:now, :club, 'reopen', 'period', :pid, 'period reopened', 'typo')"),
            {"now": now, "club": club, "pid": ids["2025-01"]})
    return ids


def test_upgrade_backfills_reopen_counts_and_default_ladders(tmp_path):
    url = os.environ.get("MIGRATION_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'migrate.db'}"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as conn:
            ids = _seed_0001(conn)
        upgrade(revision="0008_structure")
        with db.engine.connect() as conn:
            counts = dict(conn.execute(sa.text("SELECT month, reopen_count FROM periods")).all())
            ladders = conn.execute(sa.text("SELECT governor_id, id FROM ladders")).all()
            (ladder_id,) = [lid for gid, lid in ladders if gid == ids["GOV-M"]]
            stages = conn.execute(sa.text("SELECT name FROM ladder_stages WHERE ladder_id = :l ORDER BY number"),
                                  {"l": ladder_id}).scalars().all()
            n_criteria = conn.execute(sa.text("SELECT COUNT(*) FROM ladder_criteria WHERE ladder_id = :l"),
                                      {"l": ladder_id}).scalar_one()
        assert counts == {"2025-01": 2, "2025-02": 0}
        assert [gid for gid, _ in ladders] == [ids["GOV-M"]]  # the supplier gets none
        assert stages == ["Inspected", "Self-certified", "Zero-defect", "Total quality"] and n_criteria == 13
        downgrade(revision="0001")
        downgrade(revision="base")  # leaves an empty database (MIGRATION_TEST_DATABASE_URL may be reused)
        db.engine.dispose()

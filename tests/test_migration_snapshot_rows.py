"""Migration 0011_snapshot_firm_rows: one snapshot_firms row per (snapshot, KPI, firm), converted both ways."""
from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from benchclub import create_app
from benchclub.extensions import db
from config import TestingConfig

# firm code -> its groups (as publication writes them) and its (value, rank per group) of two KPIs
GROUPS = {"S1": ["all", "sector:Parts", "size:small", "tier:1", "country:DE"],
          "S2": ["all", "sector:Parts", "country:DE"],
          "S3": ["all", "sector:Wiring harnesses", "size:large", "country:FR"]}
OLD_COLUMNS = "snapshot_id, kpi_code, group_key, firm_id, value, percentile_rank"


def _seed_0010(conn) -> tuple[int, dict[str, int], set[tuple]]:
    """A club, three suppliers and one published snapshot, as data written before 0011."""
    now = datetime.now(UTC)
    club = conn.execute(sa.text(
        "INSERT INTO clubs (code, name, min_firms, min_firms_tails, exact_n_from, created_at) "
        "VALUES ('MIG', 'Migration club', 5, 10, 20, :now) RETURNING id"), {"now": now}).scalar_one()
    firms = {code: conn.execute(sa.text(
        "INSERT INTO firms (club_id, code, name, kind, country, sector, active, created_at) "
        "VALUES (:club, :code, :code, 'SUPPLIER', 'DE', 'Parts', true, :now) RETURNING id"),
        {"club": club, "code": code, "now": now}).scalar_one() for code in GROUPS}
    period = conn.execute(sa.text(
        "INSERT INTO periods (club_id, month, status, due_on, opened_at) "
        "VALUES (:club, '2025-01', 'CLOSED', :due, :now) RETURNING id"),
        {"club": club, "due": date(2025, 2, 15), "now": now}).scalar_one()
    frozen = {"groups": {str(firms[c]): g for c, g in GROUPS.items()}, "active": sorted(firms.values()),
              "edges": {}, "higher": {}, "standards": [], "certs": {}, "released": ["n|otd_pct|all"]}
    snapshot = conn.execute(sa.text(
        "INSERT INTO snapshots (club_id, period_id, revision, is_current, published_at, frozen) "
        "VALUES (:club, :period, 1, true, :now, :frozen) RETURNING id"),
        {"club": club, "period": period, "now": now, "frozen": json.dumps(frozen)}).scalar_one()
    rows = set()
    for k, code in enumerate(("otd_pct", "ppm")):
        for i, (firm, groups) in enumerate(GROUPS.items()):
            for j, group in enumerate(groups):
                rank = None if group == "size:large" else 10 * i + j + k
                rows.add((snapshot, code, group, firms[firm], 90.5 + i + k, rank))
    conn.execute(sa.text(f"INSERT INTO snapshot_firms ({OLD_COLUMNS}) VALUES "
                         "(:s, :k, :g, :f, :v, :r)"),
                 [dict(zip("skgfvr", row, strict=True)) for row in rows])
    return snapshot, firms, rows


def _wide_rows(conn) -> dict[tuple[str, int], tuple]:
    return {(r.kpi_code, r.firm_id): r for r in conn.execute(sa.text(
        "SELECT kpi_code, firm_id, value, rank_all, sector, rank_sector, size, rank_size, tier, rank_tier, "
        "country, rank_country FROM snapshot_firms"))}


def test_snapshot_firm_rows_are_pivoted_and_back(tmp_path):
    url = os.environ.get("MIGRATION_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'migrate.db'}"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    with app.app_context():
        upgrade(revision="0010_audit_truncate")
        with db.engine.begin() as conn:
            snapshot, firms, old_rows = _seed_0010(conn)
        upgrade(revision="0011_snapshot_firm_rows")
        with db.engine.begin() as conn:
            wide = _wide_rows(conn)
            assert len(wide) == 6  # 3 firms x 2 KPIs instead of 22 group rows
            s1, s3 = wide[("ppm", firms["S1"])], wide[("otd_pct", firms["S3"])]
            assert tuple(s1) == ("ppm", firms["S1"], 91.5, 1, "Parts", 2, "small", 3, "1", 4, "DE", 5)
            assert tuple(s3) == ("otd_pct", firms["S3"], 92.5, 20, "Wiring harnesses", 21, "large", None, None,
                                 None, "FR", 23)
            assert wide[("otd_pct", firms["S2"])].size is None and wide[("otd_pct", firms["S2"])].rank_country == 12
            # a snapshot published after 0011 keeps its groups in the compact format
            compact = {"group_sets": [GROUPS["S1"], GROUPS["S2"], GROUPS["S3"]],
                       "group_firms": [firms["S1"], firms["S2"], firms["S3"]], "group_of": [0, 1, 2],
                       "active": [], "edges": {}, "higher": {}, "standards": [], "certs": {}, "released": []}
            conn.execute(sa.text("UPDATE snapshots SET frozen = :f WHERE id = :id"),
                         {"f": json.dumps(compact), "id": snapshot})
        downgrade(revision="0010_audit_truncate")
        with db.engine.connect() as conn:
            back = set(map(tuple, conn.execute(sa.text(f"SELECT {OLD_COLUMNS} FROM snapshot_firms"))))
            frozen = conn.execute(sa.text("SELECT frozen FROM snapshots")).scalar_one()
        assert back == old_rows
        frozen = json.loads(frozen) if isinstance(frozen, str) else frozen
        assert frozen["groups"] == {str(firms[c]): g for c, g in GROUPS.items()} and "group_sets" not in frozen
        upgrade()
        with db.engine.connect() as conn:
            assert _wide_rows(conn) == wide
        downgrade(revision="base")  # leaves an empty database (MIGRATION_TEST_DATABASE_URL may be reused)
        db.engine.dispose()

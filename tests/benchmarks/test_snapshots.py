"""Closing a period publishes a frozen snapshot; reopening and closing again republishes it."""
import sqlalchemy as sa

from benchclub.benchmarks import stats
from benchclub.benchmarks.disclosure import plan_release
from benchclub.benchmarks.queries import identified_rows
from benchclub.benchmarks.snapshots import publish_snapshot, snapshot_facts
from benchclub.extensions import db
from benchclub.models import AuditEntry, KpiValue, Snapshot, SnapshotCertShare, SnapshotFirm, SnapshotStat
from benchclub.periods.services import close_period, open_period, reopen_period

from .helpers import add_value, build_bench_club


def _stat(snapshot_id, kpi="otd_pct", group="all"):
    return db.session.scalar(sa.select(SnapshotStat).where(
        SnapshotStat.snapshot_id == snapshot_id, SnapshotStat.kpi_code == kpi, SnapshotStat.group_key == group))


def test_closing_a_period_publishes_aggregates_of_self_reported_values(db):
    bc = build_bench_club(12, kpi_codes=("otd_pct",), close=False)
    period = bc.periods["2025-01"]
    # A governor's own measurement, a nil return and a governor firm's value must all be left out.
    add_value(bc.suppliers[0], bc.kpis["otd_pct"], period, 1.5, source=bc.governor)
    nil_firm = bc.suppliers[11]
    db.session.execute(sa.delete(KpiValue).where(KpiValue.firm_id == nil_firm.id))
    add_value(nil_firm, bc.kpis["otd_pct"], period, None)
    add_value(bc.governor, bc.kpis["otd_pct"], period, 2.5)
    close_period(bc.club, "2025-01")
    db.session.commit()
    snapshot = db.session.scalar(sa.select(Snapshot).where(Snapshot.period_id == period.id))
    expected = [v for (_, _, f), v in bc.values.items() if f != nil_firm.id]
    row = _stat(snapshot.id)
    assert row.n == 11
    assert row.p50 == stats.percentile(expected, 0.5) and row.mean == stats.mean(expected)
    assert sum(b["count"] for b in row.histogram) == 11
    assert all(b["count"] == 0 or b["count"] >= 3 for b in row.histogram)
    ranks = db.session.scalars(sa.select(SnapshotFirm.rank_all).where(SnapshotFirm.snapshot_id == snapshot.id)).all()
    assert len(ranks) == 11 and all(0 <= r <= 100 for r in ranks)
    assert db.session.scalar(sa.select(sa.func.count(SnapshotCertShare.id)).where(
        SnapshotCertShare.snapshot_id == snapshot.id)) > 0


def test_reopening_and_closing_again_republishes_and_logs_it(db):
    bc = build_bench_club(12, kpi_codes=("otd_pct",))
    firm = bc.suppliers[3]
    first = db.session.scalar(sa.select(Snapshot).where(Snapshot.is_current.is_(True)))
    before = _stat(first.id).mean
    reopen_period(bc.club, "2025-01", "late correction")
    value = db.session.scalar(sa.select(KpiValue).where(KpiValue.firm_id == firm.id))
    value.value = 99.9
    close_period(bc.club, "2025-01")
    db.session.commit()
    snaps = db.session.scalars(sa.select(Snapshot).order_by(Snapshot.revision)).all()
    assert [(s.revision, s.is_current) for s in snaps] == [(1, False), (2, True)]
    assert _stat(snaps[1].id).mean != before and _stat(snaps[0].id).mean == before
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.entity == "snapshot")).all()
    assert actions == ["publish", "republish"]


def test_groups_cover_sector_size_tier_and_country(db):
    bc = build_bench_club(12, kpi_codes=("otd_pct",), close=False)
    snapshot = publish_snapshot(bc.periods["2025-01"])
    keys = set(db.session.scalars(sa.select(SnapshotStat.group_key).where(SnapshotStat.snapshot_id == snapshot.id)))
    assert keys == {"all", "sector:Castings", "size:small", "tier:1", "country:ZA"}
    # tier:1 holds only the 3 linked suppliers and is withheld from members at publication.
    assert _stat(snapshot.id, group="tier:1").withheld is not None


def test_one_firm_row_per_kpi_holds_the_firm_s_groups_and_its_rank_in_each(db):
    bc = build_bench_club(12, kpi_codes=("otd_pct",), close=False)
    snapshot = publish_snapshot(bc.periods["2025-01"])
    facts, _ = snapshot_facts(snapshot)
    plan = plan_release(facts, bc.club)
    rows = db.session.scalars(sa.select(SnapshotFirm).where(SnapshotFirm.snapshot_id == snapshot.id)).all()
    assert len(rows) == 12 and len({r.firm_id for r in rows}) == 12
    linked = 0
    for row in rows:
        ranks = SnapshotFirm.group_ranks(row)
        assert [g for g, _ in ranks] == list(facts.groups_of[row.firm_id])
        assert ranks == [(g, plan.stats[("otd_pct", g)].ranks[row.firm_id]) for g, _ in ranks]
        linked += row.tier is not None
    assert linked == 3
    tier_rows = identified_rows(snapshot.id, "tier:1")["otd_pct"]
    assert sorted(r.firm_id for r in tier_rows) == sorted(plan.stats[("otd_pct", "tier:1")].firm_ids)
    assert all(r.group_key == "tier:1" and r.percentile_rank == plan.stats[("otd_pct", "tier:1")].ranks[r.firm_id]
               for r in tier_rows)
    # a key of no known dimension (typed into a URL) places no firm, as before
    assert identified_rows(snapshot.id, "bogus") == {} and identified_rows(snapshot.id, "all:x") == {}
    assert identified_rows(snapshot.id, "sector:Nope") == {} and identified_rows(snapshot.id, "all:") == {}
    assert identified_rows(snapshot.id, "sector") == {}


def test_snapshot_facts_read_the_compact_and_the_older_frozen_format(db):
    bc = build_bench_club(12, kpi_codes=("otd_pct",), close=False)
    snapshot = publish_snapshot(bc.periods["2025-01"])
    compact, released = snapshot_facts(snapshot)
    assert "groups" not in snapshot.frozen and len(snapshot.frozen["group_sets"]) < 12
    older = {k: v for k, v in snapshot.frozen.items() if not k.startswith("group_")}
    older["groups"] = {str(f): list(g) for f, g in compact.groups_of.items()}
    snapshot.frozen = older
    db.session.flush()
    assert snapshot_facts(snapshot) == (compact, released)
    assert set(compact.groups_of) == {f.id for f in bc.suppliers} and compact.values["otd_pct"]


def test_a_period_with_no_values_publishes_an_empty_snapshot(db):
    bc = build_bench_club(5, kpi_codes=("otd_pct",), months=())
    open_period(bc.club, "2025-03")
    close_period(bc.club, "2025-03")
    assert db.session.scalar(sa.select(sa.func.count(SnapshotStat.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Snapshot.id))) == 1


def test_reopened_is_a_fact_of_the_period_not_of_the_audit_log(db):
    from benchclub.events import period_closed

    bc = build_bench_club(12, kpi_codes=("otd_pct",))
    seen: list[bool] = []

    def remember(period, reopened=False, **_):
        seen.append(reopened)

    period = reopen_period(bc.club, "2025-01", "late correction")
    assert period.reopen_count == 1
    reads_of_the_log: list[str] = []

    def watch(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT") and "audit_log" in statement:
            reads_of_the_log.append(statement)

    # The audit log is append-only, so instead of deleting it the test shows closing never reads it.
    sa.event.listen(db.engine, "before_cursor_execute", watch)
    try:
        with period_closed.connected_to(remember):
            close_period(bc.club, "2025-01")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", watch)
    assert seen == [True]
    assert reads_of_the_log == []
    snaps = db.session.scalars(sa.select(Snapshot).order_by(Snapshot.revision)).all()
    assert [s.revision for s in snaps] == [1, 2]

"""Issue 10, concurrency: a second editor gets a conflict; twenty parallel imports are each all-or-nothing.

These tests really commit (committed_db) and run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL,
where parallel imports meet row locks, deadlocks and concurrent inserts of the same row.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from benchclub.errors import ConflictError
from benchclub.extensions import db
from benchclub.kpis import imports
from benchclub.kpis.services import find_values, upsert_value
from benchclub.kpis.validation import check_value
from benchclub.models import AuditEntry, Firm, KpiDefinition, KpiValue, Period
from benchclub.transactions import run_atomically
from tests.factories import add_value

pytestmark = pytest.mark.committed_db

PARALLEL = 20


@pytest.fixture()
def postgres(app):
    """Threads racing on one database: PostgreSQL's row locks (SQLite's single file lock serialises writers)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL on PostgreSQL (make test runs it there)")


def test_two_editors_of_the_same_form_the_second_is_told_and_nothing_is_overwritten(app, world):
    add_value(world, "A", "otd_pct", "2025-02", 90)
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        client.post("/login", data={"email": "a@alpha.test", "password": "correct-horse-battery"})
        assert 'name="version-otd_pct" value="1"' in client.get("/kpis/month/2025-02").text
    assert first.post("/kpis/month/2025-02", data={"value-otd_pct": "91", "version-otd_pct": "1"}).status_code == 302
    resp = second.post("/kpis/month/2025-02", data={"value-otd_pct": "92", "version-otd_pct": "1"},
                       follow_redirects=True)
    assert "changed by someone else" in resp.text
    db.session.expire_all()
    assert db.session.scalar(sa.select(KpiValue.value)) == 91.0


def _kpis(club_id: int) -> list[KpiDefinition]:
    return list(db.session.scalars(sa.select(KpiDefinition).where(KpiDefinition.club_id == club_id)
                                   .order_by(KpiDefinition.id)))


def test_the_second_of_two_racing_saves_gets_a_conflict_not_a_silent_overwrite(app, world, postgres):
    value = add_value(world, "A", "otd_pct", "2025-02", 90)
    db.session.commit()
    value_id, firm_id, kpi_id = value.id, value.firm_id, value.kpi_id
    read_both = threading.Barrier(2)
    first_saved = threading.Event()
    outcome: dict[str, str] = {}

    def editor(name: str, new: float) -> None:
        with app.app_context():
            try:
                firm, kpi = db.session.get(Firm, firm_id), db.session.get(KpiDefinition, kpi_id)
                period = db.session.scalar(sa.select(Period).where(Period.club_id == firm.club_id,
                                                                   Period.month == "2025-02"))
                current = find_values(firm, period, firm)[kpi.id]
                seen = current.version  # both read version 1 before either saves
                read_both.wait(timeout=10)
                if name == "second":
                    first_saved.wait(timeout=10)
                upsert_value(firm, kpi, period, firm, check_value(kpi, new, comment=name), actor=None,
                             expected_version=seen, current=current)
                db.session.commit()
                outcome[name] = "saved"
            except ConflictError as exc:
                db.session.rollback()
                outcome[name] = f"conflict: {exc}"
            finally:
                if name == "first":
                    first_saved.set()
                db.session.remove()

    threads = [threading.Thread(target=editor, args=("first", 91.0)), threading.Thread(target=editor,
                                                                                         args=("second", 92.0))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert outcome["first"] == "saved"
    assert outcome["second"].startswith("conflict:") and "changed by someone else" in outcome["second"]
    db.session.expire_all()
    stored = db.session.get(KpiValue, value_id)
    assert (stored.value, stored.version) == (91.0, 2)


def _csv(rows: list[tuple[str, str, str, float]], tag: str) -> bytes:
    lines = ["firm,period,kpi,value,source,comment"]
    lines += [f"{firm},{month},{kpi},{value!r},,import {tag}" for firm, month, kpi, value in rows]
    return ("\n".join(lines) + "\n").encode()


def _slots(world) -> list[tuple[str, str, str, float]]:
    """Every (firm, month, KPI) the world's suppliers can report, with a value inside the soft range."""
    slots = []
    for kpi in _kpis(world.club.id):
        middle = (kpi.soft_min + kpi.soft_max) / 2
        for firm in ("SUP-A", "SUP-B"):
            for month in ("2025-01", "2025-02"):
                slots.append((firm, month, kpi.code, middle))
    return slots


def test_twenty_parallel_imports_are_each_all_or_nothing_and_lose_no_row(app, world, postgres):
    slots = _slots(world)
    assert len(slots) >= 4 + PARALLEL
    shared, own = slots[:4], slots[4:4 + PARALLEL]
    files = []
    for i in range(PARALLEL):
        rows = [(f, m, k, round(v + i * 0.01, 2)) for f, m, k, v in shared]
        rows = rows[::-1] if i % 2 else rows  # opposite orders: on PostgreSQL this provokes deadlocks
        f, m, k, v = own[i]
        files.append(_csv(rows + [(f, m, k, round(v + i * 0.01, 2))], str(i)))
    start = threading.Barrier(PARALLEL)

    def one_import(i: int) -> str:
        with app.app_context():
            try:
                start.wait(timeout=30)
                plan = run_atomically(lambda: imports.plan_and_apply(files[i], actor=None, limit=10**6))
                return "ok" if plan.ok else f"refused: {plan.errors}"
            except ConflictError as exc:
                return f"conflict: {exc}"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(PARALLEL) as pool:
        results = list(pool.map(one_import, range(PARALLEL)))
    assert all(r == "ok" or r.startswith("conflict:") for r in results), results
    done = [i for i, r in enumerate(results) if r == "ok"]
    assert len(done) >= PARALLEL // 2, results

    db.session.expire_all()
    stored = {(v.firm.code, v.period.month, v.kpi.code): (v.value, v.comment)
              for v in db.session.scalars(sa.select(KpiValue))}
    # No row lost and none half-written: each finished import's own row is there, nobody else's.
    for i, (f, m, k, v) in enumerate(own):
        if i in done:
            assert stored[(f, m, k)] == (round(v + i * 0.01, 2), f"import {i}")
        else:
            assert (f, m, k) not in stored
    # The shared rows all come from one import (the last to commit): never a mix of two files.
    writers = {stored[(f, m, k)][1] for f, m, k, _ in shared}
    assert len(writers) == 1 and int(writers.pop().split()[-1]) in done
    assert len(stored) == len(shared) + len(done)
    created = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.entity == "kpi_value",
                                                                            AuditEntry.action == "create"))
    assert created == len(stored)  # every row written once as 'create', later imports 'update' it

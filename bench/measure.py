"""In-process measurements: import, closing periods, ladder evaluation, page timings."""
from __future__ import annotations

import csv
import io
import statistics
import time
from collections.abc import Callable

import sqlalchemy as sa

from .data import PASSWORD, Programme


def percentile(times: list[float], q: float) -> float:
    """Nearest-rank percentile of a sample."""
    ordered = sorted(times)
    return ordered[max(0, min(len(ordered) - 1, int(round(q * len(ordered))) - 1))]


def load() -> str:
    """The 1-minute load average beside each figure (other people share the cores)."""
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def raw_limit(data: bytes, repeat: int = 1) -> float:
    """Rows/s of csv parsing + one executemany of the same rows into a scratch table (no checks at all);
    best of `repeat` runs."""
    return max(_raw_limit_once(data) for _ in range(repeat))


def _raw_limit_once(data: bytes) -> float:
    from benchclub.extensions import db

    meta = sa.MetaData()
    scratch = sa.Table("bench_raw_values", meta, sa.Column("id", sa.Integer, primary_key=True),
                       *(sa.Column(c, sa.String(40)) for c in ("firm", "period", "kpi", "source")),
                       sa.Column("value", sa.Float), sa.Column("comment", sa.Text))
    meta.create_all(db.engine)
    try:
        started = time.perf_counter()
        reader = csv.reader(io.StringIO(data.decode()))
        next(reader)
        rows = [dict(firm=r[0], period=r[1], kpi=r[2], value=float(r[3]), source=r[4], comment=r[5]) for r in reader]
        db.session.execute(scratch.insert(), rows)
        db.session.commit()
        return len(rows) / (time.perf_counter() - started)
    finally:
        db.session.rollback()
        meta.drop_all(db.engine)


def time_import(data: bytes, profile: str | None = None, repeat: int = 1) -> tuple[int, float]:
    """Rows and seconds of `kpis import` through the real service (validation, audit, one transaction,
    commit included); best of `repeat` runs, the imported values and month submissions being deleted
    (and committed) between runs so that each writes the same new rows (the audit log is append-only:
    its entries stay, so a later run inserts into a slightly larger log; that only slows it). With
    `profile`, a cProfile of the last run is written there (its time then includes the profiler)."""
    from benchclub.extensions import db
    from benchclub.kpis.imports import import_csv
    from benchclub.models import KpiValue, MonthSubmission

    best, rows = float("inf"), 0
    for attempt in range(repeat):
        mark = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(KpiValue.id), 0)))
        profiler = None
        if profile and attempt == repeat - 1:
            import cProfile
            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        plan = import_csv(data, actor=None, limit=len(data) + 1)
        db.session.commit()
        seconds = time.perf_counter() - started
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        best, rows = min(best, seconds), len(plan.rows)
        if attempt < repeat - 1:
            _forget_import(db, KpiValue, MonthSubmission, mark)
    return rows, best


def _forget_import(db, value_model, submission_model, mark: int) -> None:
    """Delete the values (and month submissions) the previous timed import wrote: ids above `mark`."""
    new_values = sa.select(value_model.period_id).where(value_model.id > mark).distinct()
    periods = list(db.session.scalars(new_values))
    db.session.execute(sa.delete(submission_model).where(submission_model.period_id.in_(periods)))
    db.session.execute(sa.delete(value_model).where(value_model.id > mark))
    db.session.commit()


def time_closes(prog: Programme) -> dict[str, tuple[float, float]]:
    """Close the import month of the big club, then of every other club; (wall, CPU) seconds each.

    The CPU seconds of this process (database work inside SQLite included, a PostgreSQL server's not)
    are the steadier figure when other work shares the cores.
    """
    from benchclub.extensions import db
    from benchclub.models import Club
    from benchclub.periods.services import close_period

    times = {}
    for club_id in [prog.big_club_id] + [c for c in prog.club_ids if c != prog.big_club_id]:
        club = db.session.get(Club, club_id)
        started, cpu = time.perf_counter(), time.process_time()
        close_period(club, prog.import_month)
        db.session.commit()
        times[club.code] = (time.perf_counter() - started, time.process_time() - cpu)
    return times


def time_ladder(prog: Programme, repeat: int = 3) -> tuple[int, float]:
    """Evaluate (and store, then roll back) the big governor's suppliers; best of `repeat` seconds."""
    from benchclub.extensions import db
    from benchclub.ladder.evaluation import evaluate_governor
    from benchclub.models import Firm

    best, count = float("inf"), 0
    for _ in range(repeat):
        gov = db.session.get(Firm, prog.big_governor_id)
        started = time.perf_counter()
        count = len(evaluate_governor(gov, prog.import_month))
        best = min(best, time.perf_counter() - started)
        db.session.rollback()
    return count, best


def logged_in_client(app, email: str):
    """A test client holding a session of the bench user."""
    client = app.test_client()
    resp = client.post("/login", data={"email": email, "password": PASSWORD})
    assert resp.status_code == 302, f"bench login of {email} failed ({resp.status_code})"
    return client


def time_page(client, url: str, requests: int, headers: dict[str, str] | None = None) -> dict[str, float]:
    """Median and p95 milliseconds of GET url after one warm-up request."""
    first = client.get(url, headers=headers or {})
    assert first.status_code == 200, f"{url}: {first.status_code}"
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        resp = client.get(url, headers=headers or {})
        times.append(time.perf_counter() - started)
        assert resp.status_code in (200, 304), f"{url}: {resp.status_code}"
    return {"median_ms": statistics.median(times) * 1000, "p95_ms": percentile(times, 0.95) * 1000,
            "load": float(load())}


def timed(step: Callable[[], object]) -> tuple[object, float]:
    """Run a step, return its result and seconds."""
    started = time.perf_counter()
    result = step()
    return result, time.perf_counter() - started

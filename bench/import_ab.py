"""Before/after of the KPI import on one machine: `python bench/import_ab.py REPO MONTHS RUNS`.

REPO is a checkout of BenchClub (this one, or `git worktree add --detach /tmp/base <commit>`); the
script puts REPO first on the path, builds the bench programme (5,000 firms, 50 clubs, MONTHS months)
in a temporary SQLite file (or the empty BENCH_DATABASE_URL, emptied again after), then RUNS times:
the raw csv + executemany limit, `import_csv` of the 45,000-row month + commit, and deletes those
values again. Each line gives both figures and the load, so two checkouts run back to back compare
under the same load.
"""
import os
import sys
import tempfile
import time


def main(repo: str, months: int, runs: int) -> None:
    """Build, then time the raw limit and the import `runs` times."""
    sys.path.insert(0, repo)
    os.chdir(repo)
    import sqlalchemy as sa

    from bench import data, measure, run

    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/b.db"
    app = run.make_app(url)
    with app.app_context():
        from benchclub.extensions import db
        from benchclub.kpis.imports import import_csv

        db.create_all()
        try:
            size = data.Size(firms=5000, clubs=50, months=months, governor_suppliers=1000, history_closes=2)
            payload = data.import_csv_bytes(data.build(size, lambda message: None))
            for _ in range(runs):
                raw = measure.raw_limit(payload)
                mark = db.session.scalar(sa.text("select coalesce(max(id), 0) from kpi_values"))
                started = time.perf_counter()
                plan = import_csv(payload, actor=None, limit=len(payload) + 1)
                db.session.commit()
                seconds = time.perf_counter() - started
                print(f"{repo}: import {len(plan.rows) / seconds:,.0f} rows/s ({seconds:.2f} s), raw {raw:,.0f} rows/s, "
                      f"load {os.getloadavg()[0]:.2f}", flush=True)
                db.session.execute(sa.text("delete from month_submissions where period_id in (select distinct "
                                           "period_id from kpi_values where id > :m)"), {"m": mark})
                db.session.execute(sa.text("delete from kpi_values where id > :m"), {"m": mark})
                db.session.commit()
        finally:
            db.session.remove()
            if os.environ.get("BENCH_DATABASE_URL"):
                db.drop_all()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))

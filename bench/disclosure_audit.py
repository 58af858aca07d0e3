"""Time the release audit at publication on a synthetic 5,000-firm club (issue 8, item 7).

    .venv/bin/python bench/disclosure_audit.py            # pure, in memory: plan_release alone
    .venv/bin/python bench/disclosure_audit.py --db       # plus closing one period in a throw-away SQLite db

The pure part builds PeriodFacts like a publication does (9 KPIs, 8 sectors x 4 size bands x 8
countries x 5 tiers, 7 standards) and runs the whole audit for members and for one governor that
knows 200 consenting suppliers. The --db part builds the club with the benchmark module's helpers,
opens one month, inserts every value and times `close_period` (snapshot publication with the audit,
and the other period-close subscribers).
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SECTORS = ("Castings", "Plastics", "Machining", "Electronics", "Wiring", "Rubber", "Stampings", "Fasteners")
COUNTRIES = ("ZA", "IN", "MY", "TH", "BR", "MX", "PL", "TR")
SIZES = (8, 30, 120, 400)
STANDARDS = ("ISO 9001", "IATF 16949", "ISO 14001", "ISO 45001", "SA8000", "FSSC 22000 / HACCP", "VDA 6.3")


def synthetic_facts(firms: int, seed: int = 2024):
    """PeriodFacts of a big club, built the way `snapshots.period_facts` builds them."""
    from benchclub.benchmarks.disclosure import PeriodFacts
    from benchclub.benchmarks.snapshots import group_keys_for
    from benchclub.clubs.catalogue import default_catalogue

    rng = random.Random(seed)
    kpis = default_catalogue()
    groups = {i: tuple(group_keys_for(rng.choice(SECTORS), rng.choice(COUNTRIES), rng.choice(SIZES),
                                      rng.choice((None, 1, 2, 3, 4)))) for i in range(firms)}
    values = {}
    for k in kpis:
        lo, hi = k["soft_min"], k["soft_max"]
        values[k["code"]] = {i: round(min(max(rng.gauss((lo + hi) / 2, (hi - lo) * 0.15), k["hard_min"]),
                                          k["hard_max"]), 3) for i in range(firms) if rng.random() > 0.05}
    certs = {s: frozenset(i for i in range(firms) if rng.random() < 0.3) for s in STANDARDS}
    return PeriodFacts(groups, frozenset(groups), values,
                       {k["code"]: tuple(k["bin_edges"]) for k in kpis},
                       {k["code"]: k["direction"] == "higher" for k in kpis}, certs, STANDARDS)


def time_pure(firms: int, profile: bool, audit_only: int = 0) -> None:
    from benchclub.benchmarks.disclosure import Thresholds, plan_release

    facts = synthetic_facts(firms)
    t = Thresholds()
    known = frozenset(range(0, firms, max(3, firms // 200)))
    for label, kwargs in (("members", {}), ("one governor (200 known firms)", {"known": known, "governor": True})):
        prof = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if prof:
            prof.enable()
        plan = plan_release(facts, t, **kwargs)
        if prof:
            prof.disable()
        took = time.perf_counter() - started
        print(f"plan_release for {label}: {took:.3f} s; {len(plan.stats)} KPI-group figures, "
              f"{len(plan.shares)} certificate shares, {len(plan.withheld)} withheld")
        if audit_only:
            from benchclub.benchmarks.audit import audit
            from benchclub.benchmarks.plan import all_figures

            figures, probes = all_figures(facts.without(kwargs.get("known", frozenset())), t)
            best, stats = None, {}
            for _ in range(audit_only):
                started = time.perf_counter()
                withheld = audit(figures, t.min_firms, probes, stats=stats)
                took = time.perf_counter() - started
                best = took if best is None else min(best, took)
            print(f"  audit() alone: best of {audit_only}: {best:.3f} s; {len(figures)} figures in "
                  f"{stats['systems']} systems, {len(withheld)} withheld in {stats['rounds']} rounds, "
                  f"{stats['steps']:,} steps; exact in {stats['systems'] - len(stats['fallback'])}, "
                  f"fallback in {len(stats['fallback'])}{': ' + ', '.join(stats['fallback']) if stats['fallback'] else ''}")
        if prof:
            pstats.Stats(prof).sort_stats("cumulative").print_stats(12)


def time_db(firms: int) -> None:
    from benchclub.benchmarks.bench import _build_firms, _insert_values

    from benchclub import create_app
    from benchclub.clubs.services import create_club, list_kpis
    from benchclub.extensions import db
    from benchclub.kpis.periods import close_period, open_period
    from config import TestingConfig

    with tempfile.TemporaryDirectory() as tmp:
        class BenchConfig(TestingConfig):
            SQLALCHEMY_DATABASE_URI = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.db'}"

        app = create_app(BenchConfig)
        with app.app_context():
            db.drop_all()
            db.create_all()
            rng = random.Random(2024)
            club = create_club("BENCH", "Benchmark club")
            firm_ids = _build_firms(club, firms, rng)
            kpis = list_kpis(club)
            period = open_period(club, "2025-01")
            _insert_values(club, period, firm_ids, kpis, rng, 0)
            db.session.commit()
            started = time.perf_counter()
            close_period(club, "2025-01")
            db.session.commit()
            print(f"close_period of one month, {firms} firms x 9 KPIs ({db.engine.dialect.name}): "
                  f"{time.perf_counter() - started:.2f} s")
            db.session.remove()
            db.drop_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--firms", type=int, default=5000)
    parser.add_argument("--db", action="store_true", help="also time closing one period in a throw-away database")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--audit-only", type=int, default=0, metavar="N",
                        help="also time audit() alone on the same figures, best of N runs, with exact/fallback counts")
    parser.add_argument("--budget", type=int, default=None,
                        help="the audit's search budget in steps (default: audit.DEFAULT_BUDGET)")
    args = parser.parse_args()
    if args.budget is not None:
        from benchclub.benchmarks import audit

        audit.DEFAULT_BUDGET = args.budget
    time_pure(args.firms, args.profile, args.audit_only)
    if args.db:
        time_db(args.firms)


if __name__ == "__main__":
    main()

"""Time the release audit at publication on a synthetic 5,000-firm club (issue 8, item 7).

    .venv/bin/python bench/disclosure_audit.py            # pure, in memory: plan_release alone
    .venv/bin/python bench/disclosure_audit.py --db       # plus closing one period in a throw-away SQLite db

The pure part builds PeriodFacts like a publication does (9 KPIs, 8 sectors x 4 size bands x 8
countries x 5 tiers, 7 standards) and runs the whole audit for members and for one governor that
knows 200 consenting suppliers. The --db part builds one club of --firms suppliers, all linked to one
governor, with bench/data.py (in a throw-away SQLite file, or in BENCH_DATABASE_URL if it is an empty
database), fills one open month and times `close_period`: snapshot publication with the audit and the
ladder evaluation, split into loading the inputs, building figures and statistics, audit(), writing
the snapshot and the ladder, each in wall and CPU seconds (--profile adds a cProfile listing).
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
    from benchclub.catalogue import default_catalogue

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


class _Split:
    """Seconds spent in each part of a close, by wrapping the module functions a close calls by name."""

    PARTS = (("load inputs", "benchclub.benchmarks.snapshots", ("load_period_inputs", "earlier_revisions")),
             ("plan: figures + statistics", "benchclub.benchmarks.plan",
              ("_kpi_groups", "_active_groups", "_figures", "_group_releases", "_share_releases")),
             ("audit()", "benchclub.benchmarks.plan", ("audit",)),
             ("publish_snapshot (all)", "benchclub.benchmarks.snapshots", ("publish_snapshot",)),
             ("ladder (evaluate_club)", "benchclub.ladder.evaluation", ("evaluate_club",)))

    def __init__(self) -> None:
        import importlib

        self.seconds: dict[str, float] = {name: 0.0 for name, _, _ in self.PARTS}
        self.cpu: dict[str, float] = {name: 0.0 for name, _, _ in self.PARTS}
        self._undo = []
        for name, module_name, functions in self.PARTS:
            module = importlib.import_module(module_name)
            for fn in functions:
                original = getattr(module, fn)
                setattr(module, fn, self._wrap(name, original))
                self._undo.append((module, fn, original))

    def _wrap(self, name, original):
        def timed(*args, **kwargs):
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started
                self.cpu[name] += time.process_time() - cpu
        return timed

    def restore(self) -> None:
        for module, fn, original in reversed(self._undo):
            setattr(module, fn, original)

    def report(self, total: float, total_cpu: float) -> None:
        """Wall and CPU seconds per part (CPU time is the steadier figure on a shared machine)."""
        print(f"  {'part':<62} {'wall':>7}   {'cpu':>7}")
        for label, (wall, cpu) in self.parts(total, total_cpu):
            print(f"  {label:<62} {wall:6.3f} s {cpu:6.3f} s")

    def parts(self, total: float, total_cpu: float) -> list[tuple[str, tuple[float, float]]]:
        out = []
        for clock, whole in ((self.seconds, total), (self.cpu, total_cpu)):
            inside = clock["load inputs"] + clock["plan: figures + statistics"] + clock["audit()"]
            out.append([clock["load inputs"], clock["plan: figures + statistics"], clock["audit()"],
                        clock["publish_snapshot (all)"] - inside, clock["ladder (evaluate_club)"],
                        whole - clock["publish_snapshot (all)"] - clock["ladder (evaluate_club)"]])
        labels = ("load inputs (values, groups, certificates, earlier revisions)",
                  "plan: figures + group statistics + shares", "audit() (black box)",
                  "write snapshot (rows, frozen facts, audit entry)", "ladder evaluation of every governor",
                  "rest (period row, flushes, commit)")
        return list(zip(labels, zip(out[0], out[1], strict=True), strict=True))


def time_db(firms: int, profile: bool = False) -> None:
    """Build one club of `firms` suppliers (all linked to one governor) with bench/data.py, close a month."""
    import sqlalchemy as sa

    from bench import data
    from benchclub import create_app
    from benchclub.catalogue import list_kpis
    from benchclub.extensions import db
    from benchclub.models import Club, Firm, FirmKind, Period
    from benchclub.periods.services import close_period
    from config import TestingConfig

    with tempfile.TemporaryDirectory() as tmp:
        class BenchConfig(TestingConfig):
            SQLALCHEMY_DATABASE_URI = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.db'}"

        app = create_app(BenchConfig)
        with app.app_context():
            data.refuse_non_empty(db.engine)
            db.create_all()
            try:
                # three months: the first closed as rows, the second closed through close_period (a warm-up
                # that publishes), the third filled here and timed
                size = data.Size(firms=firms, clubs=1, months=3, governor_suppliers=firms, history_closes=1)
                prog = data.build(size, lambda _msg: None)
                club = db.session.get(Club, prog.big_club_id)
                month = prog.import_month
                period_id = db.session.scalar(sa.select(Period.id).where(Period.club_id == club.id,
                                                                         Period.month == month))
                ids = list(db.session.scalars(sa.select(Firm.id).where(Firm.club_id == club.id,
                                                                       Firm.kind == FirmKind.SUPPLIER)))
                rows = data._insert_month({club.id: period_id}, {club.id: ids}, {club.id: list_kpis(club)}, 2,
                                          random.Random(5))
                db.session.commit()
                split = _Split()
                prof = cProfile.Profile() if profile else None
                started, cpu = time.perf_counter(), time.process_time()
                if prof:
                    prof.enable()
                close_period(club, month)
                db.session.commit()
                if prof:
                    prof.disable()
                total, total_cpu = time.perf_counter() - started, time.process_time() - cpu
                split.restore()
                print(f"close_period of one month, {firms} firms x 9 KPIs ({rows:,} values, "
                      f"{db.engine.dialect.name}, load {os.getloadavg()[0]:.2f}): {total:.2f} s wall, "
                      f"{total_cpu:.2f} s cpu")
                split.report(total, total_cpu)
                if prof:
                    pstats.Stats(prof).sort_stats("tottime").print_stats(25)
            finally:
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
        time_db(args.firms, args.profile)


if __name__ == "__main__":
    main()

"""`python -m bench.run`: build a synthetic programme in an EMPTY database and time BenchClub on it.

SQLite in a temporary file unless BENCH_DATABASE_URL names an (empty) PostgreSQL database. Prints
every figure beside its target (with the load average when it was taken) and writes JSON under
bench/results/. The database is refused if it already holds any table.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from . import data, measure, serve


def results_dir() -> Path:
    """bench/results, or BENCH_RESULTS_DIR."""
    return Path(os.environ.get("BENCH_RESULTS_DIR") or Path(__file__).resolve().parent / "results")
QUICK = data.Size(firms=600, clubs=6, months=13, governor_suppliers=200, history_closes=6)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Sizes and switches; --quick is a small programme that runs in under a minute."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--firms", type=int, default=data.Size.firms)
    p.add_argument("--clubs", type=int, default=data.Size.clubs)
    p.add_argument("--months", type=int, default=data.Size.months)
    p.add_argument("--governor-suppliers", type=int, default=data.Size.governor_suppliers)
    p.add_argument("--requests", type=int, default=60, help="in-process requests per page")
    p.add_argument("--seconds", type=int, default=10, help="wrk duration per endpoint")
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--quick", action="store_true", help=f"{QUICK}")
    p.add_argument("--no-http", action="store_true", help="skip gunicorn + wrk")
    p.add_argument("--only", choices=("import",), help="build the programme, then take only this measurement "
                   "(import: the KPI import next to the raw csv + executemany limit)")
    p.add_argument("--repeat", type=int, default=1, help="best of N runs for the import and its raw limit "
                   "(the import's rows are deleted between runs)")
    p.add_argument("--profile", metavar="FILE", help="with --only import: write a cProfile of the import to FILE")
    p.add_argument("--keep", action="store_true", help="leave the tables in BENCH_DATABASE_URL")
    return p.parse_args(argv)


def make_app(url: str):
    """The app on the bench database: production code paths, CSRF off for the test client."""
    from benchclub import create_app
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        WTF_CSRF_ENABLED = False
        PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
        LOGIN_RATE_LIMIT = "100000 per minute"

    return create_app(BenchConfig)


def log(message: str) -> None:
    """Progress on stderr, so stdout stays the table."""
    print(message, file=sys.stderr, flush=True)


def run_inprocess(app, size: data.Size, args: argparse.Namespace) -> dict[str, object]:
    """Build the programme and take every in-process measurement."""
    from benchclub.extensions import db

    res: dict[str, object] = {}
    prog, res["build_s"] = measure.timed(lambda: data.build(size, log))
    res["programme"] = {"clubs": len(prog.club_ids), "firms": prog.firm_count, "months": size.months,
                        "kpis": 9, "value_rows_built": prog.value_rows, "big_club_firms": size.governor_suppliers}
    payload = data.import_csv_bytes(prog)
    log("timing the raw csv + executemany limit")
    res["raw_rows_per_s"] = measure.raw_limit(payload, repeat=args.repeat)
    res["raw_load"] = float(measure.load())
    log("timing kpis import")
    rows, seconds = measure.time_import(payload, profile=args.profile, repeat=args.repeat)
    res["import"] = {"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds, "load": float(measure.load())}
    if args.only == "import":
        return res
    log("timing closes")
    closes_wall_cpu = measure.time_closes(prog)
    big, res["close_big_club_cpu_s"] = closes_wall_cpu.pop(next(iter(closes_wall_cpu)))
    closes = {code: wall for code, (wall, _) in closes_wall_cpu.items()}
    res["close_big_club_s"], res["close_big_load"] = big, float(measure.load())
    res["close_other_clubs"] = {"count": len(closes), "max_s": max(closes.values(), default=0.0),
                                "median_s": sorted(closes.values())[len(closes) // 2] if closes else 0.0}
    res["close_all_clubs_s"] = big + sum(closes.values())
    log("timing the ladder")
    count, seconds = measure.time_ladder(prog)
    res["ladder"] = {"suppliers": count, "seconds": seconds, "load": float(measure.load())}
    log("timing pages in-process")
    member = measure.logged_in_client(app, "bench@member.test")
    code = db.session.scalar(__import__("sqlalchemy").text("select code from kpi_definitions order by id limit 1"))
    res["pages"] = {name: measure.time_page(member, url, args.requests) for name, url in
                    (("dashboard", "/benchmarks/"), ("kpi_page", f"/benchmarks/kpi/{code}"), ("home", "/"))}
    db.session.remove()
    return res


def table(res: dict[str, object]) -> list[tuple[str, str, str, str]]:
    """(what, measured, target, load) rows for the printed table."""
    imp = res["import"]
    rows = [
        ("import rows/s (kpis import, validated+audited)", f"{imp['rows_per_s']:,.0f} ({imp['rows']:,} rows "
         f"in {imp['seconds']:.2f} s)", ">= 20,000", f"{imp['load']}"),
        ("  raw csv + executemany limit, same run", f"{res['raw_rows_per_s']:,.0f}", "(limit)", f"{res['raw_load']}"),
        ("  import / raw limit", f"{imp['rows_per_s'] / res['raw_rows_per_s']:.0%}", "", ""),
    ]
    if "ladder" not in res:  # --only import
        return rows + [("bench process peak RSS (build included)", f"{res['bench_peak_rss_mb']:.0f} MB", "", "")]
    lad, pages = res["ladder"], res["pages"]
    rows += [
        (f"close one period, big club ({res['programme']['big_club_firms']} firms)", f"{res['close_big_club_s']:.2f} s (cpu {res['close_big_club_cpu_s']:.2f} s)",
         "<= 1 s", f"{res['close_big_load']}"),
        (f"close one period, each of the other {res['close_other_clubs']['count']} clubs",
         f"median {res['close_other_clubs']['median_s']:.2f} s, max {res['close_other_clubs']['max_s']:.2f} s",
         "<= 1 s", ""),
        (f"close one period of all {res['programme']['clubs']} clubs", f"{res['close_all_clubs_s']:.1f} s", "", ""),
        (f"ladder evaluation, governor with {lad['suppliers']} suppliers", f"{lad['seconds']:.2f} s", "<= 0.5 s",
         f"{lad['load']}"),
    ]
    for name, figures in pages.items():
        target = "median <= 10 ms" if name == "dashboard" else ""
        rows.append((f"{name} in-process", f"median {figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms",
                     target, f"{figures['load']}"))
    http = res.get("http")
    if http:
        h, d = http["healthz"], http["dashboard"]
        rows += [("/healthz under gunicorn (2 workers)", f"{h['rps']:,.0f} req/s, p50 {h['p50_ms']:.1f} ms", "",
                  f"{h['load']}"),
                 ("dashboard under gunicorn (2 workers)", f"{d['rps']:,.0f} req/s, p50 {d['p50_ms']:.1f} ms "
                  f"({d['non_2xx']} non-2xx)", "", f"{d['load']}"),
                 ("  dashboard / healthz throughput", f"{d['rps'] / h['rps']:.0%}", ">= 25%", "")]
        if http.get("dashboard_304"):
            r = http["dashboard_304"]
            rows.append(("  dashboard revalidated (If-None-Match -> 304)", f"{r['rps']:,.0f} req/s = "
                         f"{r['rps'] / h['rps']:.0%} of /healthz", "", f"{r['load']}"))
        rows.append(("gunicorn worker peak RSS", f"{http['worker_peak_rss_mb']:.0f} MB", "< 300 MB", ""))
    rows.append(("bench process peak RSS (build included)", f"{res['bench_peak_rss_mb']:.0f} MB", "", ""))
    return rows


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    """A plain aligned table on stdout."""
    widths = [max(len(r[i]) for r in rows + [("what", "measured", "target", "load")]) for i in range(4)]
    for r in [("what", "measured", "target", "load 1m")] + rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())


def size_from(args: argparse.Namespace) -> data.Size:
    """The programme size from the options."""
    if args.quick:
        return QUICK
    return data.Size(firms=args.firms, clubs=args.clubs, months=args.months,
                     governor_suppliers=min(args.governor_suppliers, args.firms))


def main(argv: list[str] | None = None) -> int:
    """Refuse a non-empty database, build, measure, print, write JSON."""
    args = parse_args(argv)
    if args.quick:
        args.requests, args.seconds = min(args.requests, 30), min(args.seconds, 4)
    size = size_from(args)
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.db'}"
        import sqlalchemy as sa
        try:
            data.refuse_non_empty(sa.create_engine(url))
        except data.DatabaseNotEmptyError as exc:
            print(f"bench: refused: {exc}", file=sys.stderr)
            return 2
        app = make_app(url)
        started = time.time()
        with app.app_context():
            from benchclub.extensions import db
            db.create_all()
            try:
                res = run_inprocess(app, size, args)
                if not args.no_http and not args.only:
                    log("timing gunicorn + wrk")
                    try:
                        res["http"] = serve.measure_throughput(url, args.seconds, args.connections, measure.load)
                    except RuntimeError as exc:  # no wrk: the in-process figures still stand
                        log(f"HTTP figures skipped: {exc}")
                        res["http_skipped"] = str(exc)
            finally:
                db.session.remove()
                if os.environ.get("BENCH_DATABASE_URL") and not args.keep:
                    db.drop_all()  # the database was empty when we started: leave it empty again
                db.engine.dispose()
        res["bench_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        res["machine"] = {"nproc": os.cpu_count(), "loadavg_at_end": open("/proc/loadavg").read().split()[:3],
                          "python": platform.python_version(), "database": url.split(":", 1)[0],
                          "wall_s": time.time() - started}
        res["command"] = " ".join(["python -m bench.run"] + (argv if argv is not None else sys.argv[1:]))
        rows = table(res)
        print_table(rows)
        results = results_dir()
        results.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        out = results / f"{stamp}-{res['machine']['database'].split('+')[0]}{'-quick' if args.quick else ''}{'-' + args.only if args.only else ''}.json"
        out.write_text(json.dumps(res | {"table": rows}, indent=2, default=str))
        print(f"\nwritten {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

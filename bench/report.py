"""`python -m bench.report`: time the club report page and the member report in-process on the demo club.

Builds the DOMAIN §9 demo club (`flask seed demo`) in a throw-away SQLite file through the migrations,
logs in as the demo facilitator and the demo member, and requests each report page `--requests` times
after one warm-up: median and p95 against the 2 s target of issue 13 (item 6), with the 1-minute load
average beside each figure. With `--pdf` it also times one PDF of each through the background-job path
(inline here, as in development: POST /jobs/report). Writes JSON under bench/results/.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from . import measure

TARGET_MS = 2000.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--requests", type=int, default=20, help="timed requests per page (after one warm-up)")
    p.add_argument("--pdf", action="store_true", help="also time one PDF of each report through the job")
    return p.parse_args(argv)


def make_app(url: str, job_folder: str):
    """The app on the throw-away database: production code paths, CSRF off for the test client, PDFs of the
    job written to the throw-away folder."""
    from benchclub import create_app
    from config import Config

    class ReportBenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        WTF_CSRF_ENABLED = False
        PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
        LOGIN_RATE_LIMIT = "100000 per minute"
        JOB_FOLDER = job_folder

    return create_app(ReportBenchConfig)


def build_demo(app) -> None:
    """Migrate the empty database to head and seed the demo club, as `flask db upgrade && flask seed demo`."""
    from flask_migrate import upgrade

    from benchclub.demo import build_demo_club
    from benchclub.extensions import db

    upgrade(directory=str(Path(__file__).resolve().parents[1] / "migrations"))
    build_demo_club()
    db.session.commit()


def login(app, role: str):
    """A test client holding a session of the demo user of that role."""
    from benchclub.demo import DEMO_LOGINS

    client = app.test_client()
    resp = client.post("/login", data={"email": DEMO_LOGINS["users"][role], "password": DEMO_LOGINS["password"]})
    assert resp.status_code == 302, f"demo login of {role} failed ({resp.status_code})"
    return client


def report_urls(client, prefix: str) -> dict[str, str]:
    """The longest span on the reports index (the latest year with most months) and the latest quarter."""
    page = client.get("/reports/").get_data(as_text=True)
    codes = sorted(set(re.findall(rf'href="{prefix}/([0-9]{{4}}(?:-Q[1-4])?)"', page)))
    years, quarters = [c for c in codes if "-" not in c], [c for c in codes if "-Q" in c]
    if not years or not quarters:
        raise RuntimeError(f"no report spans on /reports/ for {prefix}")
    return {"year": f"{prefix}/{years[-1]}", "quarter": f"{prefix}/{quarters[-1]}"}


def time_pdf_job(client, url: str) -> dict[str, float]:
    """Seconds from POST /jobs/report to a finished job with its PDF (the job runs inline here)."""
    started = time.perf_counter()
    resp = client.post("/jobs/report", data={"period": url.rsplit("/", 1)[1]})
    seconds = time.perf_counter() - started
    download = client.get(resp.headers["Location"].rstrip("/") + "/download")
    assert download.status_code == 200 and download.data.startswith(b"%PDF"), f"PDF job for {url} did not finish"
    return {"seconds": seconds, "bytes": len(download.data), "load": float(measure.load())}


def measure_reports(app, requests: int, pdf: bool) -> dict[str, object]:
    """Median and p95 of each report page (and optionally one PDF job of each)."""
    res: dict[str, object] = {"pages": {}, "pdf": {}}
    for role, prefix in (("facilitator", "/reports/club"), ("member", "/reports/mine")):
        client = login(app, role)
        for span, url in report_urls(client, prefix).items():
            name = f"{'club' if role == 'facilitator' else 'member'}_report_{span}"
            print(f"timing {url}", file=sys.stderr, flush=True)
            timing = measure.time_page(client, url, requests)
            timing["bytes"] = len(client.get(url).data)
            res["pages"][name] = {"url": url, **timing}
            if pdf and span == "year":
                print(f"timing the PDF job of {url}", file=sys.stderr, flush=True)
                res["pdf"][name] = time_pdf_job(client, url)
    return res


def print_table(res: dict[str, object]) -> None:
    rows = [("what", "median", "p95", "target", "load", "size")]
    for name, t in res["pages"].items():
        ok = "met" if t["p95_ms"] <= TARGET_MS else "MISSED"
        rows.append((f"{name} ({t['url']})", f"{t['median_ms']:.0f} ms", f"{t['p95_ms']:.0f} ms",
                     f"<= {TARGET_MS:.0f} ms ({ok})", f"{t['load']:.2f}", f"{t['bytes'] / 1024:.0f} KiB"))
    for name, t in res["pdf"].items():
        rows.append((f"{name} PDF via job (one run)", f"{t['seconds']:.1f} s", "", "background job", f"{t['load']:.2f}",
                     f"{t['bytes'] / 1024:.0f} KiB"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.disable(logging.INFO)  # request logs and the PDF library's chatter would bury the table
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'report-bench.db'}"
        app = make_app(url, str(Path(tmp) / "jobs"))
        from benchclub.extensions import db

        with app.app_context():  # only to build: each request below pushes its own context (and user)
            print("building the demo club (migrations + seed demo)", file=sys.stderr, flush=True)
            started = time.perf_counter()
            build_demo(app)
            build_s = time.perf_counter() - started
            db.session.remove()
        try:
            res = measure_reports(app, args.requests, args.pdf)
        finally:
            with app.app_context():
                db.engine.dispose()
    res |= {"target_ms": TARGET_MS, "build_demo_s": build_s, "requests": args.requests,
            "command": " ".join(["python -m bench.report"] + (argv if argv is not None else sys.argv[1:])),
            "machine": {"nproc": os.cpu_count(), "loadavg_at_end": open("/proc/loadavg").read().split()[:3],
                        "database": "sqlite"}}
    print_table(res)
    out_dir = Path(os.environ.get("BENCH_RESULTS_DIR") or Path(__file__).resolve().parent / "results")
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-report.json"
    out.write_text(json.dumps(res, indent=2, default=str))
    print(f"\nwritten {out}")
    return 0 if all(t["p95_ms"] <= TARGET_MS for t in res["pages"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())

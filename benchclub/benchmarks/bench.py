"""`python -m benchclub.benchmarks.bench`: publication and dashboard timings on a big club.

Builds a throw-away club of 2,000 suppliers x 60 months x 9 KPIs (SQLite in a temp dir unless
BENCH_DATABASE_URL is set), closes every month (each close publishes a snapshot), then times the
member dashboard over repeated requests with the Flask test client. Pages read snapshots only.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

FIRMS, MONTHS, REQUESTS = 2000, 60, 40
SECTORS = ("Castings", "Plastics", "Machining", "Electronics", "Wiring", "Rubber", "Stampings", "Fasteners")
COUNTRIES = ("ZA", "IN", "MY", "TH", "BR", "MX", "PL", "TR")


def _months(count: int, start: str = "2021-01") -> list[str]:
    year, month = int(start[:4]), int(start[5:])
    out = []
    for _ in range(count):
        out.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _build_firms(club, firms: int, rng: random.Random) -> list[int]:
    from ..extensions import db
    from ..models import Firm, FirmKind, SupplyLink

    rows = [dict(club_id=club.id, code=f"B{i:05d}", name=f"Bench Supplier {i:05d}", kind=FirmKind.SUPPLIER,
                 country=rng.choice(COUNTRIES), sector=rng.choice(SECTORS), employees=rng.choice((8, 30, 120, 400)),
                 active=True) for i in range(firms)]
    db.session.execute(sa.insert(Firm), rows)
    gov = Firm(club_id=club.id, code="BGOV", name="Bench Governor", kind=FirmKind.GOVERNOR, country="DE",
               sector="Assembly", employees=9000)
    db.session.add(gov)
    db.session.flush()
    ids = list(db.session.scalars(sa.select(Firm.id).where(Firm.club_id == club.id, Firm.kind == FirmKind.SUPPLIER)))
    db.session.execute(sa.insert(SupplyLink), [dict(governor_id=gov.id, supplier_id=f, tier=rng.randint(1, 4))
                                               for f in ids[: firms // 2]])
    return ids


def _insert_values(club, period, firm_ids: list[int], kpis, rng: random.Random, step: int) -> None:
    from ..extensions import db
    from ..models import KpiValue

    rows = []
    for kpi in kpis:
        lo, hi = kpi.soft_min, kpi.soft_max
        centre = lo + (hi - lo) * (0.55 + 0.002 * step if kpi.higher_is_better else 0.45 - 0.002 * step)
        for firm_id in firm_ids:
            value = min(max(rng.gauss(centre, (hi - lo) * 0.15), kpi.hard_min), kpi.hard_max)
            rows.append(dict(firm_id=firm_id, kpi_id=kpi.id, period_id=period.id, source_firm_id=firm_id,
                             value=round(value, 3), is_nil=False, version=1))
    db.session.execute(KpiValue.__table__.insert(), rows)


def build_and_publish(firms: int, months: int) -> tuple[object, list[float]]:
    """Create the club, its values and periods; close every month; return the user and close times."""
    from ..auth.services import create_user
    from ..clubs.services import create_club, list_kpis
    from ..extensions import db
    from ..kpis.periods import close_period, open_period
    from ..models import Firm, Role

    rng = random.Random(2024)
    club = create_club("BENCH", "Benchmark club")
    firm_ids = _build_firms(club, firms, rng)
    kpis = list_kpis(club)
    user, _ = create_user("bench@member.test", Role.MEMBER, firm=db.session.get(Firm, firm_ids[0]),
                          password="bench-password-1")
    db.session.commit()
    close_times = []
    for step, month in enumerate(_months(months)):
        period = open_period(club, month)
        _insert_values(club, period, firm_ids, kpis, rng, step)
        db.session.commit()
        started = time.perf_counter()
        close_period(club, month)
        db.session.commit()
        close_times.append(time.perf_counter() - started)
    return user, close_times


def time_dashboard(app, requests: int) -> list[float]:
    """Median/p95 input: seconds per GET of the member dashboard (after one warm-up request)."""
    client = app.test_client()
    resp = client.post("/login", data={"email": "bench@member.test", "password": "bench-password-1"})
    assert resp.status_code == 302, "bench login failed"
    assert client.get("/benchmarks/").status_code == 200
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        resp = client.get("/benchmarks/")
        times.append(time.perf_counter() - started)
        assert resp.status_code == 200
    return times


def _time_publish_only() -> float:
    """Seconds for publish_snapshot alone on the latest period (other subscribers excluded)."""
    from ..extensions import db
    from ..models import Period
    from .snapshots import publish_snapshot

    period = db.session.scalar(sa.select(Period).order_by(Period.month.desc()).limit(1))
    started = time.perf_counter()
    publish_snapshot(period, reason="bench")
    db.session.commit()
    return time.perf_counter() - started


def main() -> None:
    """Parse options, build the club in a throw-away database, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--firms", type=int, default=FIRMS)
    parser.add_argument("--months", type=int, default=MONTHS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.db'}"
        from config import TestingConfig

        from .. import create_app
        from ..extensions import db

        class BenchConfig(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(BenchConfig)
        with app.app_context():
            db.drop_all()
            db.create_all()
            started = time.perf_counter()
            _, closes = build_and_publish(args.firms, args.months)
            total = time.perf_counter() - started
            times = time_dashboard(app, args.requests)
            publish_only = _time_publish_only()
            p95 = sorted(times)[max(0, int(round(0.95 * len(times))) - 1)]
            print(f"database: {db.engine.dialect.name}; club: {args.firms} firms x {args.months} months x 9 KPIs")
            print(f"build + close all months: {total:.1f} s")
            print(f"publication of one period (close_period incl. snapshot): last {closes[-1]:.2f} s, "
                  f"median {statistics.median(closes):.2f} s, max {max(closes):.2f} s")
            print(f"publish_snapshot alone (benchmarks subscriber, republishing the last period): {publish_only:.2f} s")
            print(f"member dashboard over {len(times)} requests: median {statistics.median(times) * 1000:.0f} ms, "
                  f"p95 {p95 * 1000:.0f} ms")
            db.session.remove()
            if os.environ.get("BENCH_DATABASE_URL"):
                db.drop_all()


if __name__ == "__main__":
    main()

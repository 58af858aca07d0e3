"""Issue 11 / 13 item 6: the report pages send as many SQL statements for a large club, or a year of closed
months, as for a small club with two (no query per firm or per month). Timings are the bench's business
(`python -m bench.report`), not a test's."""
from __future__ import annotations

import pytest

from tests.benchmarks.helpers import build_bench_club
from tests.factories import PASSWORD
from tests.sqlcount import count_statements

SHORT = ("2025-01", "2025-02")
LONG = tuple(f"2025-{m:02d}" for m in range(1, 13))
KPIS = ("otd_pct", "customer_reject_ppm", "lead_time_days")


def _count(client, email: str, url: str) -> tuple[int, str]:
    client.post("/logout")
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    client.get(url)
    with count_statements() as counted:
        resp = client.get(url)
    assert resp.status_code == 200, url
    return counted.count, str(counted)


@pytest.mark.parametrize("who, url", [("facilitator", "/reports/club/2025"), ("member", "/reports/mine/2025")])
def test_report_statements_do_not_grow_with_firms_or_months(client, db, who, url):
    small = build_bench_club(6, code="SMALL", months=SHORT, kpi_codes=KPIS)
    large = build_bench_club(30, code="LARGE", months=SHORT, kpi_codes=KPIS)
    long = build_bench_club(6, code="LONG", months=LONG, kpi_codes=KPIS)
    counts = {name: _count(client, bc.users[who].email, url) for name, bc in
              (("small", small), ("large", large), ("long", long))}
    base = counts["small"][0]
    assert counts["large"][0] <= base, counts["large"][1]
    assert counts["long"][0] <= base, counts["long"][1]

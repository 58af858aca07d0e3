"""No N+1: every main page sends as many SQL statements for a club of 30 suppliers as for one of 6.

Each page is requested on a small and on a larger club (same shape: two closed months, a governor
linked to every supplier, most of them consenting); the statement counts must not grow with the data.
"""
import pytest

from benchclub.extensions import db
from benchclub.models import Consent
from tests.benchmarks.helpers import build_bench_club
from tests.factories import PASSWORD
from tests.sqlcount import count_statements

MONTHS = ("2025-01", "2025-02")
SLACK = 0  # statements a page may add on the larger club


def _club(n: int, code: str):
    bc = build_bench_club(n, code=code, months=MONTHS, consenting=n - 1,
                          kpi_codes=("otd_pct", "customer_reject_ppm", "lead_time_days"))
    supplier = bc.suppliers[-1]  # linked but not consenting: its consent is added here
    db.session.add(Consent(supplier_id=supplier.id, governor_id=bc.governor.id, all_kpis=False, kpi_codes=["otd_pct"])
                   if hasattr(Consent, "kpi_codes") else Consent(supplier_id=supplier.id, governor_id=bc.governor.id,
                                                                   all_kpis=True))
    db.session.commit()
    return bc


def _pages(bc) -> list[tuple[str, str]]:
    supplier = bc.suppliers[1]
    return [
        ("member", "/"), ("member", "/benchmarks/"), ("member", "/benchmarks/kpi/otd_pct"),
        ("member", "/ladder/my-stages"), ("member", "/kpis/"),
        ("governor", "/"), ("governor", "/ladder/"), ("governor", f"/ladder/suppliers/{supplier.id}"),
        ("governor", "/benchmarks/governor"), ("governor", "/kpis/measurements"),
        ("facilitator", "/"), ("facilitator", "/kpis/completeness"), ("facilitator", "/club/firms"),
        ("facilitator", "/benchmarks/club"),
    ]


def _count(client, bc, who: str, url: str) -> tuple[int, str]:
    client.post("/logout")
    assert client.post("/login", data={"email": bc.users[who].email, "password": PASSWORD}).status_code == 302
    client.get(url)  # first visit: read the login flash, create lazy defaults (the default ladder)
    with count_statements() as counted:
        resp = client.get(url)
    assert resp.status_code == 200, f"{who} {url}: {resp.status_code}"
    return counted.count, str(counted)


@pytest.fixture()
def clubs(db):
    return _club(6, "SMALL"), _club(30, "LARGE")


def test_no_page_sends_more_statements_for_a_larger_club(client, clubs):
    small, large = clubs
    grown = []
    for (who, url_small), (_, url_large) in zip(_pages(small), _pages(large), strict=True):
        n_small, _ = _count(client, small, who, url_small)
        n_large, detail = _count(client, large, who, url_large)
        if n_large > n_small + SLACK:
            grown.append(f"{who} {url_large}: {n_small} -> {n_large}\n{detail}")
    assert not grown, "\n\n".join(grown)

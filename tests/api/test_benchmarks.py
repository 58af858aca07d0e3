"""GET /benchmarks releases exactly what `benchmarks show --json` and the benchmark page give the same
user, and never what DOMAIN §5 withholds (suppressed statistics, peer values, open periods)."""
from __future__ import annotations

import json

import pytest

from benchclub.extensions import db
from benchclub.periods.services import open_period
from tests.benchmarks.helpers import add_value, build_bench_club
from tests.benchmarks.test_attacks import login

from .conftest import bearer, token_for


def _api(client, user, query: str):
    resp = client.get(f"/api/v1/benchmarks?{query}", headers=bearer(token_for(user, "read")))
    return resp


def _cli(runner, club, user, kpi: str, month: str, group: str = "all") -> dict:
    result = runner.invoke(args=["benchmarks", "show", "--json", "--club", club.code, "--kpi", kpi, "--period", month,
                                 "--group", group, "--as-user", user.email])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _page_kpi(client, user, kpi: str, month: str) -> dict:
    """What the member's or governor's benchmark download (the page's data) releases for one KPI."""
    data = login(client, user).get(f"/benchmarks/download.json?period={month}").get_json()
    client.post("/logout")
    return next(k for k in data["kpis"] if k["kpi"] == kpi)


def _numbers(payload) -> set[float]:
    """Every number anywhere in a JSON payload."""
    if isinstance(payload, dict):
        return set().union(*(_numbers(v) for v in payload.values())) if payload else set()
    if isinstance(payload, list):
        return set().union(*(_numbers(v) for v in payload)) if payload else set()
    return {float(payload)} if isinstance(payload, int | float) and not isinstance(payload, bool) else set()


@pytest.mark.parametrize("role", ["member", "governor", "facilitator"])
def test_api_equals_the_cli_for_the_same_user(client, runner, role):
    bc = build_bench_club(12, kpi_codes=("otd_pct",))
    api = _api(client, bc.users[role], "kpi=otd_pct&period=2025-01")
    assert api.status_code == 200
    assert api.get_json() == _cli(runner, bc.club, bc.users[role], "otd_pct", "2025-01")


@pytest.mark.parametrize("role", ["member", "governor"])
def test_api_equals_the_page_download_and_withholds_the_tails_below_ten_firms(client, runner, role):
    bc = build_bench_club(9, kpi_codes=("otd_pct",), consenting=0)
    api = _api(client, bc.users[role], "kpi=otd_pct&period=2025-01").get_json()
    assert api == _page_kpi(client, bc.users[role], "otd_pct", "2025-01")
    assert "p10" not in api["stats"] and "p90" not in api["stats"] and api["n"] == "5-9"
    assert api["suppressed"]  # the reason is released, the numbers are not


def test_fewer_than_five_firms_releases_no_statistic(client, runner):
    bc = build_bench_club(4, kpi_codes=("otd_pct",), consenting=0)
    api = _api(client, bc.users["member"], "kpi=otd_pct&period=2025-01").get_json()
    assert api == _cli(runner, bc.club, bc.users["member"], "otd_pct", "2025-01")
    assert api["stats"] == {} and api["n"] == "fewer than 5"


def test_no_peer_value_reaches_a_member_or_governor(client):
    bc = build_bench_club(16, kpi_codes=("otd_pct",), consenting=2)
    own = bc.values[("2025-01", "otd_pct", bc.suppliers[0].id)]
    for role in ("member", "governor"):
        payload = _api(client, bc.users[role], "kpi=otd_pct").get_json()
        leaked = _numbers(payload) & set(bc.peer_values()) - {own if role == "member" else None}
        assert leaked == set(), f"{role} received individual values {leaked}"


def test_governor_with_consenting_suppliers_gets_what_its_page_and_the_cli_give(client, runner):
    bc = build_bench_club(16, kpi_codes=("otd_pct",), consenting=2)
    governor = _api(client, bc.users["governor"], "kpi=otd_pct&period=2025-01").get_json()
    assert governor == _cli(runner, bc.club, bc.users["governor"], "otd_pct", "2025-01")
    assert governor == _page_kpi(client, bc.users["governor"], "otd_pct", "2025-01")
    assert governor["firm"] is None


def test_open_periods_are_not_released_and_editing_does_not_move_a_published_benchmark(client):
    bc = build_bench_club(12, kpi_codes=("otd_pct",), months=("2025-01",))
    before = _api(client, bc.users["member"], "kpi=otd_pct&period=2025-01").get_json()
    period = open_period(bc.club, "2025-02")
    add_value(bc.suppliers[0], bc.kpis["otd_pct"], period, 99.0)
    db.session.commit()
    assert _api(client, bc.users["member"], "kpi=otd_pct&period=2025-02").status_code == 404
    assert _api(client, bc.users["member"], "kpi=otd_pct&period=2025-01").get_json() == before


def test_default_period_is_the_latest_published_and_unknown_kpi_is_404(client):
    bc = build_bench_club(12, kpi_codes=("otd_pct",), months=("2025-01", "2025-02"))
    assert _api(client, bc.users["member"], "kpi=otd_pct").get_json()["period"] == "2025-02"
    missing = _api(client, bc.users["member"], "kpi=nope")
    assert missing.status_code == 404 and "nope" in missing.get_json()["detail"]


def test_group_that_could_be_subtracted_from_the_club_is_suppressed_as_in_the_cli(client, runner):
    sectors = ["Castings"] * 9 + ["Plastics"] * 3
    bc = build_bench_club(12, kpi_codes=("otd_pct",), sectors=sectors, consenting=0)
    api = _api(client, bc.users["member"], "kpi=otd_pct&period=2025-01&group=sector:Castings").get_json()
    assert api == _cli(runner, bc.club, bc.users["member"], "otd_pct", "2025-01", "sector:Castings")
    assert api["stats"] == {} and api["suppressed"]

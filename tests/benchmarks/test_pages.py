"""Benchmark pages, downloads, the CLI and comparators, per role."""
import csv
import io
import json

import sqlalchemy as sa

from benchclub.benchmarks.services import import_comparators, load_illustrative_comparator
from benchclub.csvimport import ImportRejectedError
from benchclub.extensions import db
from benchclub.models import AuditEntry, Comparator
from benchclub.periods.services import open_period
from tests.factories import PASSWORD

from .helpers import add_value, build_bench_club
from .test_attacks import login

HEADER = "comparator,region,year,source,sample_size,kpi,p10,p25,p50,p75,p90\n"


def test_member_dashboard_shows_my_position_peer_quartiles_and_the_comparator_source(client):
    bc = build_bench_club(12, kpi_codes=("otd_pct",))
    load_illustrative_comparator(bc.club)
    db.session.commit()
    html = login(client, bc.users["member"]).get("/benchmarks/").get_data(as_text=True)
    assert "better than" in html and "Peer median" in html and "10-19" in html
    assert "ILLUSTRATIVE figures" in html and "2024" in html
    assert "P10" not in html.split("<tbody>")[1].split("</tbody>")[0]  # tails are not columns of the member row


def test_member_sees_no_benchmarks_of_an_open_period(client):
    bc = build_bench_club(12, kpi_codes=("otd_pct",), close=False)
    html = login(client, bc.users["member"]).get("/benchmarks/").get_data(as_text=True)
    assert "No benchmarks have been published yet" in html
    assert client.get("/benchmarks/download.json").get_json()["kpis"] == []


def test_downloads_hold_exactly_what_the_member_sees(client):
    bc = build_bench_club(9, kpi_codes=("otd_pct",))
    login(client, bc.users["member"])
    rows = list(csv.DictReader(io.StringIO(client.get("/benchmarks/download.csv").get_data(as_text=True))))
    otd = next(r for r in rows if r["kpi"] == "otd_pct")
    assert otd["p10"] == "" and otd["p90"] == "" and otd["p50"] != "" and otd["n"] == "5-9"
    assert "P10 and P90 need at least 10" in otd["suppressed"]
    data = client.get("/benchmarks/download.json").get_json()
    assert set(data["kpis"][0]) == {"kpi", "period", "group", "n", "suppressed", "stats", "firm", "international"}


def test_governor_sees_its_consenting_suppliers_on_the_distribution_but_not_others(client):
    bc = build_bench_club(16, kpi_codes=("otd_pct",), consenting=2)
    html = login(client, bc.users["governor"]).get("/benchmarks/governor?kpi=otd_pct").get_data(as_text=True)
    assert bc.suppliers[0].name in html and bc.suppliers[1].name in html
    assert bc.suppliers[2].name not in html  # linked but not consenting


def test_facilitator_club_view_is_identified_and_audited(client):
    bc = build_bench_club(12, kpi_codes=("otd_pct",))
    html = login(client, bc.users["facilitator"]).get("/benchmarks/club").get_data(as_text=True)
    assert bc.suppliers[0].name in html or any(f.name in html for f in bc.suppliers)
    assert client.get("/benchmarks/club/kpi/otd_pct").status_code == 200
    views = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "view")).all()
    assert len(views) == 2 and all(v.actor_id == bc.users["facilitator"].id for v in views)


def test_facilitator_previews_an_open_period_live(client):
    bc = build_bench_club(12, kpi_codes=("otd_pct",), months=())
    period = open_period(bc.club, "2025-05")
    for i, firm in enumerate(bc.suppliers):
        add_value(firm, bc.kpis["otd_pct"], period, 80.0 + i)
    db.session.commit()
    html = login(client, bc.users["facilitator"]).get("/benchmarks/club?period=2025-05").get_data(as_text=True)
    assert "Preview: live figures" in html and "85.5" in html  # median of 80..91


def test_cli_show_prints_exactly_the_specified_keys(runner):
    build_bench_club(20, kpi_codes=("otd_pct",))
    result = runner.invoke(args=["benchmarks", "show", "--kpi", "otd_pct", "--period", "2025-01", "--club", "BC",
                                 "--json"])
    out = json.loads(result.output)
    assert list(out) == ["kpi", "period", "group", "n", "suppressed", "stats", "firm", "international"]
    assert out["n"] == 20 and out["firm"] is None and set(out["stats"]) == {"p10", "p25", "p50", "p75", "p90", "mean"}
    member = json.loads(runner.invoke(args=["benchmarks", "show", "--kpi", "otd_pct", "--period", "2025-01", "--club",
                                            "BC", "--as-firm", "BC-SUP-03", "--json"]).output)
    assert set(member["firm"]) == {"value", "percentile_rank"} and member["n"] == 20
    closed = runner.invoke(args=["benchmarks", "show", "--kpi", "otd_pct", "--period", "2030-01", "--club", "BC"])
    assert closed.exit_code != 0 and "No published benchmarks" in closed.output


def test_comparator_csv_import_is_all_or_nothing_with_row_errors(db):
    bc = build_bench_club(5, kpi_codes=("otd_pct",), months=())
    bad = HEADER + "EU,Europe,2023,Survey X,40,otd_pct,80,90,95,98,99\nEU,Europe,2023,Survey X,40,nope,1,,,,\n" \
                   "EU,Europe,2023,Survey X,40,lead_time_days,9,5,,,\n"
    try:
        import_comparators(bc.club, bad, actor=None)
        raise AssertionError("expected ImportRejectedError")
    except ImportRejectedError as exc:  # row errors of the one import framework: line, column, reason
        assert any(e.line == 3 and "unknown KPI" in e.reason for e in exc.errors)
        assert any(e.line == 4 and "must not decrease" in e.reason for e in exc.errors)
    assert db.session.scalar(sa.select(sa.func.count(Comparator.id))) == 0
    good = HEADER + "EU,Europe,2023,Survey X,40,otd_pct,,90,95,,\n"
    comparator = import_comparators(bc.club, good, actor=None)[0]
    assert comparator.values[0].p10 is None and comparator.values[0].p50 == 95


def test_facilitator_imports_lists_and_edits_comparators(client):
    bc = build_bench_club(5, kpi_codes=("otd_pct",), months=())
    login(client, bc.users["facilitator"])
    data = {"file": (io.BytesIO((HEADER + "EU,Europe,2023,Survey X,,otd_pct,80,90,95,98,99\n").encode()), "c.csv")}
    assert client.post("/benchmarks/comparators/import", data=data, content_type="multipart/form-data").status_code == 302
    bad = {"file": (io.BytesIO(b"wrong,header\n1,2\n"), "c.csv")}
    resp = client.post("/benchmarks/comparators/import", data=bad, content_type="multipart/form-data")
    assert resp.status_code == 422 and "Nothing was imported" in resp.get_data(as_text=True)
    comparator = db.session.scalar(sa.select(Comparator))
    assert "Survey X" in client.get("/benchmarks/comparators").get_data(as_text=True)
    form = {"name": "EU", "region": "Europe", "year": "2023", "source": "Survey X (revised)", "otd_pct__p50": "96",
            "otd_pct__p10": ""}
    assert client.post(f"/benchmarks/comparators/{comparator.id}", data=form).status_code == 302
    db.session.refresh(comparator)
    assert comparator.source == "Survey X (revised)" and comparator.values[0].p50 == 96
    assert comparator.values[0].p10 is None  # an emptied cell is cleared
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.entity.like("comparator%"))) > 3


def test_illustrative_comparator_is_labelled_and_covers_the_nine_default_kpis(db):
    bc = build_bench_club(5, months=())
    comparator = load_illustrative_comparator(bc.club)
    assert comparator.illustrative and "not a published survey" in comparator.source
    assert len(comparator.values) == 9


def test_members_cannot_reach_facilitator_pages(client):
    bc = build_bench_club(5, kpi_codes=("otd_pct",), months=())
    login(client, bc.users["member"])
    assert client.get("/benchmarks/club").status_code == 403
    assert client.get("/benchmarks/governor").status_code == 403
    client.post("/logout")
    client.post("/login", data={"email": bc.users["governor"].email, "password": PASSWORD})
    assert client.get("/benchmarks/").status_code == 403

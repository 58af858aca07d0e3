"""Issue 10, command-line stumbles: clear messages and a non-zero exit before any work is done."""
from __future__ import annotations

import json
import time

import sqlalchemy as sa

from benchclub import jsonout
from benchclub.extensions import db
from benchclub.models import Club, Firm, Visit
from tests.benchmarks.helpers import build_bench_club

HEADER = "club,code,name,kind,country,sector,employees\n"


def test_firms_import_refuses_to_change_an_existing_firm_without_update(world, runner, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_text(HEADER + "C1,SUP-A,Renamed Castings,supplier,ZA,Castings,45\n")
    result = runner.invoke(args=["firms", "import", str(path)])
    assert result.exit_code != 0 and "--update" in result.output
    assert db.session.scalar(sa.select(Firm.name).where(Firm.code == "SUP-A")) == "Alpha Castings"
    result = runner.invoke(args=["firms", "import", "--update", str(path)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(Firm.name).where(Firm.code == "SUP-A")) == "Renamed Castings"


def test_club_codes_ignore_case(world, runner):
    result = runner.invoke(args=["clubs", "create", "c1", "--name", "Lower-case twin"])
    assert result.exit_code != 0 and "already exists" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Club.id))) == 2
    listed = runner.invoke(args=["firms", "list", "--club", "c1", "--json"])
    assert listed.exit_code == 0 and "SUP-A" in listed.output


def test_benchmarks_show_with_an_unknown_group_kind_fails(runner, db):
    build_bench_club(6, kpi_codes=("otd_pct",))
    for group in ("colour:red", "sector", "sector:"):
        result = runner.invoke(args=["benchmarks", "show", "--kpi", "otd_pct", "--period", "2025-01", "--club", "BC",
                                     "--group", group])
        assert result.exit_code != 0 and "not a peer group" in result.output, (group, result.output)


def test_benchmarks_show_with_a_group_nobody_is_in_fails_and_lists_the_groups(runner, db):
    build_bench_club(6, kpi_codes=("otd_pct",))
    result = runner.invoke(args=["benchmarks", "show", "--kpi", "otd_pct", "--period", "2025-01", "--club", "BC",
                                 "--group", "sector:Typo"])
    assert result.exit_code != 0 and "No firm of the club is in group 'sector:Typo'" in result.output
    assert "all" in result.output


def test_reports_club_into_a_missing_folder_fails_before_rendering(world, runner, tmp_path):
    start = time.perf_counter()
    result = runner.invoke(args=["reports", "club", "--club", "C1", "--period", "2025-Q1",
                                 "--pdf", str(tmp_path / "missing" / "report.pdf")])
    assert result.exit_code != 0 and "does not exist" in result.output
    assert "Traceback" not in result.output and time.perf_counter() - start < 5


def test_visits_add_with_a_supplier_as_governor_names_the_mistake(world, runner):
    result = runner.invoke(args=["visits", "add", "--governor", "SUP-A", "--supplier", "GOV-1", "--date", "2025-03-05",
                                 "--role", "quality", "--outcome", "passed"])
    assert result.exit_code != 0 and "SUP-A is a supplier firm, not a governor" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 0


def test_json_output_rounds_floats():
    assert jsonout.dumps({"p50": 94.19999999999999, "n": [0.1 + 0.2]}) == '{"p50": 94.2, "n": [0.3]}'


def test_benchmarks_show_prints_no_float_noise(runner, db):
    build_bench_club(12, kpi_codes=("otd_pct",))
    result = runner.invoke(args=["benchmarks", "show", "--kpi", "otd_pct", "--period", "2025-01", "--club", "BC"])
    assert result.exit_code == 0
    numbers = [v for v in json.loads(result.output)["stats"].values() if isinstance(v, float)]
    assert numbers and all(len(repr(v).replace("-", "").replace(".", "")) <= 11 for v in numbers)

"""`flask kpis import` and `flask kpis export`: all or nothing, errors with line numbers, role rules."""
import sqlalchemy as sa

from benchclub.extensions import db
from benchclub.models import KpiValue

HEADER = "firm,period,kpi,value,source,comment\n"


def write(tmp_path, body: str, name="values.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def count():
    return db.session.scalar(sa.select(sa.func.count(KpiValue.id)))


def test_import_writes_rows_and_reports_counts(runner, world, tmp_path):
    path = write(tmp_path, "SUP-A,2025-01,otd_pct,97,self,\nSUP-A,2025-01,otd_pct,91,GOV-1,\n")
    result = runner.invoke(args=["kpis", "import", path])
    assert result.exit_code == 0, result.output
    assert "Imported 2 row(s): 2 new, 0 updated, 0 unchanged." in result.output
    assert count() == 2
    again = runner.invoke(args=["kpis", "import", path])
    assert "0 new, 0 updated, 2 unchanged" in again.output and count() == 2


def test_import_with_a_bad_row_exits_non_zero_prints_every_error_and_writes_nothing(runner, world, tmp_path):
    path = write(tmp_path, "SUP-A,2025-01,otd_pct,97,self,\nSUP-A,2025-01,otd_pct,NaN,GOV-1,\nZZZ,2025-01,otd_pct,1,,\n")
    result = runner.invoke(args=["kpis", "import", path])
    assert result.exit_code != 0
    assert "line 3, column value" in result.output and "line 4, column firm" in result.output
    assert "2 problem(s) found; nothing was imported." in result.output
    assert count() == 0


def test_dry_run_checks_but_writes_nothing(runner, world, tmp_path):
    result = runner.invoke(args=["kpis", "import", write(tmp_path, "SUP-A,2025-01,otd_pct,97,self,\n"), "--dry-run"])
    assert result.exit_code == 0 and "Would import 1 row(s): 1 new" in result.output
    assert count() == 0


def test_as_applies_the_users_role_rules(runner, world, tmp_path):
    path = write(tmp_path, "SUP-B,2025-01,otd_pct,97,self,\n")
    result = runner.invoke(args=["kpis", "import", path, "--as", "a@alpha.test"])
    assert result.exit_code != 0 and "your own firm (SUP-A)" in result.output and count() == 0
    result = runner.invoke(args=["kpis", "import", path, "--as", "fac@club.test"])
    assert result.exit_code == 0 and count() == 1


def test_unknown_user_for_as_is_an_error(runner, world, tmp_path):
    result = runner.invoke(args=["kpis", "import", write(tmp_path, "SUP-A,2025-01,otd_pct,97,self,\n"),
                                 "--as", "nobody@x.test"])
    assert result.exit_code != 0 and "no active user" in result.output


def test_file_over_the_limit_is_refused_before_parsing(app, runner, world, tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"\xff" * 2048)
    app.config["MAX_UPLOAD_BYTES"] = 1024
    try:
        result = runner.invoke(args=["kpis", "import", str(path)])
    finally:
        app.config["MAX_UPLOAD_BYTES"] = 10 * 1024 * 1024
    assert result.exit_code != 0 and "refused" in result.output and "UTF-8" not in result.output


def test_empty_file_is_an_error(runner, world, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = runner.invoke(args=["kpis", "import", str(path)])
    assert result.exit_code != 0 and "line 1: The file is empty" in result.output


def test_export_filters_by_club_firm_and_period(runner, world, tmp_path):
    runner.invoke(args=["kpis", "import", write(tmp_path, "SUP-A,2025-01,otd_pct,97,self,\n"
                                                          "SUP-B,2025-01,otd_pct,88,self,\nSUP-A,2025-02,otd_pct,98,self,\n")])
    everything = runner.invoke(args=["kpis", "export"])
    assert everything.exit_code == 0 and len(everything.output.splitlines()) == 4
    firm = runner.invoke(args=["kpis", "export", "--club", "C1", "--firm", "SUP-A", "--period", "2025-02"])
    assert firm.output == HEADER + "SUP-A,2025-02,otd_pct,98,self,\n"
    assert runner.invoke(args=["kpis", "export", "--club", "C2"]).output == HEADER
    bad = runner.invoke(args=["kpis", "export", "--period", "2025-13"])
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output

"""The one CSV import framework (benchclub/csvimport.py) under each importer: firms, links, KPI values,
certificates and comparators. One bad row refuses the whole file and is listed with its line; a preview
writes nothing; unreadable bytes, NUL bytes and short rows are row errors, never a crash."""
import io

import pytest
import sqlalchemy as sa

from benchclub.benchmarks.services import import_comparators
from benchclub.certifications.imports import import_certificates
from benchclub.clubs.imports import import_firms, import_links
from benchclub.csvimport import (
    FileTooLargeError,
    ImportRejectedError,
    RowError,
    preview,
    read_table,
)
from benchclub.extensions import db
from benchclub.kpis.imports import import_csv, plan_import
from benchclub.models import AuditEntry, Certificate, Comparator, Firm, KpiValue, SupplyLink

LIMIT = 10 * 1024 * 1024


def _kpis(data: bytes, actor=None):
    return import_csv(data, actor=actor, limit=LIMIT)


def _comparators(world):
    return lambda data: import_comparators(world.club, data, actor=None)


# name: (header, good row, bad row, the bad row's column, a callable importing bytes, the model written)
IMPORTERS = {
    "firms": ("club,code,name,kind,country,sector,employees", "C1,SUP-OK,Fine Firm,supplier,ZA,Forging,5",
              "C1,SUP-NO,Bad Firm,supplier,ZA,Forging,many", "employees", lambda w: import_firms, Firm),
    "links": ("governor,supplier,tier", "GOV-3,SUP-A,2", "GOV-3,SUP-B,7", "tier", lambda w: import_links, SupplyLink),
    "kpi values": ("firm,period,kpi,value,source,comment", "SUP-A,2025-01,otd_pct,91,self,",
                   "SUP-B,2025-01,otd_pct,140,self,", "value", lambda w: _kpis, KpiValue),
    "certificates": ("firm,standard,number,body,issued,expires", "SUP-A,ISO 9001,Q-1,SGS,2024-01-01,2027-01-01",
                     "SUP-B,ISO 9001,Q-2,SGS,2024-01-01,2023-01-01", "expires", lambda w: import_certificates,
                     Certificate),
    "comparators": ("comparator,region,year,source,sample_size,kpi,p10,p25,p50,p75,p90",
                    "EU,Europe,2023,Survey X,40,otd_pct,80,90,95,98,99",
                    "US,America,2023,Survey Y,40,otd_pct,99,90,95,98,99", "p25", _comparators, Comparator),
}


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _audit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))


@pytest.mark.parametrize("name", IMPORTERS)
def test_one_bad_row_refuses_the_whole_file_and_is_listed(world, name):
    header, good, bad, column, importer, model = IMPORTERS[name]
    before, audited = _count(model), _audit_count()
    with pytest.raises(ImportRejectedError) as caught:
        importer(world)((f"{header}\n{good}\n{bad}\n").encode())
    # no rollback by the test: the framework already undid the good row applied before the bad one
    assert [(e.line, e.column) for e in caught.value.errors] == [(3, column)]
    assert isinstance(caught.value.errors[0], RowError) and str(caught.value.errors[0]).startswith("line 3")
    assert "1 problem(s) found; nothing was imported." in str(caught.value)
    assert (_count(model), _audit_count()) == (before, audited)


@pytest.mark.parametrize("name", IMPORTERS)
def test_the_good_file_is_imported(world, name):
    header, good, _bad, _column, importer, model = IMPORTERS[name]
    before = _count(model)
    importer(world)((f"{header}\n{good}\n").encode())
    assert _count(model) == before + 1


@pytest.mark.parametrize("name", IMPORTERS)
@pytest.mark.parametrize("case, body, line", [
    ("not UTF-8", b"caf\xe9 au lait", 3),
    ("NUL byte", b"\x00\x00binary", 3),
    ("short row", b"only,two", 3),
])
def test_unreadable_bytes_and_short_rows_are_row_errors(world, name, case, body, line):
    header, good, _bad, _column, importer, model = IMPORTERS[name]
    before = _count(model)
    with pytest.raises(ImportRejectedError) as caught:
        importer(world)(f"{header}\n{good}\n".encode() + body + b"\n")
    (error,) = caught.value.errors
    assert error.line == line, error
    assert {"not UTF-8": "not UTF-8", "NUL byte": "NUL", "short row": "fields but the header has"}[case] in error.reason
    assert _count(model) == before


def test_kpi_plan_reports_the_same_row_errors_without_raising(world):
    plan = plan_import(b"firm,period,kpi,value,source,comment\nSUP-A,2025-01,otd_pct,91,self,\nSUP\x00\n",
                       actor=None, limit=LIMIT)
    assert [(e.line, e.column) for e in plan.errors] == [(3, "-")] and "NUL" in plan.errors[0].reason


@pytest.mark.parametrize("name", IMPORTERS)
def test_preview_shows_what_would_happen_and_writes_nothing(world, name):
    header, good, bad, _column, importer, model = IMPORTERS[name]
    before, audited = _count(model), _audit_count()
    seen = preview(db.session, lambda: importer(world)((f"{header}\n{good}\n").encode()),
                   summarise=lambda result: len(getattr(result, "rows", result)))
    assert seen.ok and seen.result == 1
    assert (_count(model), _audit_count()) == (before, audited)
    refused = preview(db.session, lambda: importer(world)((f"{header}\n{good}\n{bad}\n").encode()))
    assert not refused.ok and [e.line for e in refused.errors] == [3]
    assert (_count(model), _audit_count()) == (before, audited)


def test_kpi_plan_is_the_preview_and_writes_nothing(world):
    before, audited = _count(KpiValue), _audit_count()
    plan = plan_import(b"firm,period,kpi,value,source,comment\nSUP-A,2025-01,otd_pct,91,self,\n", actor=None,
                       limit=LIMIT)
    db.session.flush()
    assert plan.ok and plan.count("new") == 1
    assert (_count(KpiValue), _audit_count()) == (before, audited)


def test_parse_handles_bom_any_column_order_blank_lines_and_formula_quotes():
    data = "\ufeffB,a\n'=1+2,x\n\n ,\ny , z \n".encode()
    table = read_table(data, ("a", "b"))
    assert table.ok
    assert [(r.line, r["a"], r["b"]) for r in table.rows] == [(2, "x", "=1+2"), (5, "z", "y")]


@pytest.mark.parametrize("data, column, reason", [
    (b"", "-", "empty"),
    (b"a\n1\n", "b", "Missing column(s): b"),
    (b"a,b,c\n1,2,3\n", "c", "Unexpected column(s): c"),
    (b"a,b,a\n1,2,3\n", "a", "named twice"),
    (b"a,b\n", "-", "no rows"),
    (b'a,b\n"' + b"x" * 200_000 + b'",1\n', "-", "not valid CSV"),  # a field over the csv module's limit
])
def test_parse_problems_name_line_and_column(data, column, reason):
    table = read_table(data, ("a", "b"))
    assert not table.ok and table.rows == []
    assert table.errors[0].column == column and reason in table.errors[0].reason


def test_a_file_over_the_limit_is_refused_before_parsing():
    with pytest.raises(FileTooLargeError, match="over 1 MB") as caught:
        read_table(b"\xff" * (1024 * 1024 + 1), ("a",), limit=1024 * 1024)
    assert isinstance(caught.value, ImportRejectedError) and caught.value.errors[0].line == 1


def test_a_non_utf8_comparator_upload_is_a_422_not_a_500(client, world, login_as):
    login_as("facilitator")
    data = {"file": (io.BytesIO(b"comparator,region\nM\xfcller,EU\n"), "c.csv")}
    resp = client.post("/benchmarks/comparators/import?club=C1", data=data, content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Nothing was imported" in html and "not UTF-8" in html


def test_a_kpi_upload_with_a_nul_byte_is_a_422_not_a_500(client, world, login_as):
    login_as("facilitator")
    data = {"file": (io.BytesIO(b"firm,period,kpi,value,source,comment\nSUP-A,2025-01,otd_pct,9\x001,self,\n"),
                     "k.csv")}
    resp = client.post("/kpis/import", data=data, content_type="multipart/form-data")
    assert resp.status_code == 422 and "NUL" in resp.get_data(as_text=True)


@pytest.mark.parametrize("command, body, noun", [
    (["firms", "import"], "club,code,name,kind,country,sector,employees\nC1,SUP-DRY,Dry Firm,supplier,ZA,Forging,5\n",
     "firm"),
    (["links", "import"], "governor,supplier,tier\nGOV-3,SUP-A,2\n", "link"),
    (["certs", "import"], "firm,standard,number,body,issued,expires\nSUP-A,ISO 9001,D-1,SGS,2024-01-01,2027-01-01\n",
     "certificate"),
])
def test_cli_dry_run_previews_and_writes_nothing(runner, world, tmp_path, command, body, noun):
    path = tmp_path / "file.csv"
    path.write_text(body, encoding="utf-8")
    counts = (_count(Firm), _count(SupplyLink), _count(Certificate), _audit_count())
    result = runner.invoke(args=command + [str(path), "--dry-run"])
    assert result.exit_code == 0 and f"Dry run: 1 {noun}(s) would be imported; nothing was written." in result.output
    assert (_count(Firm), _count(SupplyLink), _count(Certificate), _audit_count()) == counts
    path.write_text(body + body.splitlines()[1] + "\n", encoding="utf-8")  # the same row twice: refused
    result = runner.invoke(args=command + [str(path), "--dry-run"])
    assert result.exit_code == 1 and "line 3" in result.output and "nothing would be imported" in result.output
    assert (_count(Firm), _count(SupplyLink), _count(Certificate), _audit_count()) == counts

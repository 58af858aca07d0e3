"""The import pages show the framework's row errors (line, column, reason) and import nothing."""
from tests.factories import PASSWORD

from .conftest import log_in

COMPARATOR_HEADER = "comparator,region,year,source,sample_size,kpi,p10,p25,p50,p75,p90\n"


def test_comparator_upload_lists_every_bad_row_and_imports_nothing(live_server, world, page, screenshot, tmp_path):
    bad = tmp_path / "comparators.csv"
    bad.write_text(COMPARATOR_HEADER + "EU,Europe,2023,Survey X,40,otd_pct,80,90,95,98,99\n"
                   "EU,Europe,2023,Survey X,40,nope,1,,,,\nEU,Europe,2023,Survey X,40,lead_time_days,9,5,,,\n",
                   encoding="utf-8")
    log_in(page, live_server, world.users["facilitator"].email, PASSWORD)
    page.goto(f"{live_server}/benchmarks/comparators?club=C1")
    page.set_input_files("input[type=file]", str(bad))
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    alert = page.locator(".alert-danger")
    assert "Nothing was imported." in alert.inner_text()
    assert "line 3, column kpi: unknown KPI code 'nope'" in alert.inner_text()
    assert "line 4, column p25" in alert.inner_text()
    screenshot("import-comparators-row-errors")


def test_kpi_upload_of_a_binary_file_shows_a_row_error(live_server, world, page, screenshot, tmp_path):
    bad = tmp_path / "values.csv"
    bad.write_bytes(b"firm,period,kpi,value,source,comment\nSUP-A,2025-01,otd_pct,9\x001,self,\n")
    log_in(page, live_server, world.users["facilitator"].email, PASSWORD)
    page.goto(f"{live_server}/kpis/import")
    page.set_input_files("input[type=file]", str(bad))
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    table = page.locator("#import-errors")
    assert "NUL" in table.inner_text() and "2" in table.locator("td").first.inner_text()
    screenshot("import-kpis-nul-byte")

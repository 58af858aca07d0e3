"""A member enters a month in a real browser, meets a validation error, fixes it and sees the values;
plus screenshots of the other kpis pages (measurements, import preview, completeness) to look at."""
from tests.factories import PASSWORD, add_value

from .conftest import log_in, log_out


def test_member_enters_a_month_fixes_an_error_and_sees_saved_values(live_server, world, page, screenshot, db):
    add_value(world, "A", "otd_pct", "2025-01", 96.0)
    add_value(world, "A", "otd_pct", "2025-02", 91.0, source="G1")
    db.session.commit()
    log_in(page, live_server, "a@alpha.test", PASSWORD)
    screenshot("kpi_member_home")
    page.click("nav >> text=My data")
    page.click("nav >> text=Monthly KPIs")
    assert page.locator("h1").inner_text().startswith("Monthly KPIs")
    screenshot("kpi_months")
    page.click("a:has-text('February 2025')")
    page.fill("#value-otd_pct", "97.5")
    page.fill("#value-internal_scrap_pct", "120")
    page.check("#nil-kanban_share_pct")
    page.fill("#value-inventory_turns", "75")
    page.click("button:has-text('Save February 2025')")

    scrap_error = page.locator("#error-internal_scrap_pct")
    assert "must be between 0 and 100" in scrap_error.inner_text()
    assert "Add a comment" in page.locator("#error-inventory_turns").inner_text()
    assert page.input_value("#value-otd_pct") == "97.5"  # what was typed survives the error
    screenshot("kpi_entry_error")

    page.fill("#value-internal_scrap_pct", "1.2")
    page.fill("#comment-inventory_turns", "Year-end stock clearance")
    page.click("button:has-text('Save February 2025')")
    assert "Values for 2025-02 saved." in page.locator(".alert-success").inner_text()
    assert page.input_value("#value-internal_scrap_pct") == "1.2"
    assert page.input_value("#value-otd_pct") == "97.5"
    assert page.is_checked("#nil-kanban_share_pct")
    assert "outside usual range" in page.locator("#kpi-inventory_turns").inner_text()
    assert "Your customer Gamma Motors measured 91.0 %" in page.locator("#kpi-otd_pct").inner_text()
    screenshot("kpi_entry_saved")

    page.locator("#kpi-otd_pct").get_by_role("link", name="change history").click()
    assert "97.5" in page.locator("table").inner_text()
    screenshot("kpi_history")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/kpis/month/2025-02")
    screenshot("kpi_entry_phone")
    assert [e for e in page.console_errors if "422" not in e] == []  # 422 is the page answering a bad form


def test_other_kpi_pages_render(live_server, world, page, screenshot, db, tmp_path):
    add_value(world, "A", "otd_pct", "2025-02", 97.5)
    db.session.commit()
    log_in(page, live_server, "g1@gamma.test", PASSWORD)
    screenshot("kpi_governor_home")
    page.goto(f"{live_server}/kpis/measurements?supplier=SUP-A&month=2025-02")
    page.fill("#value-otd_pct", "91")
    page.click("button:has-text('Save measurements')")
    assert "saved" in page.locator(".alert-success").inner_text()
    screenshot("kpi_governor_entry")

    csv = tmp_path / "values.csv"
    csv.write_text("firm,period,kpi,value,source,comment\nSUP-A,2025-02,lead_time_days,4,GOV-1,\n"
                   "SUP-A,2025-02,inventory_turns,9,GOV-1,\nSUP-B,2025-02,otd_pct,90,GOV-1,\n")
    page.goto(f"{live_server}/kpis/import")
    page.set_input_files("input[type=file]", str(csv))
    page.click("button:has-text('Check the file')")
    assert page.locator("#import-errors tbody tr").count() == 2
    screenshot("kpi_import_errors")
    csv.write_text("firm,period,kpi,value,source,comment\nSUP-A,2025-02,lead_time_days,4,GOV-1,\n")
    page.set_input_files("input[type=file]", str(csv))
    page.click("button:has-text('Check the file')")
    screenshot("kpi_import_preview")
    page.click("button:has-text('Import 1 row')")
    assert "1 new" in page.locator(".alert-success").inner_text()

    log_out(page)
    log_in(page, live_server, "fac@club.test", PASSWORD)
    screenshot("kpi_facilitator_home")
    page.goto(f"{live_server}/kpis/completeness")
    assert page.locator("#completeness tbody tr").count() == 2
    screenshot("kpi_completeness")
    assert [e for e in page.console_errors if "422" not in e] == []  # 422 is the page answering a bad form

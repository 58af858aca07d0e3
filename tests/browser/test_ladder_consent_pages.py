"""A governor without consent reads its supplier's ladder in Chromium: window outcomes only for unshared KPIs,
its own measurements month by month, a threshold preview on visible data, and supplier bands on benchmarks."""
from __future__ import annotations

from benchclub.extensions import db
from benchclub.ladder import evaluation
from tests.benchmarks.helpers import build_bench_club
from tests.factories import PASSWORD
from tests.ladder.test_ladder_oracle import twins

from .conftest import log_in


def test_governor_ladder_pages_hide_unshared_months(live_server, world, page, screenshot):
    a, _ = twins(world, (120.0, 480.0), "2025-04")
    evaluation.evaluate_governor(world.firms["G2"], "2025-06")
    db.session.commit()
    log_in(page, live_server, world.users["gov_no_consent"].email, PASSWORD)

    page.goto(f"{live_server}/ladder/suppliers/{a.id}")
    checklist = page.locator(".card", has_text="Checklist to stage 2")
    assert checklist.locator("[data-month-hidden]").count() == 7  # April ppm + six OTD months
    assert "2025-03 · 40.0 (G)" in " ".join(checklist.inner_text().split())
    assert "only the outcome over the whole window" in checklist.inner_text()
    screenshot("ladder-governor-scorecard-unshared")

    page.goto(f"{live_server}/ladder/")
    screenshot("ladder-governor-dashboard-unshared")
    page.click("text=evidence >> nth=0")
    assert page.locator("[data-month-hidden]").count() == 7
    screenshot("ladder-governor-recommendation-unshared")

    page.goto(f"{live_server}/ladder/settings")
    field = page.locator("input[aria-label=threshold]").nth(0)
    field.fill("300")
    page.click("button:has-text('Preview changed thresholds')")
    preview = page.locator("#preview")
    assert preview.locator("td[data-preview]", has_text="cannot tell").count() == 2
    screenshot("ladder-governor-settings-preview")
    assert not page.console_errors


def test_governor_benchmark_page_shows_supplier_bands(live_server, page, screenshot, db):
    bc = build_bench_club(24, kpi_codes=("otd_pct",), consenting=3)
    log_in(page, live_server, bc.users["governor"].email, PASSWORD)
    page.goto(f"{live_server}/benchmarks/governor?kpi=otd_pct")
    bands = page.locator("td[data-band]").all_inner_texts()
    assert len(bands) == 3 and all(b.strip().endswith("quarter") for b in bands)
    page.wait_for_selector("#suppliers .main-svg")
    screenshot("benchmarks-governor-supplier-bands")
    assert not page.console_errors

"""A governor approves a promotion on the tier dashboard; the supplier's member then sees its new stage."""
from __future__ import annotations

from datetime import date

from benchclub.clubs.services import create_firm, link_supplier
from benchclub.extensions import db
from benchclub.ladder import evaluation, services
from benchclub.ladder.targets import publish_target
from benchclub.models import FirmKind
from tests.factories import PASSWORD
from tests.ladder.helpers import SIX_MONTHS, closed_period, give_certificate, put_value, ready_for_stage_2

from .conftest import log_in, log_out


def _supply_base(world):
    """Supplier A ready for stage 2 with G1, plus a few suppliers with a stage history for the charts."""
    g1, a = world.firms["G1"], world.firms["A"]
    months = [f"2024-{m:02d}" for m in range(1, 13)] + SIX_MONTHS
    for month in months:
        closed_period(world.club, month)
    ready_for_stage_2(world.club, a, [g1])
    history = {"S1": [(2, "2024-02"), (3, "2024-09")], "S2": [(2, "2024-05")], "S3": [(2, "2024-03"), (1, "2025-02")],
               "S4": []}
    for i, (code, changes) in enumerate(history.items()):
        firm = create_firm(world.club, code, f"Supplier {code}", FirmKind.SUPPLIER, "ZA", "Pressings", 30 + i)
        link_supplier(g1, firm, 2 + i % 2)
        for month in SIX_MONTHS:
            put_value(firm, "customer_reject_ppm", month, 40.0 + 30 * i)
            put_value(firm, "otd_pct", month, 99.0 - i)
        give_certificate(firm, expires=date(2026, 1, 20) if code == "S2" else date(2027, 1, 1))
        for stage, month in changes:
            services.record_stage_change(g1, firm, stage, month, "Loaded from the supplier register", actor=None)
    publish_target(g1, "otd_pct", 98.0, "Required for zero-defect", actor=world.users["gov_consented"])
    evaluation.evaluate_governor(g1, "2025-06")
    db.session.commit()


def test_governor_approves_a_promotion_and_member_sees_the_new_stage(live_server, world, page, screenshot):
    _supply_base(world)
    log_in(page, live_server, "g1@gamma.test", PASSWORD)
    page.goto(f"{live_server}/ladder/")
    page.wait_for_selector("#stages-chart .main-svg")
    assert page.locator("h1").inner_text() == "Tier dashboard"
    screenshot("ladder_governor_dashboard")

    row = page.locator("#pending tr", has_text="Alpha Castings")
    row.locator("input[name=comment]").fill("Quality audit passed, figures confirmed")
    row.locator("button[value=approve]").click()
    page.wait_for_selector(".alert-success")
    assert "recommendation approved" in page.locator(".alert-success").inner_text()
    assert page.locator("#pending tr", has_text="Alpha Castings").count() == 0

    page.goto(f"{live_server}/ladder/suppliers/{world.firms['A'].id}")
    assert "2 · Self-certified" in page.locator("#current-stage").inner_text()
    screenshot("ladder_scorecard")
    assert page.console_errors == []

    log_out(page)
    log_in(page, live_server, "a@alpha.test", PASSWORD)
    assert "Stage 2 · Self-certified" in page.locator(f"[data-home-stage='{world.firms['G1'].id}']").inner_text()
    screenshot("ladder_member_home")
    page.goto(f"{live_server}/ladder/my-stages")
    card = page.locator(f"#governor-{world.firms['G1'].id}")
    assert "Stage 2 · Self-certified" in card.locator("[data-stage]").inner_text()
    assert "Checklist to stage 3 (Zero-defect)" in card.inner_text()
    assert "Quality audit passed, figures confirmed" in card.inner_text()
    screenshot("ladder_member_stages")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("ladder_member_stages_phone")
    assert page.console_errors == []


def test_governor_pages_render_at_phone_width(live_server, world, page, screenshot):
    _supply_base(world)
    log_in(page, live_server, "g1@gamma.test", PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/ladder/")
    page.wait_for_selector("#stages-chart .main-svg")
    screenshot("ladder_governor_dashboard_phone")
    for path, name in (("/ladder/visits", "ladder_visits"), ("/ladder/targets", "ladder_targets"),
                       ("/ladder/settings", "ladder_settings")):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server}{path}")
        screenshot(name)
    assert page.console_errors == []

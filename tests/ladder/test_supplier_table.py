"""The governor's first question, 'which supplier needs me?': the supplier table, next-close candidates, peer bands."""
from __future__ import annotations

from benchclub.extensions import db
from benchclub.ladder.candidates import is_next_close_candidate, within_one_close
from benchclub.ladder.charts import kpi_trend
from benchclub.ladder.rules import HOLD, Assessment, CriterionResult, MonthEvidence
from benchclub.ladder.targets import publish_target

from .helpers import closed_period, put_value


def _kpi_result(statuses):
    months = tuple(MonthEvidence(f"2025-0{i + 1}", 1.0, "self", s) for i, s in enumerate(statuses))
    bad = sum(1 for s in statuses if s != "met")
    return CriterionResult(2, "kpi_threshold", "ppm", bad == 0, "", months=months, shortfall=bad)


def _assessment(*entry):
    return Assessment("2025-06", 1, 1, 3, HOLD, 1, tuple(entry), (), False, "")


def test_only_suppliers_the_next_close_can_promote_are_candidates():
    oldest_fails = _kpi_result(["not met", "met", "met", "met", "met", "met"])
    newest_fails = _kpi_result(["met", "met", "met", "met", "met", "not met"])
    two_fail = _kpi_result(["not met", "not met", "met", "met", "met", "met"])
    six_months_to_go = CriterionResult(3, "months_at_stage", "6 months", False, "", shortfall=6)
    one_month_to_go = CriterionResult(3, "months_at_stage", "6 months", False, "", shortfall=1)
    assert within_one_close(oldest_fails) and not within_one_close(newest_fails) and not within_one_close(two_fail)
    assert is_next_close_candidate(_assessment(oldest_fails, one_month_to_go))
    assert not is_next_close_candidate(_assessment(oldest_fails, six_months_to_go))  # still 6 months away
    assert not is_next_close_candidate(_assessment(_kpi_result(["met"] * 6)))  # nothing unmet: that is a promotion


def test_supplier_table_shows_tier_stage_measurements_against_targets_and_next_visit(world, login_as):
    a, g1 = world.firms["A"], world.firms["G1"]
    closed_period(world.club, "2025-01")
    put_value(a, "otd_pct", "2025-01", 93.0, source=g1)
    publish_target(g1, "otd_pct", 95.0, actor=None)
    db.session.commit()
    page = login_as("gov_consented").get("/ladder/").get_data(as_text=True)
    table = page.split('id="suppliers"')[1].split("</section>")[0]
    assert "Alpha Castings" in table and "Tier 2" in table and "93.0 %" in table and "target ≥ 95.0 %" in table
    assert "bc-missed" in table and "1 missed" in table and "Next visit due" in table
    assert "js/sort-table.js" in page and "data-sortable" in table


def test_scorecard_charts_carry_the_released_peer_band_only():
    months = ["2025-01", "2025-02"]
    fig = kpi_trend("OTD", "% of order lines", months, [97.0, 98.0], None, 95.0, [(90.0, 94.0, 97.0), (None, None, None)])
    names = [t["name"] for t in fig["data"]]
    assert "Club median" in names and "Club P25 to P75" in names
    median = next(t for t in fig["data"] if t["name"] == "Club median")
    assert median["y"] == [94.0, None]  # a withheld month stays empty
    assert "Club median" not in [t["name"] for t in kpi_trend("OTD", "%", months, [1.0, 2.0], None, None)["data"]]
    assert kpi_trend("ppm", "parts per million", months, [10.0, 20.0], None, None)["layout"]["yaxis"]["type"] == "log"


def test_admin_reads_a_governors_pages_without_its_forms_and_with_its_consent(world, login_as):
    a = world.firms["A"]
    put_value(a, "customer_reject_ppm", "2025-01", 123.4)  # self-reported; A shares with G1, not with G2
    closed_period(world.club, "2025-01")
    db.session.commit()
    client = login_as("admin")
    assert "GOV-1" in client.get("/ladder/").get_data(as_text=True)  # picker
    page = client.get("/ladder/?governor=GOV-1").get_data(as_text=True)
    assert "data-read-only" in page and "/ladder/evaluate" not in page and "Gamma Motors" in page
    assert f"/ladder/suppliers/{a.id}?governor=GOV-1" in page
    g1 = client.get(f"/ladder/suppliers/{a.id}?governor=GOV-1").get_data(as_text=True)
    g2 = client.get(f"/ladder/suppliers/{a.id}?governor=GOV-2").get_data(as_text=True)
    assert "123.4" in g1 and "123.4" not in g2  # what that governor may see, nothing more
    assert client.post("/ladder/evaluate", data={"period": "2025-01"}).status_code == 403  # never decides

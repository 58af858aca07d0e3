"""The pure ladder rules engine (DOMAIN §7): recommendations and their evidence, with no database."""
from __future__ import annotations

from datetime import date

import pytest

from benchclub.ladder.defaults import DEFAULT_CRITERIA, DEFAULT_STAGES
from benchclub.ladder.months import month_end_date, next_visit_due, shift_month
from benchclub.ladder.rules import (
    DEMOTE,
    HOLD,
    PROMOTE,
    CertificateFact,
    Criterion,
    LadderRules,
    Stage,
    StageFact,
    SupplierFacts,
    VisitFact,
    current_stage,
    evaluate,
)

LADDER = LadderRules(
    version=1,
    stages=tuple(Stage(n, name) for n, name, _ in DEFAULT_STAGES),
    criteria=tuple(Criterion(stage, kind, params) for stage, kind, params in DEFAULT_CRITERIA),
)
PERIOD = "2025-06"
MONTHS = [shift_month(PERIOD, -i) for i in range(23, -1, -1)]  # 2023-07 .. 2025-06, all closed
ISO9001 = CertificateFact("ISO 9001", date(2024, 1, 1), date(2027, 1, 1))
ISO14001 = CertificateFact("ISO 14001", date(2024, 1, 1), date(2027, 1, 1))
QUALITY_PASSED = VisitFact(date(2025, 3, 10), "quality", "passed")


def monthly(ppm: float | None, otd: float | None, months=MONTHS) -> dict:
    """Self-reported values for every month: the same ppm and OTD each month."""
    values = {}
    for m in months:
        values[("customer_reject_ppm", m)] = ppm
        values[("otd_pct", m)] = otd
    return values


def facts(**kw) -> SupplierFacts:
    base = dict(closed_months=MONTHS, self_values=monthly(300, 96), certificates=[ISO9001],
                visits=[QUALITY_PASSED], linked_month="2023-01")
    base.update(kw)
    return SupplierFacts(**base)


def by_name(assessment, fragment):
    return next(c for c in (*assessment.entry, *assessment.retention) if fragment in c.name)


# --- stage 1 -> 2 -------------------------------------------------------------------------------

def test_new_supplier_without_history_is_at_stage_1():
    assert current_stage([], PERIOD) == (1, None)


def test_of_two_changes_in_one_month_the_later_is_in_force():
    history = [StageFact(2, "2025-03"), StageFact(3, "2025-05"), StageFact(2, "2025-05")]  # oldest first
    assert current_stage(history, "2025-06") == (2, "2025-05")
    assert current_stage(history, "2025-04") == (2, "2025-03")


def test_stage_1_supplier_meeting_every_stage_2_criterion_is_promoted_to_2():
    result = evaluate(LADDER, facts(), PERIOD)
    assert (result.current_stage, result.recommendation, result.target_stage) == (1, PROMOTE, 2)
    assert len(result.entry) == 4 and all(c.met for c in result.entry)


def test_kpi_criterion_lists_the_evidence_month_by_month_against_the_threshold():
    values = monthly(300, 96)
    values[("customer_reject_ppm", "2025-04")] = 900.0
    result = evaluate(LADDER, facts(self_values=values), PERIOD)
    ppm = by_name(result, "customer_reject_ppm")
    assert [m.month for m in ppm.months] == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert [m.status for m in ppm.months] == ["met", "met", "met", "not met", "met", "met"]
    assert ppm.months[3].value == 900.0 and ppm.months[3].source == "self"
    assert not ppm.met and ppm.detail == "5 of the last 6 months at or below 500; 1 more needed"
    assert result.recommendation == HOLD and result.target_stage == 1


def test_kpi_labels_name_the_criterion():
    result = evaluate(LADDER, facts(), PERIOD, kpi_labels={"otd_pct": "On-time delivery"})
    assert by_name(result, "On-time delivery").name == "On-time delivery \u2265 95 in each of the last 6 months"


def test_a_missing_month_fails_a_monthly_criterion():
    values = monthly(300, 96)
    del values[("otd_pct", "2025-02")]
    otd = by_name(evaluate(LADDER, facts(self_values=values), PERIOD), "otd_pct")
    assert not otd.met
    assert otd.months[1].status == "missing"
    assert otd.detail == "5 of the last 6 months at or above 95; 1 more needed (1 without a value)"


def test_a_nil_return_fails_a_monthly_criterion_and_is_never_read_as_zero():
    values = monthly(300, 96)
    values[("customer_reject_ppm", "2025-05")] = None  # nil return: 0 ppm would have passed
    result = evaluate(LADDER, facts(self_values=values), PERIOD)
    ppm = by_name(result, "customer_reject_ppm")
    assert not ppm.met and ppm.months[4].status == "nil return" and ppm.months[4].value is None
    assert "1 nil return" in ppm.detail
    assert result.recommendation == HOLD


def test_a_month_that_is_not_a_closed_period_counts_as_missing():
    result = evaluate(LADDER, facts(closed_months=MONTHS[-4:]), PERIOD)
    ppm = by_name(result, "customer_reject_ppm")
    assert [m.status for m in ppm.months] == ["missing", "missing", "met", "met", "met", "met"]
    assert ppm.detail.startswith("4 of the last 6 months at or below 500; 2 more needed")


def test_months_are_closed_periods_counted_back_so_an_open_month_is_skipped():
    closed = [m for m in MONTHS if m != "2025-05"]  # reopened for corrections
    ppm = by_name(evaluate(LADDER, facts(closed_months=closed), PERIOD), "customer_reject_ppm")
    assert [m.month for m in ppm.months] == ["2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-06"]
    assert ppm.met


def test_the_governor_value_overrides_the_self_reported_one():
    gov = {("customer_reject_ppm", "2025-03"): 1200.0}
    result = evaluate(LADDER, facts(governor_values=gov), PERIOD)
    ppm = by_name(result, "customer_reject_ppm")
    march = ppm.months[2]
    assert (march.value, march.source, march.status) == (1200.0, "governor", "not met")
    assert result.recommendation == HOLD


def test_a_governor_value_fills_a_month_the_supplier_did_not_report():
    values = monthly(300, 96)
    del values[("otd_pct", "2025-06")]
    gov = {("otd_pct", "2025-06"): 97.0}
    otd = by_name(evaluate(LADDER, facts(self_values=values, governor_values=gov), PERIOD), "otd_pct")
    assert otd.met and otd.months[-1].source == "governor"


def test_a_governor_value_is_ignored_for_kpis_the_governor_does_not_measure():
    values = monthly(300, 96)
    values[("training_hours", PERIOD)] = 5.0
    extra = Criterion(2, "kpi_threshold", {"kpi_code": "training_hours", "op": ">=", "threshold": 4, "months": 1})
    ladder = LadderRules(1, LADDER.stages, LADDER.criteria + (extra,))
    result = evaluate(ladder, facts(self_values=values, governor_values={("training_hours", PERIOD): 1.0}), PERIOD)
    training = by_name(result, "training_hours")
    assert training.met and training.months[0].source == "self"


def test_missing_certificate_blocks_stage_2():
    cert = by_name(evaluate(LADDER, facts(certificates=[]), PERIOD), "certificate")
    assert not cert.met and cert.detail == "no valid ISO 9001 or IATF 16949 certificate"


def test_iatf_16949_is_accepted_instead_of_iso_9001():
    iatf = CertificateFact("IATF 16949", date(2024, 5, 1), date(2027, 5, 1))
    assert evaluate(LADDER, facts(certificates=[iatf]), PERIOD).recommendation == PROMOTE


def test_a_certificate_expiring_inside_the_window_fails_when_expired_on_the_period_end():
    lapsed = CertificateFact("ISO 9001", date(2022, 5, 1), date(2025, 4, 30))
    result = evaluate(LADDER, facts(certificates=[lapsed]), PERIOD)
    cert = by_name(result, "certificate")
    assert not cert.met and cert.detail == "ISO 9001 expired on 2025-04-30"
    assert result.recommendation == HOLD


def test_an_expiring_certificate_still_counts_as_valid():
    soon = CertificateFact("ISO 9001", date(2022, 8, 1), date(2025, 8, 15))  # 46 days after 2025-06-30
    cert = by_name(evaluate(LADDER, facts(certificates=[soon]), PERIOD), "certificate")
    assert cert.met and cert.detail == "ISO 9001 valid until 2025-08-15 (expiring)"


def test_a_certificate_issued_after_the_period_does_not_count():
    future = CertificateFact("ISO 9001", date(2025, 7, 1), date(2028, 7, 1))
    assert not by_name(evaluate(LADDER, facts(certificates=[future]), PERIOD), "certificate").met


def test_stage_2_needs_a_passed_quality_visit_within_12_months():
    old = VisitFact(date(2024, 6, 30), "quality", "passed")  # one day before the window
    materials = VisitFact(date(2025, 5, 1), "materials", "passed")
    follow_up = VisitFact(date(2025, 5, 2), "quality", "follow-up")
    visit = by_name(evaluate(LADDER, facts(visits=[old, materials, follow_up]), PERIOD), "visit")
    assert not visit.met and visit.detail == "no quality visit with outcome passed since 2024-07-01"
    edge = VisitFact(date(2024, 7, 1), "quality", "passed")
    assert by_name(evaluate(LADDER, facts(visits=[edge]), PERIOD), "visit").met


# --- no skipping; stage 2 -> 3 -> 4 ---------------------------------------------------------------

def test_a_stage_1_supplier_meeting_stage_3_criteria_is_only_promoted_to_stage_2():
    result = evaluate(LADDER, facts(self_values=monthly(10, 99.5)), PERIOD)
    assert (result.recommendation, result.target_stage) == (PROMOTE, 2)
    assert {c.stage for c in result.entry} == {2}


def test_a_recently_promoted_supplier_holds_until_6_months_at_stage_2():
    history = [StageFact(2, "2025-03")]  # 4 months at stage 2 by June
    result = evaluate(LADDER, facts(self_values=monthly(10, 99.5), stage_history=history), PERIOD)
    assert result.current_stage == 2 and result.months_at_stage == 4
    assert (result.recommendation, result.target_stage) == (HOLD, 2)
    months = by_name(result, "months at stage")
    assert not months.met and months.detail == "4 months at stage 2; 2 more needed"
    assert result.is_promotion_candidate  # every other stage-3 criterion holds


def test_stage_2_supplier_six_months_in_with_zero_defects_is_promoted_to_3():
    history = [StageFact(2, "2025-01")]
    result = evaluate(LADDER, facts(self_values=monthly(10, 99.5), stage_history=history), PERIOD)
    assert (result.current_stage, result.recommendation, result.target_stage) == (2, PROMOTE, 3)


def test_stage_changes_after_the_evaluated_period_are_ignored():
    history = [StageFact(2, "2024-01"), StageFact(3, "2025-09")]
    assert current_stage(history, PERIOD) == (2, "2024-01")


def stage_4_facts(**kw):
    base = dict(self_values=monthly(20, 99), certificates=[ISO9001, ISO14001],
                stage_history=[StageFact(2, "2023-07"), StageFact(3, "2024-06")],
                actions_completed=[date(2024, 9, 1), date(2025, 2, 1)], workshops_attended=[date(2025, 4, 9)])
    base.update(kw)
    return facts(**base)


def test_stage_3_supplier_with_every_total_quality_criterion_is_promoted_to_4():
    result = evaluate(LADDER, stage_4_facts(), PERIOD)
    assert (result.current_stage, result.recommendation, result.target_stage) == (3, PROMOTE, 4)
    assert len(result.entry) == 6


def test_stage_4_counts_actions_and_workshops_inside_the_12_month_window_only():
    result = evaluate(LADDER, stage_4_facts(actions_completed=[date(2024, 6, 30), date(2025, 1, 5)],
                                            workshops_attended=[]), PERIOD)
    actions = by_name(result, "improvement actions")
    workshops = by_name(result, "workshops")
    assert not actions.met and actions.detail == "1 of 2 improvement actions completed since 2024-07-01; 1 more needed"
    assert not workshops.met and workshops.shortfall == 1
    assert result.recommendation == HOLD and not result.is_promotion_candidate


def test_stage_4_needs_stage_3_thresholds_held_in_each_of_the_last_12_months():
    values = monthly(20, 99)
    values[("otd_pct", "2024-08")] = 97.0  # inside the 12-month window, outside the last 6
    result = evaluate(LADDER, stage_4_facts(self_values=values), PERIOD)
    assert result.recommendation == HOLD
    assert result.is_promotion_candidate  # exactly one stage-4 criterion unmet
    assert result.unmet[0].params["months"] == 12


def test_top_stage_holds():
    history = [StageFact(4, "2024-01")]
    result = evaluate(LADDER, stage_4_facts(stage_history=history), PERIOD)
    assert (result.recommendation, result.target_stage, result.entry) == (HOLD, 4, ())


# --- demotion ---------------------------------------------------------------------------------------

def test_demotion_after_3_failing_months_of_the_current_stage():
    values = monthly(300, 96)
    for m in ("2025-04", "2025-05", "2025-06"):
        values[("otd_pct", m)] = 90.0
    result = evaluate(LADDER, facts(self_values=values, stage_history=[StageFact(2, "2024-01")]), PERIOD)
    assert (result.recommendation, result.target_stage) == (DEMOTE, 1)
    held = by_name(result, "monthly criteria")
    assert not held.met and "failed in 3 of the last 3 months" in held.detail


def test_two_failing_months_out_of_three_do_not_demote_but_mark_at_risk():
    values = monthly(300, 96)
    for m in ("2025-04", "2025-06"):
        values[("customer_reject_ppm", m)] = 800.0
    result = evaluate(LADDER, facts(self_values=values, stage_history=[StageFact(2, "2024-01")]), PERIOD)
    assert result.recommendation == HOLD and result.at_risk


def test_three_missing_months_count_as_failing_and_demote():
    values = monthly(300, 96, months=MONTHS[:-3])
    result = evaluate(LADDER, facts(self_values=values, stage_history=[StageFact(2, "2024-01")]), PERIOD)
    assert result.recommendation == DEMOTE


def test_demotion_is_one_stage_only():
    values = monthly(300, 96)  # fails the stage-4 thresholds (<= 50 ppm) every month
    history = [StageFact(2, "2023-01"), StageFact(3, "2023-07"), StageFact(4, "2024-07")]
    result = evaluate(LADDER, stage_4_facts(self_values=values, stage_history=history), PERIOD)
    assert (result.current_stage, result.recommendation, result.target_stage) == (4, DEMOTE, 3)


def test_a_supplier_promoted_only_recently_is_not_demoted_for_months_before_its_promotion():
    values = monthly(300, 96)  # fine for stage 2, failing stage 3 thresholds
    result = evaluate(LADDER, facts(self_values=values, stage_history=[StageFact(3, "2025-05")]), PERIOD)
    assert result.current_stage == 3 and result.months_at_stage == 2
    assert result.recommendation == HOLD
    assert result.at_risk


def test_an_expired_required_certificate_demotes_at_once():
    lapsed = CertificateFact("ISO 9001", date(2022, 5, 1), date(2025, 6, 1))
    result = evaluate(LADDER, facts(certificates=[lapsed], stage_history=[StageFact(2, "2024-01")]), PERIOD)
    assert (result.recommendation, result.target_stage) == (DEMOTE, 1)
    assert "ISO 9001 expired on 2025-06-01" in result.reason


def test_a_lower_stage_certificate_is_still_required_higher_up():
    result = evaluate(LADDER, stage_4_facts(certificates=[ISO14001]), PERIOD)  # stage 3, ISO 9001 gone
    assert (result.recommendation, result.target_stage) == (DEMOTE, 2)


def test_a_required_certificate_expiring_soon_marks_at_risk_without_demoting():
    soon = CertificateFact("ISO 9001", date(2022, 8, 1), date(2025, 8, 15))
    result = evaluate(LADDER, facts(certificates=[soon], stage_history=[StageFact(2, "2024-01")]), PERIOD)
    assert result.recommendation != DEMOTE and result.at_risk


def test_stage_1_supplier_is_never_demoted_or_at_risk():
    result = evaluate(LADDER, facts(self_values={}, certificates=[]), PERIOD)
    assert (result.recommendation, result.target_stage, result.at_risk) == (HOLD, 1, False)


def test_criteria_dicts_are_json_ready_with_retention_first():
    import json

    result = evaluate(LADDER, facts(stage_history=[StageFact(2, "2024-01")], self_values=monthly(10, 99.5)), PERIOD)
    dicts = result.criteria_dicts()
    assert dicts[0]["purpose"] == "retention" and dicts[-1]["purpose"] == "entry"
    assert json.loads(json.dumps(dicts)) == dicts


# --- calendar helpers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("last,cadence,due", [
    (date(2025, 1, 6), "weekly", date(2025, 1, 13)),
    (date(2025, 1, 6), "fortnightly", date(2025, 1, 20)),
    (date(2025, 1, 31), "monthly", date(2025, 2, 28)),
    (date(2025, 12, 15), "monthly", date(2026, 1, 15)),
])
def test_next_visit_due_follows_the_cadence(last, cadence, due):
    assert next_visit_due(last, cadence) == due


def test_month_helpers():
    assert shift_month("2025-01", -1) == "2024-12" and shift_month("2024-12", 1) == "2025-01"
    assert month_end_date("2024-02") == date(2024, 2, 29)


def test_units_word_the_checklist_like_the_member_reads_it():
    values = monthly(300, 96)
    values[("customer_reject_ppm", "2025-01")] = 800.0
    values[("customer_reject_ppm", "2025-02")] = 700.0
    result = evaluate(LADDER, facts(self_values=values), PERIOD,
                      kpi_labels={"customer_reject_ppm": "Customer rejects", "otd_pct": "On-time delivery"},
                      kpi_units={"customer_reject_ppm": "ppm", "otd_pct": "%"})
    ppm = by_name(result, "Customer rejects")
    assert ppm.name == "Customer rejects \u2264 500 ppm in each of the last 6 months"
    assert ppm.detail == "4 of the last 6 months at or below 500 ppm; 2 more needed"
    assert by_name(result, "On-time delivery").name == "On-time delivery \u2265 95% in each of the last 6 months"

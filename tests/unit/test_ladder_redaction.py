"""What a governor may see of a ladder checklist, and frozen monthly verdicts: pure, no database (DOMAIN §6)."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchclub.ladder.redaction import (
    CANNOT_TELL,
    MET,
    NOT_MET,
    governor_at_risk,
    governor_criteria,
    preview_outcome,
    visible_facts,
)
from benchclub.ladder.rules import Criterion, StageFact, evaluate
from benchclub.ladder.services import ladder_in_force

from .test_ladder_rules import LADDER, MONTHS, PERIOD, facts, monthly

PPM2 = Criterion(2, "kpi_threshold", {"kpi_code": "customer_reject_ppm", "op": "<=", "threshold": 500.0, "months": 6})


def governor_view(ppm_self: dict, shared=frozenset(), gov: dict | None = None, history=()):
    values = monthly(None, 96)
    values.update(ppm_self)
    a = evaluate(LADDER, facts(self_values=values, governor_values=gov or {}, stage_history=list(history)), PERIOD)
    return governor_criteria(a.criteria_dicts(), set(shared)), a


@given(st.floats(0, 500), st.floats(0, 500))
def test_an_unshared_value_changes_nothing_the_governor_sees_while_the_window_outcome_holds(x, y):
    seen = [governor_view({("customer_reject_ppm", m): v for m in MONTHS})[0] for v in (x, y)]
    assert seen[0] == seen[1]


def test_unshared_months_show_neither_value_nor_status_and_the_detail_no_count():
    crits, _ = governor_view({("customer_reject_ppm", m): 120.0 for m in MONTHS},
                             gov={("customer_reject_ppm", "2025-06"): 40.0})
    ppm = next(c for c in crits if c["params"].get("kpi_code") == "customer_reject_ppm")
    assert ppm["withheld"] and ppm["shortfall"] is None and not re.search(r"\d+ of the last", ppm["detail"])
    assert ppm["months"][:5] == [{"month": m, "hidden": True} for m in MONTHS[-6:-1]]
    assert ppm["months"][5] == {"month": "2025-06", "value": 40.0, "source": "governor", "status": "met"}


def test_a_shared_kpi_keeps_its_evidence_month_by_month():
    crits, a = governor_view({("customer_reject_ppm", m): 120.0 for m in MONTHS}, shared={"customer_reject_ppm"})
    ppm = next(c for c in crits if c["params"].get("kpi_code") == "customer_reject_ppm")
    assert "withheld" not in ppm and ppm["months"][0]["value"] == 120.0
    assert governor_criteria(a.criteria_dicts(), None) == a.criteria_dicts()


def test_the_retention_count_is_withheld_when_it_rests_on_an_unshared_kpi():
    values = {("customer_reject_ppm", m): 120.0 for m in MONTHS}
    values[("customer_reject_ppm", "2025-06")] = 900.0  # one failing month: not a demotion
    crits, a = governor_view(values, shared={"otd_pct"}, history=[StageFact(2, "2024-01")])
    held = next(c for c in crits if c["kind"] == "monthly_held")
    assert held["met"] and "1 of the last" not in held["detail"] and held["withheld"]
    assert a.at_risk and not governor_at_risk(a.risk_months, a.certificate_risk, {"otd_pct"})
    assert governor_at_risk(a.risk_months, a.certificate_risk, {"customer_reject_ppm"})


def test_a_month_is_judged_against_the_threshold_in_force_when_it_closed():
    strict = Criterion(2, "kpi_threshold", {**PPM2.params, "threshold": 100.0},
                       {m: 500.0 for m in MONTHS if m < "2025-06"})
    ladder = LADDER.__class__(2, LADDER.stages, tuple(strict if c.params.get("kpi_code") == "customer_reject_ppm"
                                                     and c.stage == 2 else c for c in LADDER.criteria))
    a = evaluate(ladder, facts(self_values=monthly(300, 96)), PERIOD)
    ppm = next(c for c in a.entry if "rejects" in c.name or "customer_reject_ppm" in c.name)
    assert [m.status for m in ppm.months] == ["met"] * 5 + ["not met"]  # only June meets the new 100 ppm rule
    assert ppm.months[0].threshold == 500.0 and ppm.months[5].threshold is None


@pytest.mark.parametrize(("own", "shared", "threshold", "expected"), [
    ({}, set(), 300.0, CANNOT_TELL),                       # nothing visible
    ({"2025-03": 400.0}, set(), 300.0, NOT_MET),           # a month the governor measured fails
    ({m: 40.0 for m in MONTHS}, set(), 300.0, MET),        # every month measured by the governor
    ({}, {"customer_reject_ppm"}, 300.0, MET),             # shared: the self values count
    ({}, {"customer_reject_ppm"}, 100.0, NOT_MET),
])
def test_a_preview_reads_visible_data_only(own, shared, threshold, expected):
    f = facts(self_values=monthly(120.0, 96), governor_values={("customer_reject_ppm", m): v for m, v in own.items()})
    c = Criterion(2, "kpi_threshold", {**PPM2.params, "threshold": threshold})
    assert preview_outcome(c, visible_facts(f, shared), PERIOD, shared) == expected
    hidden = facts(self_values=monthly(999.0, 96), governor_values=f.governor_values)
    if not shared:  # the unshared self value cannot move the preview
        assert preview_outcome(c, visible_facts(hidden, shared), PERIOD, shared) == expected


def test_the_version_in_force_is_the_latest_saved_before_the_period_closed():
    v1, v2, v3 = (SimpleNamespace(version=1, effective_after=None), SimpleNamespace(version=2, effective_after="2025-06"),
                  SimpleNamespace(version=3, effective_after="2025-06"))
    assert ladder_in_force([v1, v2, v3], "2025-06") is v1
    assert ladder_in_force([v1, v2, v3], "2025-07") is v3

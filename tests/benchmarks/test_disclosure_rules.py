"""One test per DOMAIN §5 disclosure rule, on the pure disclosure functions."""
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from benchclub.benchmarks import stats
from benchclub.benchmarks.disclosure import (
    FACILITATOR,
    GOVERNOR,
    MEMBER,
    PeriodFacts,
    RawStat,
    Thresholds,
    Viewer,
    group_release_ok,
    merge_small_bins,
    n_label,
    plan_release,
    release_median_difference,
    release_stat,
)

CLUB = SimpleNamespace(min_firms=5, min_firms_tails=10, exact_n_from=20)
MEMBER_VIEW = Viewer(MEMBER, 1, firm_id=1)


def raw(n: int, group: str = "sector:X", histogram=None) -> RawStat:
    values = [float(v) for v in range(1, n + 1)]
    summary = stats.summary(values)
    return RawStat("otd_pct", group, n, {k: summary[k] for k in ("p10", "p25", "p50", "p75", "p90", "mean")},
                   histogram)


def test_rule1_a_group_of_four_releases_nothing():
    released = release_stat(raw(4), MEMBER_VIEW, CLUB, n_rest=20)
    assert released.stats == {} and not released.released
    assert "fewer than 5" in released.suppressed["p50"]


def test_rule1_p10_and_p90_need_ten_firms():
    nine = release_stat(raw(9), MEMBER_VIEW, CLUB, n_rest=20)
    assert set(nine.stats) == {"p25", "p50", "p75", "mean"}
    assert "at least 10" in nine.suppressed["p10"] and "at least 10" in nine.suppressed["p90"]
    ten = release_stat(raw(10), MEMBER_VIEW, CLUB, n_rest=20)
    assert set(ten.stats) == {"p10", "p25", "p50", "p75", "p90", "mean"}


def test_rule2_released_stats_carry_no_minimum_maximum_or_values():
    released = release_stat(raw(12), MEMBER_VIEW, CLUB, n_rest=0)
    names = set(released.stats) | set(released.suppressed)
    assert names == {"p10", "p25", "p50", "p75", "p90", "mean"}
    assert 1.0 not in released.stats.values() and 12.0 not in released.stats.values()


def test_rule3_the_rest_of_the_club_must_be_none_or_at_least_five():
    assert group_release_ok(6, 0, CLUB)
    assert not group_release_ok(6, 1, CLUB) and not group_release_ok(6, 4, CLUB)
    assert group_release_ok(6, 5, CLUB)
    assert "subtracted" in release_stat(raw(6), MEMBER_VIEW, CLUB, n_rest=3).suppressed["p50"]


@settings(max_examples=120, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=12))
def test_rule4_merged_bins_never_hold_one_or_two_firms(counts):
    bins = [{"lo": float(i), "hi": float(i + 1), "count": c} for i, c in enumerate(counts)]
    merged = merge_small_bins(bins)
    assert sum(b["count"] for b in merged) == sum(counts)
    assert merged[0]["lo"] == 0 and merged[-1]["hi"] == len(counts)
    assert all(a["hi"] == b["lo"] for a, b in zip(merged, merged[1:], strict=False))
    if sum(counts) >= 3:
        assert all(b["count"] == 0 or b["count"] >= 3 for b in merged)


def test_rule4_an_unmerged_small_bin_is_never_released():
    hist = [{"lo": 0, "hi": 50, "count": 2}, {"lo": 50, "hi": 100, "count": 10}]
    released = release_stat(raw(12, histogram=hist), MEMBER_VIEW, CLUB, n_rest=0)
    assert released.histogram is None and "fewer than 3" in released.histogram_note


def test_rule5_n_is_exact_from_twenty_else_a_band():
    assert n_label(4, CLUB) == "fewer than 5"
    assert n_label(5, CLUB) == "5-9" and n_label(9, CLUB) == "5-9"
    assert n_label(10, CLUB) == "10-19" and n_label(19, CLUB) == "10-19"
    assert n_label(20, CLUB) == 20


def test_thresholds_can_only_be_raised():
    lowered = Thresholds.from_club(SimpleNamespace(min_firms=2, min_firms_tails=3, exact_n_from=4))
    assert lowered == Thresholds(5, 10, 20)
    raised = SimpleNamespace(min_firms=7, min_firms_tails=12, exact_n_from=30)
    assert not release_stat(raw(6), MEMBER_VIEW, raised, n_rest=0).released
    assert "p10" not in release_stat(raw(11), MEMBER_VIEW, raised, n_rest=0).stats
    assert n_label(25, raised) == "12-29"


def test_rule7_a_governor_needs_five_firms_it_does_not_know():
    governor = Viewer(GOVERNOR, 1, firm_id=99, known_firm_ids=frozenset({1, 2, 3, 4}))
    blocked = release_stat(raw(8), governor, CLUB, n_rest=0, known_group=4)
    assert not blocked.released and "consenting suppliers" in blocked.reason
    allowed = release_stat(raw(9), governor, CLUB, n_rest=0, known_group=4)
    assert allowed.released and allowed.firm_value is None and allowed.percentile_rank is None


def test_rule8_the_facilitator_sees_everything_with_exact_n_and_a_note():
    facilitator = Viewer(FACILITATOR, 1)
    released = release_stat(raw(4), facilitator, CLUB, n_rest=20)
    assert released.n == 4 and released.stats["p10"] == raw(4).values["p10"]
    assert "fewer than 5" in released.note


def _plan(groups_of):
    values = {f: 50.0 + f * 0.37 for f in groups_of}
    facts = PeriodFacts(groups_of, frozenset(), {"otd_pct": values}, {"otd_pct": (0.0, 50.0, 100.0)},
                        {"otd_pct": True})
    return {g: rel.withheld for (_, g), rel in plan_release(facts, CLUB).stats.items()}


def test_nested_groups_that_differ_by_a_few_firms_are_not_both_published():
    groups_of = {f: ["all"] + (["sector:A"] if f < 8 else []) + (["country:ZA"] if f < 10 else []) for f in range(30)}
    plan = _plan(groups_of)
    assert plan["sector:A"] is not None and plan["country:ZA"] is None and plan["all"] is None
    assert "subtracted" in plan["sector:A"]


def test_a_dimension_cannot_leave_one_to_four_firms_to_subtraction():
    groups_of = {f: ["all", "sector:" + ("A" if f < 10 else "B" if f < 20 else "C")] for f in range(23)}
    plan = _plan(groups_of)
    assert plan["sector:C"] is not None
    assert sum(1 for g in ("sector:A", "sector:B") if plan[g] is not None) >= 1


def test_median_difference_needs_five_firms_each_side_and_shows_bands():
    a = {i: float(i) for i in range(6)}
    b = {i: float(i) for i in range(10, 14)}
    assert not release_median_difference(a, b, MEMBER_VIEW, CLUB).released
    b[14] = 14.0
    diff = release_median_difference(a, b, MEMBER_VIEW, CLUB)
    assert diff.released and diff.difference == 2.5 - 12.0 and diff.n_a == "5-9"
    governor = Viewer(GOVERNOR, 1, known_firm_ids=frozenset({10}))  # b: 4 unknown firms
    assert not release_median_difference(a, b, governor, CLUB).released

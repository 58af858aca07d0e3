"""Pure suggestion and impact rules over plain data (DOMAIN §8, §5)."""
from hypothesis import given
from hypothesis import strategies as st

from benchclub.benchmarks.disclosure import MEMBER, Thresholds, Viewer, release_median_difference
from benchclub.workshops.rules import PeriodFigures, horizon_impact, improvement, suggest, unavailable_horizon


def _period(month, values):
    return PeriodFigures(month=month, values=values)


def _six_months(values_per_month):
    return [_period(f"2024-{i + 1:02d}", v) for i, v in enumerate(values_per_month)]


# Eight firms; for higher-is-better the P75 of 1..8 is 6.25, the P25 is 2.75.
BASE = {f"F{i}": float(i) for i in range(1, 9)}


def test_host_needs_best_in_class_in_four_of_the_last_six_months():
    months = []
    for i in range(6):
        values = dict(BASE)
        values["F5"] = 9.0 if i < 4 else 1.0  # best in 4 months
        values["F4"] = 9.0 if i < 3 else 1.0  # best in only 3
        months.append(values)
    result = suggest(_six_months(months), higher_is_better=True)
    hosts = {c.firm: c.months_at_best for c in result.hosts}
    assert hosts["F5"] == 4
    assert "F4" not in hosts
    assert "F1" not in hosts


def test_a_value_exactly_at_the_threshold_counts_as_best_in_class():
    values = {"A": 1.0, "B": 2.0, "C": 3.0, "D": 4.0, "E": 5.0}  # P75 = 4.0 exactly
    result = suggest(_six_months([values] * 6), higher_is_better=True)
    assert [c.firm for c in result.hosts] == ["E", "D"]


def test_lower_is_better_uses_p25_for_hosts_and_p75_for_invitees():
    values = {"A": 10.0, "B": 20.0, "C": 30.0, "D": 40.0, "E": 50.0}  # P25 = 20, P75 = 40
    result = suggest(_six_months([values] * 6), higher_is_better=False)
    assert [c.firm for c in result.hosts] == ["A", "B"]
    assert [c.firm for c in result.invitees] == ["E"]  # strictly beyond 40; D sits on it


def test_invitees_come_from_the_latest_period_only_worst_first():
    old = dict(BASE, F8=0.0)  # F8 was in the tail long ago
    latest = dict(BASE)
    result = suggest(_six_months([old] * 5 + [latest]), higher_is_better=True)
    assert [c.firm for c in result.invitees] == ["F1", "F2"]
    assert result.month == "2024-06"


def test_only_the_last_six_closed_periods_count():
    strong_early = dict(BASE, F1=100.0)
    periods = [_period(f"2023-{i:02d}", strong_early) for i in range(1, 4)]
    periods += [_period(f"2024-{i:02d}", BASE) for i in range(1, 7)]
    result = suggest(periods, higher_is_better=True)
    assert result.window == [f"2024-{i:02d}" for i in range(1, 7)]
    assert "F1" not in {c.firm for c in result.hosts}


def test_reasons_give_months_at_best_and_gap_to_median():
    result = suggest(_six_months([BASE] * 6), higher_is_better=True)
    host = result.hosts[0]
    assert host.firm == "F8"
    assert host.gap_to_median == 8.0 - 4.5
    assert "6 of the last 6" in host.reason and "+3.50" in host.reason
    worst = result.invitees[0]
    assert worst.firm == "F1" and worst.gap_to_median == -3.5
    assert worst.reason.startswith("beyond the worse quartile") and "-3.50" in worst.reason


def test_published_quartiles_are_used_when_the_snapshot_has_them():
    figures = PeriodFigures(month="2024-01", values={"A": 1.0, "B": 2.0, "C": 3.0}, p25=0.5, p50=2.0, p75=2.5)
    result = suggest([figures], higher_is_better=True)
    assert result.best_in_class == 2.5 and result.worse_quartile == 0.5
    assert [c.firm for c in result.hosts] == []  # one month only: nobody has 4 of 6
    assert result.invitees == []  # nobody below the published P25


def test_no_periods_means_no_suggestions():
    result = suggest([], higher_is_better=True)
    assert result.hosts == [] and result.invitees == [] and result.n == 0


@given(st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=1, max_size=30),
       st.booleans())
def test_suggested_firms_always_satisfy_their_definitions(values, higher):
    period = PeriodFigures(month="2024-06", values={i: v for i, v in enumerate(values)})
    result = suggest([period] * 6, higher_is_better=higher)
    threshold = period.best_in_class(higher)
    worse = period.worse_quartile(higher)
    for c in result.hosts:
        assert c.value == threshold or (c.value > threshold if higher else c.value < threshold)
    for c in result.invitees:
        assert c.value < worse if higher else c.value > worse
    assert not {c.firm for c in result.hosts} & {c.firm for c in result.invitees}


# --- impact --------------------------------------------------------------------------------


def test_impact_is_the_difference_of_median_changes():
    base = {"A": 80.0, "B": 82.0, "C": 84.0, "X": 80.0, "Y": 90.0, "H": 99.0}
    later = {"A": 90.0, "B": 86.0, "C": 92.0, "X": 81.0, "Y": 91.0, "H": 50.0}
    h = horizon_impact(3, "2024-04", base, later, attending={"A", "B", "C"}, exclude={"H"})
    assert h.median_change_attending == 8.0  # changes 10, 4, 8
    assert h.median_change_other == 1.0  # X +1, Y +1; the host is left out
    assert h.difference == 7.0
    assert (h.n_attending, h.n_other) == (3, 2)


def test_firms_without_both_values_are_left_out():
    h = horizon_impact(6, "2024-07", {"A": 1.0, "B": 2.0}, {"A": 3.0, "C": 9.0}, attending={"A", "B", "C"})
    assert (h.n_attending, h.n_other) == (1, 0)
    assert h.median_change_other is None and h.difference is None


def test_improvement_is_signed_by_the_kpi_direction():
    assert improvement(-200.0, higher_is_better=False) == 200.0
    assert improvement(3.0, higher_is_better=True) == 3.0
    assert improvement(None, higher_is_better=True) is None


def _member_release(h, min_firms=5):
    return release_median_difference(h.attending_changes, h.other_changes, Viewer(MEMBER, 1),
                                     Thresholds(min_firms=min_firms))


def test_impact_is_released_to_members_only_with_enough_firms_on_each_side():
    base = {f"F{i}": 1.0 for i in range(10)}
    later = {f"F{i}": 2.0 + (i < 5) for i in range(10)}
    balanced = horizon_impact(3, "m", base, later, attending={f"F{i}" for i in range(5)})
    released = _member_release(balanced)
    assert released.released and released.difference == balanced.difference == 1.0
    assert (released.n_a, released.n_b) == ("5-9", "5-9")  # counts banded for members
    lopsided = horizon_impact(3, "m", base, later, attending={f"F{i}" for i in range(4)})
    assert not _member_release(lopsided).released
    assert not _member_release(balanced, min_firms=6).released  # a club may raise the threshold


def test_an_unavailable_horizon_has_no_values():
    h = unavailable_horizon(6, "2025-01", "Available once 2025-01 is closed and published.")
    assert not h.available and h.difference is None and h.n_attending == 0

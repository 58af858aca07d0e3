"""The release audit's exact core on the worked examples of DISCLOSURE-AUDIT.md."""
from benchclub.benchmarks.audit import Figure, OldValue, Probe, audit, find_violations


def fig(key, units, system="sum", frozen=False, label=None):
    units = frozenset(units)
    return Figure(key, ((system, units),), label or key, len(units), frozen)


A = set(range(0, 6))          # sector A, not large
L = set(range(6, 12))         # large, not sector A
X = {12}                      # neither
ALL = A | L | X


def test_worked_example_all_minus_a_minus_large_isolates_one_firm():
    found = find_violations([fig("all", ALL), fig("sector:A", A), fig("size:large", L)], 5)
    assert [v.units for v in found] == [frozenset(X)]
    assert found[0].figures == {"all", "sector:A", "size:large"}


def test_worked_example_withholding_one_figure_removes_the_exposure():
    withheld = audit([fig("all", ALL, label="the club"), fig("sector:A", A, label="sector A"),
                      fig("size:large", L, label="size large")], 5)
    assert len(withheld) == 1
    (key, reason), = withheld.items()
    assert key in {"sector:A", "size:large"}  # the smaller group goes before the club
    assert "the club" in reason and "fewer than 5 firms" in reason


def test_any_two_of_the_three_figures_are_safe():
    assert find_violations([fig("all", ALL), fig("sector:A", A)], 5) == []
    assert find_violations([fig("sector:A", A), fig("size:large", L)], 5) == []


def test_a_figure_over_four_firms_is_withheld_on_its_own():
    withheld = audit([fig("all", range(20)), fig("tiny", range(4))], 5)
    assert list(withheld) == ["tiny"] and "on its own" in withheld["tiny"]


def test_a_complement_of_four_firms_is_found():
    found = find_violations([fig("all", range(20)), fig("big", range(16))], 5)
    assert [v.units for v in found] == [frozenset(range(16, 20))]


def test_a_complement_of_five_firms_is_fine():
    assert find_violations([fig("all", range(20)), fig("big", range(15))], 5) == []


def test_systems_do_not_mix():
    assert find_violations([fig("all", range(20)), fig("big", range(16), system="count")], 5) == []


def test_frozen_figures_are_never_withheld_and_still_count():
    withheld = audit([fig("r1|all", range(20), frozen=True), fig("big", range(17))], 5)
    assert list(withheld) == ["big"]


def test_a_probe_for_one_firms_change_between_revisions():
    old = frozenset(list(range(1, 12)) + [OldValue(0, 1)])
    new = frozenset(range(12))
    change = Probe("sum", ((0, 1), (OldValue(0, 1), -1)), "one firm's correction")
    withheld = audit([fig("r1|all", old, frozen=True), fig("all", new)], 5, [change])
    assert list(withheld) == ["all"] and "correction" in withheld["all"]


def test_a_histogram_is_one_figure_with_a_row_per_bin():
    low, high = frozenset(range(10)), frozenset(range(10, 23))
    hist = Figure("hist", (("count", low), ("count", high)), "histogram", 23)
    group_low = Figure("hist:g", (("count", frozenset(range(7))), ("count", frozenset(range(10, 20)))), "g", 17)
    found = find_violations([hist, group_low], 5)
    assert {v.units for v in found} == {frozenset(range(7, 10)), frozenset(range(20, 23))}

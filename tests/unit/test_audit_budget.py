"""The release audit's bounded cost (issue 8): the exact pre-check, the step budget and the conservative fallback."""
import random
from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings

from benchclub.benchmarks import audit as audit_module
from benchclub.benchmarks.audit import Figure, OldValue, Probe, Unsure, audit, conservative_withholding, find_violations
from tests.benchmarks.test_audit_oracle import check_member_and_governor, clubs
from tests.linalg import null_space

CONSERVATIVE = "withheld: with the other published groups it would leave groups of fewer than 5 firms"


def fig(key, rows, frozen=False):
    rows = tuple((system, frozenset(units)) for system, units in rows)
    size = len(frozenset().union(*(u for _, u in rows)))
    return Figure(key, rows, key, size, frozen)


def test_pre_check_needs_no_search_when_every_cell_has_five_firms():
    # Two crossed groups over 20 firms: four cells of five firms each. A budget of 0 steps would
    # raise Unsure if any search (or echelon) were started, so this proves the pre-check decided.
    a, b = set(range(0, 10)), set(range(5, 15))
    figures = [fig("all", [("sum", range(20))]), fig("a", [("sum", a)]), fig("b", [("sum", b)])]
    assert find_violations(figures, 5, budget=0) == []
    assert audit(figures, 5, budget=0) == {}


def test_a_small_cell_with_no_budget_is_unsure_not_safe():
    figures = [fig("all", [("sum", range(20))]), fig("a", [("sum", range(17))])]  # a cell of 3 firms
    with pytest.raises(Unsure):
        find_violations(figures, 5, budget=0)
    assert find_violations(figures, 5)[0].units == frozenset({17, 18, 19})


def big_club(firms=60, seed=7):
    """Sum and count figures of crossed groups (sector x country x size) with histogram bins."""
    rng = random.Random(seed)
    dims = [rng.randrange(6) for _ in range(firms)], [rng.randrange(5) for _ in range(firms)], \
        [rng.randrange(4) for _ in range(firms)]
    value = [rng.randrange(10) for _ in range(firms)]
    groups = {"all": set(range(firms))}
    for d, labels in enumerate(dims):
        for g in set(labels):
            groups[f"d{d}:{g}"] = {f for f in range(firms) if labels[f] == g}
    figures = []
    for g, ids in sorted(groups.items()):
        figures.append(fig(f"sum|{g}", [("sum", ids)]))
        figures.append(fig(f"n|{g}", [("count", ids)]))
        bins = [{f for f in ids if value[f] // 3 == b} for b in range(4)]
        figures.append(fig(f"hist|{g}", [("count", r) for r in bins if r]))
    return figures


def exact_small_sets(figures, k=5):
    """An independent checker over cells: every union of up to k-1 cells' firms in the rows' span, by fractions."""
    found = []
    for system in sorted({s for f in figures for s, _ in f.rows}):
        rows = [u for f in figures for s, u in f.rows if s == system and u]
        units = sorted(frozenset().union(*rows)) if rows else []
        cells = {}
        for u in units:
            cells.setdefault(tuple(u in r for r in rows), []).append(u)
        cols = list(cells.values())
        matrix = [[Fraction(int(c[0] in r)) for c in cols] for r in rows]
        basis = null_space(matrix, len(cols))
        small = [j for j, c in enumerate(cols) if len(c) < k]
        for size in range(1, k):
            for pick in combinations(small, size):
                if sum(len(cols[j]) for j in pick) < k and all(sum(b[j] for j in pick) == 0 for b in basis):
                    found.append((system, pick))
    return found



def test_fallback_engages_on_a_big_club_under_a_tiny_budget_and_what_is_left_is_safe():
    figures = big_club()
    with pytest.raises(Unsure):
        find_violations(figures, 5, budget=100)
    withheld = audit(figures, 5, budget=100)
    assert withheld and all(CONSERVATIVE in reason.lower() for reason in withheld.values())
    kept = [f for f in figures if f.key not in withheld]
    assert any(f.key == "sum|all" for f in kept)  # the largest group is kept
    assert exact_small_sets(kept) == []


def test_fallback_is_deterministic_whatever_the_order_of_the_figures():
    figures = big_club(seed=11)
    first = audit(figures, 5, budget=100)
    assert audit(figures, 5, budget=100) == first
    shuffled = figures[:]
    random.Random(3).shuffle(shuffled)
    assert audit(shuffled, 5, budget=100) == first


def test_fallback_hides_an_earlier_revisions_change_it_cannot_check():
    # Revision 1 released the club and group a; firm 0 (in a) then changed its value. Republishing
    # the club alone would give firm 0's change; a with group b, a cell of one firm (firm 0).
    old = [fig("r1|all", [("sum", [OldValue(0, 1)] + list(range(1, 20)))], frozen=True),
           fig("r1|a", [("sum", [OldValue(0, 1)] + list(range(1, 10)))], frozen=True)]
    new = [fig("all", [("sum", range(20))]), fig("a", [("sum", range(10))]), fig("b", [("sum", range(1, 12))])]
    probes = [Probe("sum", ((0, 1), (OldValue(0, 1), -1)), "one firm's change")]
    withheld = audit(old + new, 5, probes, budget=0)
    kept = [f for f in old + new if f.key not in withheld]
    assert not set(withheld) & {"r1|all", "r1|a"}
    assert find_violations(kept, 5, probes, budget=10**9) == []  # the exact audit agrees: nothing left
    assert conservative_withholding("sum", {f.key: f for f in kept}, 5, probes) == []


@pytest.fixture
def tiny_budget(monkeypatch):
    monkeypatch.setattr(audit_module, "DEFAULT_BUDGET", 3)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(clubs())
def test_the_oracle_finds_nothing_when_every_search_falls_back(tiny_budget, club):
    check_member_and_governor(club)

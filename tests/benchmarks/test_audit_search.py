"""The release audit's fast exact search (issue 8): blocks reduced mod p and lifted exactly, pivot pairs
on the exact rows, triples and quadruples by a null-space fingerprint; every answer checked against an
independent brute force over cells (tests.unit.test_audit_budget.exact_small_sets, fractions only)."""
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchclub.benchmarks import audit_blocks, audit_search
from benchclub.benchmarks.audit import Figure, audit, find_violations
from benchclub.benchmarks.audit_system import _System
from tests.benchmarks.test_audit_oracle import check_member_and_governor, clubs
from tests.unit.test_audit_budget import big_club, exact_small_sets

LARGE = [list(range(100 + 10 * i, 105 + 10 * i)) for i in range(4)]  # four cells of five firms


def fig(key, units, system="sum"):
    units = frozenset(units)
    return Figure(key, ((system, units),), key, len(units))


def found_sets(figures, k=5):
    """The audit's violations, closed under disjoint unions of fewer than k firms.

    The audit reports the derivable sets within each block of rows that share no cell; a union of sets
    from different blocks is derivable exactly when its parts are, so it is implied, not listed.
    """
    found = {(v.system, frozenset(v.units)) for v in find_violations(figures, k) if not v.what}
    grown = set(found)
    while True:
        more = {(s, a | b) for s, a in grown for t, b in found
                if s == t and not a & b and len(a | b) < k} - grown
        if not more:
            return sorted((s, tuple(sorted(u))) for s, u in grown)
        grown |= more


def brute_sets(figures, k=5):
    """The brute force's derivable unions, as sets of firms (its cells here are single firms or large)."""
    out = []
    for system, pick in exact_small_sets(figures, k):
        rows = [u for f in figures for s, u in f.rows if s == system and u]
        units = sorted(frozenset().union(*rows))
        cells = {}
        for u in units:
            cells.setdefault(tuple(u in r for r in rows), []).append(u)
        cols = list(cells.values())
        out.append((system, tuple(sorted(u for j in pick for u in cols[j]))))
    return sorted(out)


def picks_of_violations(monkeypatch):
    """Record how many pivot rows each verified union needed."""
    sizes = []
    original = _System._violation

    def recording(self, block, pick, support):
        v = original(self, block, pick, support)
        if v is not None:
            sizes.append(len(pick))
        return v

    monkeypatch.setattr(_System, "_violation", recording)
    return sizes


def test_a_set_that_needs_four_pivot_rows_is_found(monkeypatch):
    sizes = picks_of_violations(monkeypatch)
    l0, l1, l2, l3 = LARGE
    rows = [[1, 3, 5, 7] + l1 + l2, [0, 3, 4, 6] + l3, [0, 1, 2, 3, 6, 7] + l0, [1, 2, 3, 4, 5, 6, 7] + l3,
            [1, 2, 5, 6] + l0 + l1 + l2, [0, 1, 2, 3, 4, 5, 6, 7] + l1 + l2, [0, 2, 3, 4, 7] + l1 + l2 + l3]
    figures = [fig(f"f{i}", r) for i, r in enumerate(rows)]
    assert found_sets(figures) == brute_sets(figures) == [("sum", (0, 2, 4, 6))]
    assert sizes == [4]  # found through the fingerprint's quadruples, then verified exactly


def test_a_set_that_needs_three_pivot_rows_is_found(monkeypatch):
    sizes = picks_of_violations(monkeypatch)
    l0, l1, l2, l3 = LARGE
    rows = [[0, 1, 2, 3, 4, 6] + l0, [2, 3, 4, 6] + l1 + l3, [0, 1, 5, 6], [2, 5] + l0, [0, 3, 4, 6] + l0 + l2 + l3,
            [0, 1, 3, 4] + l2 + l3]
    figures = [fig(f"f{i}", r) for i, r in enumerate(rows)]
    assert found_sets(figures) == brute_sets(figures) == [("sum", (0, 1, 5, 6))]
    assert sizes == [3]


def test_fingerprint_collisions_are_rejected_by_the_exact_check(monkeypatch):
    # A prime of 8 bits: fingerprints of unrelated sets collide often. The candidates the fingerprint
    # lets through must then include sets that are not derivable, and the answer must not change.
    expected = {seed: found_sets(big_club(40, seed)) for seed in range(2)}
    candidates = []
    original = _System._fingerprint_sets

    def recording(self, block, cand, w, small, budget):
        out = original(self, block, cand, w, small, budget)
        for pick in out:
            total = block.numerators[list(pick)].sum(axis=0)
            candidates.append(bool(((total == 0) | (total == block.denominator)).all()))
        return out

    monkeypatch.setattr(audit_blocks, "PRIMES", (211,))  # read by _System.blocks
    monkeypatch.setattr(_System, "_fingerprint_sets", recording)
    for seed in range(2):
        figures = big_club(40, seed)
        assert found_sets(figures) == expected[seed] == brute_sets(figures)
    assert False in candidates  # some candidate was a false positive, and was dropped


def test_the_older_search_takes_over_when_no_lift_checks_out(monkeypatch):
    figures = big_club(16, 3)
    expected = brute_sets(figures)
    for reader in (audit_blocks, audit_search):  # every module that lifts residues
        monkeypatch.setattr(reader, "_lift", lambda residues, p: None)
    assert found_sets(figures) == expected


def test_coupling_rows_give_the_same_answer(monkeypatch):
    # Blocks are split at the rows of one-row figures only for blocks of more than _BLOCK_ROWS rows;
    # with 0 every system with such rows takes that path.
    for seed in range(2):
        figures = [f for f in big_club(40, seed) if not f.key.startswith("hist|d0")]  # n rows span bins
        expected = brute_sets(figures)
        monkeypatch.setattr(audit_blocks, "_BLOCK_ROWS", 0)
        assert found_sets(figures) == expected
        monkeypatch.setattr(audit_blocks, "_BLOCK_ROWS", 64)


def test_the_answer_does_not_depend_on_the_order_of_the_figures():
    figures = big_club(50, 5)
    first = audit(figures, 5)
    violations = found_sets(figures)
    for seed in range(3):
        shuffled = figures[:]
        random.Random(seed).shuffle(shuffled)
        assert audit(shuffled, 5) == first
        assert found_sets(shuffled) == violations


@pytest.fixture
def coupled(monkeypatch):
    monkeypatch.setattr(audit_blocks, "_BLOCK_ROWS", 0)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(clubs())
def test_the_oracle_finds_nothing_when_every_block_is_split_at_coupling_rows(coupled, club):
    check_member_and_governor(club)


@settings(max_examples=100, deadline=None)
@given(st.integers(4, 9), st.integers(2, 7), st.randoms(use_true_random=False))
def test_random_systems_agree_with_the_brute_force(cells, rows, rnd):
    # Single-firm cells and large cells in random rows, sums and counts: the search equals the brute force.
    figures = []
    for i in range(rows):
        units = [c for c in range(cells) if rnd.random() < 0.5] + [u for big in LARGE if rnd.random() < 0.5 for u in big]
        if units:
            figures.append(fig(f"f{i}", units, rnd.choice(("sum", "count"))))
    assert found_sets(figures) == brute_sets(figures)

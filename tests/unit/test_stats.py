"""Percentile maths (DOMAIN §5) against numpy, plus the laws a percentile and a rank must obey."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchclub.benchmarks import stats

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
samples = st.lists(finite, min_size=1, max_size=60)
qs = st.floats(min_value=0.0, max_value=1.0)


@settings(max_examples=150, deadline=None)
@given(samples, qs)
def test_percentile_equals_numpy_linear(values, q):
    assert stats.percentile(values, q) == pytest.approx(float(np.percentile(values, q * 100, method="linear")),
                                                         rel=1e-12, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(samples, qs, qs)
def test_percentile_is_monotone_in_q_and_within_the_data(values, q1, q2):
    low, high = sorted((q1, q2))
    assert stats.percentile(values, low) <= stats.percentile(values, high)
    assert min(values) <= stats.percentile(values, q1) <= max(values)


def test_percentile_matches_known_type7_values():
    assert stats.percentile([1, 2, 3, 4], 0.25) == 1.75
    assert stats.percentile([10, 20, 30, 40, 50], 0.1) == 14.0
    assert stats.percentile([7], 0.9) == 7


def test_percentile_refuses_empty_data_and_q_outside_0_1():
    with pytest.raises(ValueError):
        stats.percentile([], 0.5)
    with pytest.raises(ValueError):
        stats.percentile([1.0], 1.5)


@settings(max_examples=100, deadline=None)
@given(finite, st.lists(finite, min_size=1, max_size=40))
def test_rank_stays_within_0_100_and_flips_with_direction(own, peers):
    higher = stats.percentile_rank(own, peers, True)
    lower = stats.percentile_rank(own, peers, False)
    assert 0 <= higher <= 100 and 0 <= lower <= 100
    # Worse-for-one-direction is better-for-the-other; ties count half both ways.
    assert abs((higher + lower) - 100) <= 1


def test_rank_counts_ties_as_half_and_rounds_to_whole_percent():
    assert stats.percentile_rank(5, [1, 5, 9], True) == 50
    assert stats.percentile_rank(5, [1, 2, 9], True) == 67
    assert stats.percentile_rank(5, [1, 2, 9], False) == 33
    assert stats.percentile_rank(5, [], True) is None


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=20).map(float), min_size=1, max_size=40), st.booleans())
def test_bulk_ranks_equal_one_by_one_ranks(values, higher):
    bulk = stats.percentile_ranks(values, higher)
    for i, v in enumerate(values):
        assert bulk[i] == stats.percentile_rank(v, values[:i] + values[i + 1:], higher)


def test_best_in_class_and_tail_gap_follow_the_direction():
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0]
    assert stats.best_in_class_threshold(values, True) == 8.5
    assert stats.best_in_class_threshold(values, False) == 3.5
    assert stats.tail_gap(2.0, 6.0, 10.0, True) == (4.0, pytest.approx(4 / 6))
    assert stats.tail_gap(2.0, 6.0, 10.0, False) == (4.0, pytest.approx(4 / 6))
    assert stats.tail_gap(0.0, 0.0, 1.0, False)[1] is None


def test_tail_share_counts_peers_worse_than_the_reference():
    assert stats.tail_share([90, 95, 97, 99], 96.5, True) == 0.5
    assert stats.tail_share([90, 95, 97, 99], 96.5, False) == 0.5


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), max_size=50))
def test_bin_counts_keep_every_value(values):
    bins = stats.bin_counts(values, [0, 10, 50, 100])
    assert sum(b["count"] for b in bins) == len(values)
    assert [b["lo"] for b in bins] == [0, 10, 50] and math.isclose(bins[-1]["hi"], 100)

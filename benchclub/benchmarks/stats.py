"""Benchmark statistics over plain numbers (DOMAIN §5): no database, no Flask.

Percentiles are Hyndman-Fan type 7 (linear interpolation between order statistics), the same as
numpy's default, Excel PERCENTILE.INC and PostgreSQL percentile_cont.
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

import numpy as np

QUANTILES: dict[str, float] = {"p10": 0.10, "p25": 0.25, "p50": 0.50, "p75": 0.75, "p90": 0.90}


def percentile(values: Sequence[float], q: float) -> float:
    """Type-7 quantile of `values` at q in [0, 1]; values need not be sorted, must not be empty."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must lie in [0, 1], not {q}")
    return percentile_sorted(sorted(values), q)


def percentile_sorted(ordered: Sequence[float], q: float) -> float:
    """Type-7 quantile of already sorted, non-empty values (the publisher sorts once per group)."""
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    fraction = position - low
    a, b = ordered[low], ordered[high]
    # The same two-sided interpolation as numpy's `_lerp`, so results agree to the last bit.
    result = b - (b - a) * (1 - fraction) if fraction >= 0.5 else a + (b - a) * fraction
    # Guard against rounding pushing the result a hair outside its neighbours.
    return min(max(result, a), b)


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean, summed exactly (fsum) so the order of firms cannot change it."""
    if not values:
        raise ValueError("mean of no values")
    return math.fsum(values) / len(values)


def summary(values: Sequence[float]) -> dict[str, float]:
    """n, P10..P90 and mean of a non-empty sample."""
    ordered = sorted(values)
    result = {name: percentile_sorted(ordered, q) for name, q in QUANTILES.items()}
    result["mean"] = mean(values)
    result["n"] = len(values)
    return result


def is_better(a: float, b: float, higher_is_better: bool) -> bool:
    """True when value a is strictly better than value b for the KPI's direction."""
    return a > b if higher_is_better else a < b


def percentile_rank(own: float, peers: Sequence[float], higher_is_better: bool) -> int | None:
    """'Better than X% of peers': share of the *other* peers worse than own, ties counting half.

    `peers` are the other firms' values (own excluded). Rounded to the nearest whole per cent
    (halves away from zero). None when there are no other peers.
    """
    if not peers:
        return None
    worse = sum(1 for v in peers if is_better(own, v, higher_is_better))
    ties = sum(1 for v in peers if v == own)
    share = (worse + 0.5 * ties) / len(peers) * 100
    return int(math.floor(share + 0.5))


def best_in_class_threshold(values: Sequence[float], higher_is_better: bool) -> float:
    """The better quartile boundary: P75 when higher is better, P25 when lower is better."""
    return percentile(values, 0.75 if higher_is_better else 0.25)


def worse_quartile_threshold(values: Sequence[float], higher_is_better: bool) -> float:
    """The worse quartile boundary: P25 when higher is better, P75 when lower is better."""
    return percentile(values, 0.25 if higher_is_better else 0.75)


def tail_gap(p10: float, p50: float, p90: float, higher_is_better: bool) -> tuple[float, float | None]:
    """Distance from the median to the worse-side P10 boundary, in KPI units and as a share of the median.

    P50 - P10 when higher is better, P90 - P50 when lower is better. The share is None for a zero median.
    """
    gap = (p50 - p10) if higher_is_better else (p90 - p50)
    share = gap / abs(p50) if p50 else None
    return gap, share


def tail_share(values: Sequence[float], reference: float, higher_is_better: bool) -> float:
    """Share (0..1) of values strictly worse than a reference (the international median by default)."""
    if not values:
        raise ValueError("tail share of no values")
    return sum(1 for v in values if is_better(reference, v, higher_is_better)) / len(values)


def percentile_ranks(values: Sequence[float], higher_is_better: bool) -> list[int | None]:
    """`percentile_rank` of every value against all the others, in O(n log n) for publication.

    Gives exactly the same numbers as calling `percentile_rank(v, others)` for each value.
    """
    ordered = sorted(values)
    others = len(values) - 1
    if others <= 0:
        return [None] * len(values)
    ranks: list[int | None] = []
    for v in values:
        below = bisect_left(ordered, v)
        above = len(ordered) - bisect_right(ordered, v)
        ties = len(ordered) - below - above - 1  # the firm itself is not its own peer
        worse = below if higher_is_better else above
        share = (worse + 0.5 * ties) / others * 100
        ranks.append(int(math.floor(share + 0.5)))
    return ranks


def bin_counts(values: Sequence[float], edges: Sequence[float]) -> list[dict[str, float]]:
    """Count values into fixed bins [edge_i, edge_i+1); the last bin includes its upper edge.

    Values below the first edge count in the first bin and values above the last in the last
    (hard ranges keep them inside in practice). Returns [{"lo", "hi", "count"}, ...].
    """
    edges = sorted(set(float(e) for e in edges))
    if len(edges) < 2:
        raise ValueError("a histogram needs at least two bin edges")
    counts = [0] * (len(edges) - 1)
    for v in values:
        index = bisect_right(edges, v) - 1
        counts[min(max(index, 0), len(counts) - 1)] += 1
    return [{"lo": edges[i], "hi": edges[i + 1], "count": c} for i, c in enumerate(counts)]


# --- the same statistics over numpy arrays, for publication (one sort per group) ---------------------


def summary_sorted(ordered: np.ndarray, values: np.ndarray) -> dict[str, float]:
    """`summary` of a group whose values are already sorted (`ordered`); the same floats, bit for bit."""
    result = {name: float(percentile_sorted(ordered, q)) for name, q in QUANTILES.items()}
    result["mean"] = math.fsum(values.tolist()) / len(values)
    result["n"] = len(values)
    return result


def percentile_ranks_sorted(values: np.ndarray, ordered: np.ndarray, higher_is_better: bool,
                            order: np.ndarray | None = None) -> list[int | None]:
    """`percentile_ranks` with the sort done by the caller: two vectorised searches instead of a loop, or
    none when `order` (the stable argsort, ordered = values[order]) is given and no value is NaN."""
    n = len(values)
    others = n - 1
    if others <= 0:
        return [None] * n
    if order is not None and not np.isnan(ordered[-1]):  # NaNs sort last
        below, above = _ties_in_sorted(ordered, order)
    else:
        below = np.searchsorted(ordered, values, side="left")
        above = n - np.searchsorted(ordered, values, side="right")
    ties = n - below - above - 1  # the firm itself is not its own peer
    share = ((below if higher_is_better else above) + 0.5 * ties) / others * 100
    return np.floor(share + 0.5).astype(np.int64).tolist()


def _ties_in_sorted(ordered: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per value (in the original order): how many values are below it and how many above, from runs of
    equal values in the sorted array (what the two searches of `percentile_ranks_sorted` give)."""
    n = len(ordered)
    new_run = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    starts = np.flatnonzero(new_run)
    run = np.cumsum(new_run) - 1
    ends = np.append(starts[1:], n)
    below, above = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    below[order] = starts[run]
    above[order] = n - ends[run]
    return below, above


def bin_counts_array(values: np.ndarray, edges: Sequence[float]) -> list[dict[str, float]]:
    """`bin_counts` over an array: the same bins, the same counts."""
    edges = sorted(set(float(e) for e in edges))
    if len(edges) < 2:
        raise ValueError("a histogram needs at least two bin edges")
    index = np.clip(np.searchsorted(np.array(edges), values, side="right") - 1, 0, len(edges) - 2)
    counts = np.bincount(index, minlength=len(edges) - 1).tolist()
    return [{"lo": edges[i], "hi": edges[i + 1], "count": c} for i, c in enumerate(counts)]

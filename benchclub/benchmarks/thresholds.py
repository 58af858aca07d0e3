"""Disclosure thresholds and histogram bin merging (DOMAIN §5 rules 1, 4 and 5): the pure pieces that both the
disclosure module and the release plan read, kept apart so neither imports the other."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..models.club import DEFAULT_EXACT_N_FROM, DEFAULT_MIN_FIRMS, DEFAULT_MIN_FIRMS_TAILS

MIN_BIN_COUNT = 3  # rule 4: a released bin never holds 1 or 2 firms


@dataclass(frozen=True)
class Thresholds:
    """The club's disclosure thresholds, never below the DOMAIN §5 defaults."""

    min_firms: int = DEFAULT_MIN_FIRMS
    min_firms_tails: int = DEFAULT_MIN_FIRMS_TAILS
    exact_n_from: int = DEFAULT_EXACT_N_FROM

    @classmethod
    def from_club(cls, club: Any) -> Thresholds:
        """Read a club's thresholds (or pass Thresholds through); defaults are the floor."""
        if isinstance(club, Thresholds):
            return club
        min_firms = max(DEFAULT_MIN_FIRMS, getattr(club, "min_firms", None) or 0)
        tails = max(DEFAULT_MIN_FIRMS_TAILS, getattr(club, "min_firms_tails", None) or 0, min_firms)
        exact = max(DEFAULT_EXACT_N_FROM, getattr(club, "exact_n_from", None) or 0, tails)
        return cls(min_firms, tails, exact)


def merge_small_bins(bins: Sequence[Mapping[str, Any]], min_count: int = MIN_BIN_COUNT) -> list[dict[str, Any]]:
    """Rule 4: merge each bin holding 1..min_count-1 firms into its smaller neighbour until none is left.

    Bins are {"lo", "hi", "count"} in ascending order; the total is preserved and the bins stay
    contiguous. A single remaining bin is returned as it is (the group is then too small anyway).
    """
    merged = [dict(b) for b in bins]
    while len(merged) > 1:
        small = next((i for i, b in enumerate(merged) if 0 < b["count"] < min_count), None)
        if small is None:
            break
        neighbours = [i for i in (small - 1, small + 1) if 0 <= i < len(merged)]
        # Prefer an occupied neighbour, then the smaller one, then the right one: bands stay narrow.
        other = min(neighbours, key=lambda i: (merged[i]["count"] == 0, merged[i]["count"], -i))
        lo_i, hi_i = min(small, other), max(small, other)
        merged[lo_i] = {"lo": merged[lo_i]["lo"], "hi": merged[hi_i]["hi"],
                        "count": merged[lo_i]["count"] + merged[hi_i]["count"]}
        del merged[hi_i]
    return merged


def n_label(n: int, club: Any, *, exact_withheld: bool = False) -> int | str:
    """Rule 5: n exactly from `exact_n_from` firms, otherwise a band ("5-9", "10-19").

    When the audit withholds a large group's exact n, it is shown as "20 or more".
    """
    t = Thresholds.from_club(club)
    if n >= t.exact_n_from:
        return f"{t.exact_n_from} or more" if exact_withheld else n
    if n < t.min_firms:
        return f"fewer than {t.min_firms}"
    bounds = sorted({t.min_firms, t.min_firms_tails, t.exact_n_from})
    for low, high in zip(bounds, bounds[1:], strict=False):
        if low <= n < high:
            return f"{low}-{high - 1}"
    return f"{bounds[0]}-{t.exact_n_from - 1}"  # pragma: no cover - bounds cover [min_firms, exact_n_from)

"""The older exact search (fraction-free echelon over all cells): pivot sets or a hashed meet in the
middle, for `min_firms` above 5 or when no prime's lift checks out.
"""
from __future__ import annotations

import random
from collections import defaultdict
from fractions import Fraction
from itertools import combinations
from math import comb, gcd

import numpy as np

from .audit_exact import _Echelon, _echelon
from .audit_types import (
    Budget,
    OldValue,
    Violation,
    _firms,
)


class _OlderSearch:
    """The older search of `_System` (a mixin: uses its matrix, cells, weights, k and row keys)."""

    @property
    def ech(self) -> _Echelon:
        """The echelon form of the older search, built only when it is needed."""
        if self._ech is None:
            self._ech = _echelon(self.matrix.astype(np.int64).tolist(), len(self.weights))
        return self._ech

    def afford_echelon(self, budget: Budget) -> None:
        """Charge the echelon's size (rank bound x rows x columns, four entries a step) before building it."""
        if self._ech is None:
            m, n = len(self.row_keys), len(self.cells)
            budget.spend(min(m, n) * m * (n + m) // 4)

    def _older_sets(self, budget: Budget) -> list[Violation]:
        """The older exact search (fraction-free echelon over all cells), for min_firms above 5."""

        small = [j for j, w in enumerate(self.weights) if w < self.k]
        self.afford_echelon(budget)
        pivots = sum(1 for p in self.ech.pivots if self.weights[p] < self.k)
        if not small or not pivots:
            return []
        by_pivots = sum(comb(pivots, i) for i in range(1, self.k))
        by_cells = len(small) ** 2
        self.budget = budget
        return self._pivot_sets() if by_pivots <= by_cells else self._hashed_sets(small)

    def _hashed_sets(self, small: list[int]) -> list[Violation]:
        """Meet in the middle on a random vector of the null space: a union in the span sums to 0 on it.

        The filter never misses a union in the span; every union it lets through is checked exactly.
        """
        h = self._null_hash()
        halves: dict[int, list[tuple[int, ...]]] = defaultdict(list)
        plain = not any(isinstance(u, OldValue) for j in small for u in self.cells[j])
        for size in range(1, (self.k - 1 + 1) // 2 + 1):
            for part in combinations(small, size):
                self.budget.spend(1)
                weight = (sum(self.weights[j] for j in part) if plain
                          else len(_firms(u for j in part for u in self.cells[j])))
                if weight < self.k:
                    halves[sum(h[j] for j in part)].append(part)
        seen: set[frozenset[int]] = set()
        found: list[Violation] = []
        for total, parts in list(halves.items()):
            for a in parts:
                options = [()] if total == 0 else []
                options += [b for b in halves.get(-total, ()) if b and a[-1] < b[0]]
                self.budget.spend(1 + len(options))
                for b in options:
                    cols = frozenset(a + b)
                    units = frozenset(u for j in cols for u in self.cells[j])
                    if cols in seen or not 0 < len(_firms(units)) < self.k:
                        continue
                    seen.add(cols)
                    combination = self._combination({j: 1 for j in cols})
                    if combination is not None:
                        found.append(Violation(self.name, units, self._figures(combination)))
        return found

    def _null_hash(self) -> list[int]:
        """One random vector of the null space, scaled to integers (deterministic seed)."""
        n, rng = self.ech.n, random.Random(20260)
        pivot_set = set(self.ech.pivots)
        r = [0 if j in pivot_set else rng.randrange(1, 1 << 61) for j in range(n)]
        scale = 1
        for row, pivot in zip(self.ech.rows, self.ech.pivots, strict=True):
            scale = scale * abs(row[pivot]) // gcd(scale, abs(row[pivot]))
        h = [x * scale for x in r]
        for row, pivot in zip(self.ech.rows, self.ech.pivots, strict=True):
            h[pivot] = -sum(r[j] * row[j] for j in range(n) if row[j] and j != pivot) * (scale // row[pivot])
        return h

    def _combination(self, coef: dict[int, int]) -> list[Fraction] | None:
        """The rows combining to this vector over cells, or None when it is not in the span."""
        n = self.ech.n
        vector = [Fraction(coef.get(j, 0)) for j in range(n)]
        combination = [Fraction(0)] * len(self.row_keys)
        for row, pivot in zip(self.ech.rows, self.ech.pivots, strict=True):
            c = vector[pivot] / row[pivot]
            if not c:
                continue
            vector = [v - c * x for v, x in zip(vector, row[:n], strict=True)]
            combination = [y + c * t for y, t in zip(combination, row[n:], strict=True)]
        return None if any(vector) else combination

    def _pivot_sets(self) -> list[Violation]:
        """Unions of cells with 1..k-1 firms in the span, found from their pivot columns.

        A union S in the span is fixed by its pivot columns P: on every other column it equals the sum
        of P's (normalised) echelon rows, which must be 0 or 1 there. So it is enough to try the sets
        P of pivot rows on small cells, dropping a branch as soon as a column that no later row touches
        is stuck at a value other than 0 or 1, or the stuck columns already hold k firms or more.
        """
        n = self.ech.n
        picked_rows = [(r, p) for r, p in zip(self.ech.rows, self.ech.pivots, strict=True) if self.weights[p] < self.k]
        if not picked_rows:
            return []
        scale = 1
        for row, pivot in picked_rows:
            scale = scale * abs(row[pivot]) // gcd(scale, abs(row[pivot]))
        rows = []
        for row, pivot in picked_rows:
            f = scale // row[pivot]  # integer rows in which the pivot reads `scale` (that is, 1)
            rows.append((pivot, {j: row[j] * f for j in range(n) if row[j] and j != pivot}, row[n:], row[pivot]))
        rows.sort(key=lambda r: (-len(r[1]), r[0]))
        last: dict[int, int] = {}
        for idx, (_, rest, _, _) in enumerate(rows):
            for j in rest:
                last[j] = idx
        found: list[Violation] = []
        self._search(rows, last, scale, 0, [], {}, 0, found)
        return found

    def _search(self, rows: list, last: dict[int, int], scale: int, start: int, picked: list[int],
                combined: dict[int, int], weight: int, found: list[Violation]) -> None:
        for idx in range(start, len(rows)):
            pivot, rest, _, _ = rows[idx]
            self.budget.spend(1)
            w = weight + self.weights[pivot]
            if w >= self.k:
                continue
            self.budget.spend(len(rest) // 8)
            merged = dict(combined)
            for j, x in rest.items():
                y = merged.get(j, 0) + x
                if y:
                    merged[j] = y
                else:
                    del merged[j]
            stuck = [j for j in merged if last[j] <= idx]
            if any(merged[j] != scale for j in stuck) or w + sum(self.weights[j] for j in stuck) >= self.k:
                continue
            picks = picked + [idx]
            if all(x == scale for x in merged.values()):
                self._record(rows, picks, merged, found)
            if len(picks) < self.k - 1:
                self._search(rows, last, scale, idx + 1, picks, merged, w, found)

    def _record(self, rows: list, picks: list[int], merged: dict[int, int], found: list[Violation]) -> None:
        cols = [rows[i][0] for i in picks] + list(merged)
        units = frozenset(u for j in cols for u in self.cells[j])
        if not 0 < len(_firms(units)) < self.k:
            return
        combination = [Fraction(0)] * len(self.row_keys)
        for i in picks:
            _, _, t_part, d = rows[i]
            combination = [y + Fraction(t, d) for y, t in zip(combination, t_part, strict=True)]
        found.append(Violation(self.name, units, self._figures(combination)))


"""The fast path's small-set search over one block: pivot sets of one or two rows directly on the exact
rows, three or four by a null-space fingerprint mod p; every candidate verified exactly.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np

from .audit_blocks import _Block
from .audit_exact import _lift, _solve
from .audit_types import (
    _WORK,
    Budget,
    Violation,
    _firms,
)

_SPREAD = 1 << 16  # fingerprint weights on free cells: products with residues stay below 2**63


class _BlockSearch:
    """The block search of `_System` (a mixin: uses its cells, weights, k and row keys)."""

    def _block_sets(self, b: _Block, budget: Budget) -> list[Violation]:
        """Unions of small cells of one block in its span: pivot sets of 1-2 rows directly, 3-4 by fingerprint."""
        limit = self.k - 1
        w = self._w[b.cols]
        small = w < self.k
        cand = np.flatnonzero(small[b.pivots])
        if cand.size == 0:
            return []
        num, d = b.numerators, b.denominator
        hits: list[tuple[int, ...]] = []

        def fits(total: np.ndarray) -> np.ndarray:
            """Per row of sums: 1 on at most `limit` small cells (at most `limit` firms), 0 elsewhere."""
            nonzero = total != 0
            bad = (nonzero & ((total != d) | ~small)).any(axis=1)
            count = nonzero.sum(axis=1)
            ok = ~bad & (count <= limit)
            if self.plain:
                ok &= (nonzero * w).sum(axis=1) <= limit
            return ok

        singles = fits(num[cand])
        hits += [(int(i),) for i in cand[singles]]
        if limit >= 2 and cand.size >= 2:
            hits += self._pair_sets(b, cand, w, fits, budget)
        if limit >= 3 and cand.size >= 3:
            hits += self._fingerprint_sets(b, cand, w, small, budget)
        return self._verified(b, hits, small)

    def _verified(self, b: _Block, hits: list[tuple[int, ...]], small: np.ndarray) -> list[Violation]:
        """The candidate pivot sets whose exact rows add up to a union of at most k-1 small cells."""
        num, d, limit = b.numerators, b.denominator, self.k - 1
        picked: set[tuple[int, ...]] = set()
        found = []
        for pick in hits:
            if pick in picked:
                continue
            picked.add(pick)
            total = num[list(pick)].sum(axis=0)
            support = np.flatnonzero(total)
            if (total[support] == d).all() and small[support].all() and len(support) <= limit:
                v = self._violation(b, pick, support)
                if v is not None:
                    found.append(v)
        return found

    def _pair_sets(self, b: _Block, cand: np.ndarray, w: np.ndarray, fits: Callable, budget: Budget) -> list[tuple[int, int]]:
        """Pairs of pivot rows adding up to a small union: two rows sum to 1 on at most `limit` cells
        only if their supports differ in at most `limit` cells (popcounts), then checked on exact rows."""
        limit = self.k - 1
        budget.spend(max(1, cand.size * cand.size * len(b.cols) // (16 * _WORK)))
        bits = np.packbits(b.numerators[cand] != 0, axis=1)
        bits = np.ascontiguousarray(np.pad(bits, ((0, 0), (0, -bits.shape[1] % 8)))).view(np.uint64)
        close = np.zeros((cand.size, cand.size), dtype=bool)
        for x in range(cand.size - 1):
            close[x, x + 1:] = np.bitwise_count(bits[x] ^ bits[x + 1:]).sum(axis=1) <= limit
        x_idx, y_idx = np.nonzero(close)
        if self.plain:
            pw = w[b.pivots[cand]]
            light = pw[x_idx] + pw[y_idx] <= limit
            x_idx, y_idx = x_idx[light], y_idx[light]
        if not x_idx.size:
            return []
        ok = fits(b.numerators[cand[x_idx]] + b.numerators[cand[y_idx]])
        return [(int(cand[x]), int(cand[y])) for x, y in zip(x_idx[ok].tolist(), y_idx[ok].tolist(), strict=True)]

    def _fingerprint_sets(self, b: _Block, cand: np.ndarray, w: np.ndarray, small: np.ndarray,
                          budget: Budget) -> list[tuple[int, ...]]:
        """Pivot sets of 3 (with at most one free cell) and 4 rows whose fingerprints close: candidates only.

        z = a random null vector mod p (weights r on free cells, -phi_i on the pivot cell of row i, where
        phi_i = row_i . r): a union S in the span sums to 0 on it, i.e. sum of phi over its pivot cells
        = sum of r over its free cells. Sorting and lookups find every such triple or quadruple.
        """
        r, free, phi = _null_fingerprint(b)
        pw = w[b.pivots]
        c = cand.size
        i_idx, j_idx = np.triu_indices(c, 1)
        pair = (phi[cand[i_idx]] + phi[cand[j_idx]]) % b.p
        budget.spend(max(1, c * c * c // (2 * _WORK)))
        targets = np.unique(np.concatenate([[0], r[free & small]]) % b.p)
        out = self._fingerprint_triples(b.p, cand, phi, pw, (i_idx, j_idx, pair), targets)
        if self.k - 1 >= 4 and c >= 4:
            out += self._fingerprint_quadruples(b.p, cand, pw, (i_idx, j_idx, pair))
        return out

    def _fingerprint_triples(self, p: int, cand: np.ndarray, phi: np.ndarray, pw: np.ndarray,
                             pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
                             targets: np.ndarray) -> list[tuple[int, ...]]:
        """Triples (x, j, z) of candidate pivot rows whose pair fingerprint plus phi_z hits a target."""
        i_idx, j_idx, pair = pairs
        c, limit = cand.size, self.k - 1
        pair_w = pw[cand[i_idx]] + pw[cand[j_idx]]
        out: list[tuple[int, ...]] = []
        for start in range(2, c, 64):  # third rows z > j of each pair (x, j), in slices of 64 z
            stop = min(start + 64, c)
            reps = np.clip(stop - np.maximum(j_idx + 1, start), 0, None)
            if not reps.any():
                continue
            which = np.repeat(np.arange(len(pair)), reps)
            first = np.maximum(j_idx + 1, start)[which]
            offsets = np.arange(len(which)) - np.repeat(np.cumsum(reps) - reps, reps)
            z = first + offsets
            sel = np.ones(len(which), dtype=bool)
            if self.plain:
                sel = pair_w[which] + pw[cand[z]] <= limit
            which, z = which[sel], z[sel]
            closing = (pair[which] + phi[cand[z]]) % p
            at = np.minimum(np.searchsorted(targets, closing), targets.size - 1)
            hit = targets[at] == closing
            for x, y, t in zip(i_idx[which[hit]].tolist(), j_idx[which[hit]].tolist(), z[hit].tolist(), strict=True):
                out.append(tuple(sorted((int(cand[x]), int(cand[y]), int(cand[t])))))
        return out

    def _fingerprint_quadruples(self, p: int, cand: np.ndarray, pw: np.ndarray,
                                pairs: tuple[np.ndarray, np.ndarray, np.ndarray]) -> list[tuple[int, ...]]:
        """Quadruples: two disjoint pairs of candidate pivot rows whose fingerprints add up to 0 mod p."""
        i_idx, j_idx, pair = pairs
        limit = self.k - 1
        order = np.argsort(pair, kind="stable")
        ordered = pair[order]
        need = (p - pair) % p
        lo = np.searchsorted(ordered, need, side="left")
        hi = np.searchsorted(ordered, need, side="right")
        out: list[tuple[int, ...]] = []
        for a in np.flatnonzero(hi > lo).tolist():
            for other in order[lo[a]:hi[a]].tolist():
                quad = {int(cand[i_idx[a]]), int(cand[j_idx[a]]), int(cand[i_idx[other]]), int(cand[j_idx[other]])}
                if len(quad) == 4 and (not self.plain or pw[list(quad)].sum() <= limit):
                    out.append(tuple(sorted(quad)))
        return out

    def _violation(self, b: _Block, pick: tuple[int, ...], support: np.ndarray) -> Violation | None:
        """The violation of a verified union (None when it covers k firms or more), with the rows behind it."""
        units = self._cell_units(b.cols[support])
        if not 0 < len(_firms(units)) < self.k:
            return None
        target = np.zeros(len(b.cols), dtype=np.int64)
        target[support] = 1
        return Violation(self.name, units, self._block_figures(b, list(pick), target))

    def _block_figures(self, b: _Block, picks: Sequence[int], target: np.ndarray,
                       coefficients: Sequence[int] | None = None) -> frozenset[str]:
        """The figures whose rows combine to `target` (a vector over the block's cells), checked exactly."""
        coefficients = coefficients if coefficients is not None else [1] * len(picks)
        y = (np.array(coefficients, dtype=np.int64)[:, None] % b.p * b.transform[list(picks)] % b.p).sum(axis=0) % b.p
        lifted = _lift(y, b.p)
        combination: Sequence[Fraction | int] | None = None
        if lifted is not None:
            num, d = lifted
            used = np.flatnonzero(num)
            if int(np.abs(num).max(initial=0)) * len(b.rows) < 1 << 62 and np.array_equal(
                    (num[used, None] * b.matrix[used]).sum(axis=0), d * target):
                combination = num.tolist()
        if combination is None:
            combination = _solve(b.matrix, target.tolist())
        return frozenset(self.row_keys[int(b.rows[i])] for i, c in enumerate(combination or ()) if c)


def _null_fingerprint(b: _Block) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A random null vector of the block mod p: weights r on its free cells (deterministic seed), the
    free-cell mask, and phi_i = row_i . r mod p for each echelon row (minus the weight of its pivot cell)."""
    p, n = b.p, len(b.cols)
    free = np.ones(n, dtype=bool)
    free[b.pivots] = False
    rng = np.random.default_rng(20260 + n)
    r = rng.integers(1, _SPREAD, size=n, dtype=np.int64) * free
    phi = np.zeros(len(b.pivots), dtype=np.int64)
    for s in range(0, n, 1 << 14):  # residues < 2**31 times r < 2**16, 2**14 terms: below 2**63
        phi = (phi + (b.reduced[:, s:s + (1 << 14)] * r[s:s + (1 << 14)]).sum(axis=1)) % p
    return r, free, phi

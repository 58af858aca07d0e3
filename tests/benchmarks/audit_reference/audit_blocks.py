"""The fast path's blocks: a system's span rows split into blocks that share no cell (and coupling rows),
each reduced modulo a prime, lifted to fractions and checked exactly against the block.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from .audit_exact import _components, _lift, _rows_times, _rref_mod
from .audit_types import (
    _WORK,
    Budget,
)

PRIMES = (2147483647, 2147483629, 2147483587)  # tried in order: the exact RREF's lift must check out mod one
_BLOCK_ROWS = 64  # blocks of more rows are split at the rows of one-row figures, if that splits them
_MAX_COUPLERS = 16


@dataclass
class _Block:
    """One connected block of a system's rows: its exact RREF (numerators over one denominator) and more."""

    rows: np.ndarray  # the system's row indices in this block
    cols: np.ndarray  # the system's cell indices in this block (global order: large cells first)
    matrix: np.ndarray  # 0/1 rows x cols
    pivots: np.ndarray  # local column of each echelon row
    numerators: np.ndarray  # exact RREF = numerators / denominator
    denominator: int
    reduced: np.ndarray  # the same RREF mod p
    transform: np.ndarray  # echelon rows as combinations of the block's rows, mod p
    p: int


class _Blocks:
    """The block reduction of `_System` (a mixin: uses its matrix, row keys and k)."""

    def _span_rows(self) -> np.ndarray:
        """Rows that matter for the span: a one-row figure equal to the disjoint union of another figure's
        rows (a group's n beside its histogram) is left out, since the histogram's bins add up to it."""
        by_key: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(self.row_keys):
            by_key[key].append(i)
        unions: set[bytes] = set()
        for rows in by_key.values():
            if len(rows) > 1:
                sub = self.matrix[rows]
                if int(sub.sum(axis=0).max()) <= 1:
                    unions.add(np.packbits(sub.any(axis=0)).tobytes())
        keep = [i for i, key in enumerate(self.row_keys)
                if not (len(by_key[key]) == 1 and unions and np.packbits(self.matrix[i] != 0).tobytes() in unions)]
        return np.array(keep, dtype=np.int64)

    def blocks(self, budget: Budget) -> list[_Block] | None:
        """The exact RREF of each block of the span rows, or None when the fast path does not apply."""
        if self._blocks is not False:
            return self._blocks  # type: ignore[return-value]
        self._blocks = None
        if self.k - 1 > 4:
            return None
        parts, couplers = self._partition(self._span_rows())
        for p in PRIMES:
            out = self._reduce(parts, couplers, p, budget)
            if out is not None:
                self._blocks = out
                return out
        return None

    def _partition(self, keep: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        """Blocks of rows that share no cell, and the few *coupling* rows that would glue them together.

        When the connected blocks are big, the rows of one-row figures (a group's n whose histogram is
        withheld) are set aside if the rows of the other figures fall apart without them: each joins
        the block it lies in, or becomes a coupling row when it spans several (at most _MAX_COUPLERS).
        """
        parts = [keep[x] for x in _components(self.matrix[keep])]
        if max((len(x) for x in parts), default=0) <= _BLOCK_ROWS:
            return parts, np.zeros(0, dtype=np.int64)
        counts = Counter(self.row_keys)
        single = np.array([counts[self.row_keys[i]] == 1 for i in keep.tolist()], dtype=bool)
        base = keep[~single]
        if base.size == 0:
            return parts, np.zeros(0, dtype=np.int64)
        block_of_cell = np.full(self.matrix.shape[1], -1, dtype=np.int64)
        groups: list[list[int]] = []
        for x in _components(self.matrix[base]):
            block_of_cell[self.matrix[base[x]].any(axis=0)] = len(groups)
            groups.append(base[x].tolist())
        couplers = []
        for i in keep[single].tolist():
            touched = np.unique(block_of_cell[self.matrix[i] != 0])
            if touched.size == 1 and touched[0] >= 0:
                groups[int(touched[0])].append(i)
            else:
                couplers.append(i)
        if len(couplers) > _MAX_COUPLERS:
            return parts, np.zeros(0, dtype=np.int64)
        return [np.array(sorted(g), dtype=np.int64) for g in groups], np.array(couplers, dtype=np.int64)

    def _reduce(self, parts: list[np.ndarray], couplers: np.ndarray, p: int, budget: Budget) -> list[_Block] | None:
        """Each block reduced mod p (all blocks and coupling rows as one when there are coupling rows),
        lifted to fractions and checked exactly; None when a lift fails with this prime."""
        pieces = []
        for rows in parts:
            cols = np.flatnonzero(self.matrix[rows].any(axis=0))
            budget.spend(max(1, len(rows) * (len(rows) + len(cols)) * min(len(rows), len(cols)) // _WORK))
            reduced, pivots, transform = _rref_mod(self.matrix[np.ix_(rows, cols)], p)
            pieces.append((rows, cols, reduced, pivots, transform))
        if couplers.size:
            pieces = [self._couple(pieces, couplers, p, budget)]
        out = []
        for rows, cols, reduced, pivots, transform in pieces:
            sub = self.matrix[np.ix_(rows, cols)]
            budget.spend(max(1, len(rows) * len(cols) * len(pivots) // (8 * _WORK)))
            lifted = _lift(reduced, p)
            if lifted is None:
                return None
            numerators, denominator = lifted
            if int(np.abs(numerators).max(initial=0)) * max(len(pivots), 1) >= 1 << 62:
                return None
            if not np.array_equal(_rows_times(sub[:, pivots], numerators), denominator * sub.astype(np.int64)):
                return None  # every row of the block, exactly, from the lifted rows at its pivots
            out.append(_Block(rows, cols, sub, pivots, numerators, denominator, reduced, transform, p))
        return out

    def _couple(self, pieces: list, couplers: np.ndarray, p: int, budget: Budget) -> tuple:
        """Join the reduced blocks and the coupling rows into one reduced form mod p (pivots in any order)."""
        rows = np.concatenate([pc[0] for pc in pieces] + [couplers])
        cols = np.flatnonzero(self.matrix[rows].any(axis=0))
        pos = np.full(self.matrix.shape[1], -1, dtype=np.int64)
        pos[cols] = np.arange(len(cols))
        rank = sum(len(pc[3]) for pc in pieces)
        reduced = np.zeros((rank, len(cols)), dtype=np.int64)
        transform = np.zeros((rank, len(rows)), dtype=np.int64)
        pivots: list[int] = []
        at_r = at_m = 0
        for b_rows, b_cols, b_red, b_piv, b_tr in pieces:
            span = np.arange(at_r, at_r + len(b_piv))
            reduced[np.ix_(span, pos[b_cols])] = b_red
            transform[np.ix_(span, np.arange(at_m, at_m + len(b_rows)))] = b_tr
            pivots += pos[b_cols][b_piv].tolist()
            at_r += len(b_piv)
            at_m += len(b_rows)
        piv = np.array(pivots, dtype=np.int64)
        glue = self.matrix[np.ix_(couplers, cols)].astype(np.int64)
        budget.spend(max(1, len(couplers) * (rank + 1) * (len(cols) + len(rows)) // _WORK))
        left = (glue - glue[:, piv] @ reduced) % p  # glue is 0/1: sums of residues stay below 2**63
        left_tr = (-(glue[:, piv] @ transform)) % p
        left_tr[np.arange(len(couplers)), at_m + np.arange(len(couplers))] += 1
        left_tr %= p
        more, more_piv, more_tr = _rref_mod(left, p)
        more_rows_tr = np.zeros((len(more_piv), len(rows)), dtype=np.int64)
        for x in range(len(couplers)):
            more_rows_tr = (more_rows_tr + more_tr[:, x:x + 1] * left_tr[x] % p) % p
        for idx, q in enumerate(more_piv.tolist()):
            f = reduced[:, q].copy()
            hit = np.flatnonzero(f)
            if hit.size:
                reduced[hit] = (reduced[hit] - f[hit, None] * more[idx]) % p
                transform[hit] = (transform[hit] - f[hit, None] * more_rows_tr[idx]) % p
        return (rows, cols, np.vstack([reduced, more]), np.concatenate([piv, more_piv]),
                np.vstack([transform, more_rows_tr]))


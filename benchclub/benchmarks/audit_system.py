"""One system's released rows as cells (units in exactly the same rows): which small sets and probes
the rows determine, by the fast block search or the older exact search.
"""
from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from .audit_blocks import _Block, _Blocks
from .audit_exact import _Echelon
from .audit_older import _OlderSearch
from .audit_search import _BlockSearch
from .audit_types import (
    Budget,
    OldValue,
    Probe,
    Unit,
    Violation,
    firm_of,
)


def _membership(rows: Sequence[frozenset], arrays_of: dict | None = None) -> tuple[np.ndarray, list | np.ndarray]:
    """Units x rows membership (bool: each unit's rows, contiguous) and the units in that order (integer
    ids take a vectorised path: sorted, as `np.unique` gives them; any other unit in order of first appearance).

    `arrays_of` keeps each row's units as an array by the row's identity, for the rest of one audit."""
    arrays_of = {} if arrays_of is None else arrays_of
    try:
        arrays = []
        for units in rows:
            kept = arrays_of.get(id(units))
            if kept is None or kept[0] is not units:
                kept = arrays_of[id(units)] = (units, np.fromiter(units, dtype=np.int64, count=len(units)))
            arrays.append(kept[1])
        units, columns = _integer_columns(arrays)
    except (TypeError, ValueError, OverflowError):
        index: dict[Unit, int] = {}
        columns = [np.fromiter((index.setdefault(u, len(index)) for u in r), dtype=np.int64, count=len(r))
                   for r in rows]
        units = list(index)
    members = np.zeros((len(units), len(rows)), dtype=bool)
    if columns:
        lengths = np.fromiter((len(c) for c in columns), dtype=np.int64, count=len(columns))
        members[np.concatenate(columns), np.repeat(np.arange(len(rows)), lengths)] = True
    return members, units


def _integer_columns(arrays: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The sorted distinct ids of integer rows and each row's columns among them (a look-up table when
    the ids are dense enough, else sorting and binary search: the same answer)."""
    if not arrays:
        return np.zeros(0, np.int64), []
    flat = np.concatenate(arrays)
    if flat.size == 0:
        return flat, [flat for _ in arrays]
    low, high = int(flat.min()), int(flat.max())
    if high - low > 8 * flat.size + (1 << 16):
        units = np.unique(flat)
        return units, [np.searchsorted(units, a) for a in arrays]
    seen = np.zeros(high - low + 1, dtype=bool)
    seen[flat - low] = True
    position = np.cumsum(seen) - 1
    return np.flatnonzero(seen) + low, [position[a - low] for a in arrays]


def _distinct_signatures(packed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.unique` of the units' signatures (byte strings, compared as bytes) with the index of each one's
    first unit and each unit's signature number; signatures of up to 8 bytes are compared as big-endian
    integers, which orders them the same way and sorts faster."""
    if 0 < packed.shape[1] <= 8:
        padded = np.zeros((packed.shape[0], 8), dtype=np.uint8)
        padded[:, :packed.shape[1]] = packed
        keys = padded.view(">u8").ravel()
    else:
        keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return first, inverse.ravel()


class _System(_Blocks, _BlockSearch, _OlderSearch):
    """The released rows of one system, reduced once; answers which small sets and probes are derivable.

    The fast exact path (sets of at most 4 cells, so `min_firms` up to 5): rows that are the disjoint
    union of another figure's rows (a group's n beside its histogram) are left out of the span, the
    rest split into blocks that share no cell, and each block is reduced mod a prime with numpy; the
    reduced rows are lifted to small fractions and the lift is checked exactly against the block
    (D * rows = rows[:, pivots] @ numerators, in integers), which makes it the exact RREF over the
    rationals. A union S of small cells is in the span exactly when the sum of the RREF rows of its
    pivot cells is 1 on S and 0 elsewhere: sets with one or two pivot cells are tested directly on
    the exact rows, sets with three or four by a random null-space fingerprint mod p (a set in the span
    always sums to 0 on it, so none is missed) and every hit is verified on the exact rows. When a lift
    fails or `min_firms` exceeds 5, the older exact search below takes over.
    """

    def __init__(self, name: str, rows: list[tuple[str, frozenset]], min_firms: int, arrays_of: dict | None = None):
        self.name, self.k = name, min_firms
        self.row_keys = [key for key, _ in rows]
        self._row_units = [units for _, units in rows]
        members, self._units = _membership(self._row_units, arrays_of)
        self.plain = isinstance(self._units, np.ndarray) or not any(isinstance(u, OldValue) for u in self._units)
        packed = np.packbits(members, axis=1)  # each unit's rows as bytes: its signature
        first, inverse = _distinct_signatures(packed)
        if self.plain:
            weights = np.bincount(inverse, minlength=len(first))
        else:
            firms: list[set] = [set() for _ in first]
            for u, c in zip(self._units, inverse.tolist(), strict=True):
                firms[c].add(firm_of(u))
            weights = np.array([len(f) for f in firms], dtype=np.int64)
        order = np.lexsort((np.arange(len(first)), weights < min_firms))  # large cells first
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        self._label = rank[inverse]  # unit (row of `members`) -> cell
        self._w = weights[order]
        self.weights = self._w.tolist()
        self.matrix = np.ascontiguousarray(members[first[order]].T).astype(np.int8)
        self.n_large = int((self._w >= min_firms).sum())
        self._cells: list[list[Unit]] | None = None
        self._col_of: dict[Unit, int] | None = None
        self._index: dict[Unit, int] | None = None
        self._ech: _Echelon | None = None
        self._blocks: list[_Block] | None | bool = False

    @property
    def cells(self) -> list[list[Unit]]:
        """The units of each cell (built only when a violation, a probe or the older search needs them)."""
        if self._cells is None:
            units = self._units.tolist() if isinstance(self._units, np.ndarray) else self._units
            cells: list[list[Unit]] = [[] for _ in self.weights]
            for u, c in zip(units, self._label.tolist(), strict=True):
                cells[c].append(u)
            self._cells = cells
        return self._cells

    def _cell_units(self, cols: np.ndarray) -> frozenset:
        """The units of these cells."""
        picked = np.flatnonzero(np.isin(self._label, cols))
        if isinstance(self._units, np.ndarray):
            return frozenset(self._units[picked].tolist())
        return frozenset(self._units[i] for i in picked.tolist())

    @property
    def col_of(self) -> dict[Unit, int]:
        if self._col_of is None:
            self._col_of = {unit: j for j, units in enumerate(self.cells) for unit in units}
        return self._col_of

    def all_cells_large(self) -> bool:
        """The exact pre-check: a derivable set is a union of cells, so cells of k firms or more leave none."""
        return self.n_large == len(self.weights)

    def _figures(self, combination: Sequence[Fraction | int]) -> frozenset[str]:
        return frozenset(self.row_keys[i] for i, y in enumerate(combination) if y)

    def small_sets(self, budget: Budget) -> list[Violation]:
        """Unions of cells with 1..k-1 firms in the span (see the class notes). Raises `Unsure` when the
        search would cost more than what is left of `budget`."""
        if self.all_cells_large():
            return []
        blocks = self.blocks(budget)
        if blocks is None:
            return self._older_sets(budget)
        found: list[Violation] = []
        for block in blocks:
            found.extend(self._block_sets(block, budget))
        return found

    def _probe_vector(self, probe: Probe) -> np.ndarray | None:
        """The probe over cells, or None when it splits a cell or touches a unit in no released row."""
        units = [u for u, _ in probe.coefficients]
        coefs = np.array([c for _, c in probe.coefficients], dtype=np.int64)
        if isinstance(self._units, np.ndarray):
            if not all(isinstance(u, (int, np.integer)) for u in units):
                return None  # an earlier revision's value, or anything else, is in no row of this system
            wanted = np.array(units, dtype=np.int64)
            idx = np.minimum(np.searchsorted(self._units, wanted), max(len(self._units) - 1, 0))
            if len(self._units) == 0 or not np.array_equal(self._units[idx], wanted):
                return None
        else:
            if self._index is None:
                self._index = {u: i for i, u in enumerate(self._units)}
            found = [self._index.get(u) for u in units]
            if any(i is None for i in found):
                return None
            idx = np.array(found, dtype=np.int64)
        cells = self._label[idx]
        vector = np.zeros(len(self.weights), dtype=np.int64)
        vector[cells] = coefs
        if not np.array_equal(vector[cells], coefs):
            return None  # two coefficients on one cell
        touched, count = np.unique(cells, return_counts=True)
        if not np.array_equal(np.bincount(self._label, minlength=len(self.weights))[touched], count):
            return None  # no release can isolate part of a cell
        return vector

    def derives(self, probe: Probe, budget: Budget) -> Violation | None:
        """The probe's violation when the released rows determine it, else None (decided exactly)."""
        vector = self._probe_vector(probe)
        if vector is None:
            return None
        coef = vector
        blocks = self.blocks(budget)
        if blocks is None:
            self.afford_echelon(budget)
            combination = self._combination({j: int(v) for j, v in enumerate(coef.tolist()) if v})
            if combination is None:
                return None
            figures = self._figures(combination)
        else:
            figures = frozenset()
            for blk in blocks:
                part = coef[blk.cols]
                if not part.any():
                    continue
                at_pivots = part[blk.pivots]
                total = (at_pivots[:, None] * blk.numerators).sum(axis=0)
                if not np.array_equal(total, blk.denominator * part):
                    return None
                used = np.flatnonzero(at_pivots)
                figures |= self._block_figures(blk, used.tolist(), part, at_pivots[used].tolist())
        return Violation(self.name, frozenset(u for u, _ in probe.coefficients), figures, probe.what)



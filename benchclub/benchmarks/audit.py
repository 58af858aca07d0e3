"""The release audit's exact core (DOMAIN §5 rule 3, DISCLOSURE-AUDIT.md): pure, no database, no floats.

Everything released for a KPI and period is a set of linear queries over *units* (firms; an earlier
revision's changed value is a unit of its own). A figure has one row per query (a histogram has one
row per bin), each row a set of units it sums or counts, and every row belongs to a *system*: the
queries of one system share their variables (values for sums, membership for counts), so only rows of
the same system can be added and subtracted. The audit finds every union of cells (units in exactly
the same rows) that covers 1 to `min_firms - 1` firms and whose indicator lies in the span of the
released rows, plus any extra *probe* (a signed combination that must stay hidden, such as one firm's
change between revisions or the exact n of a group shown as a band), and withholds figures greedily
until none is left. Only `benchmarks.disclosure` calls this module.
"""
from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from math import comb, gcd

import numpy as np

Unit = Hashable


@dataclass(frozen=True, order=True)
class OldValue:
    """A unit for a firm's value in an earlier revision that differs from its current one."""

    firm: Hashable
    revision: int


def firm_of(unit: Unit) -> Hashable:
    """The firm behind a unit: the unit itself, or the firm of an earlier revision's changed value."""
    return unit.firm if isinstance(unit, OldValue) else unit


@dataclass(frozen=True)
class Figure:
    """One released figure: its rows as (system, units), a label for reasons, the firms it covers."""

    key: str
    rows: tuple[tuple[str, frozenset], ...]
    label: str
    size: int
    frozen: bool = False  # already released (an earlier revision): can never be withheld now


@dataclass(frozen=True)
class Probe:
    """A signed combination of units that no release may determine (e.g. one firm's correction)."""

    system: str
    coefficients: tuple[tuple[Unit, int], ...]
    what: str


@dataclass(frozen=True)
class Violation:
    """A set of fewer than `min_firms` firms (or a probe) determined by the figures named."""

    system: str
    units: frozenset
    figures: frozenset[str]
    what: str = ""


DEFAULT_BUDGET = 4_000_000  # search steps per audit; counted, not timed, so every run decides alike


class Unsure(Exception):
    """The exact search of a system ran out of its work budget before it could prove the rows safe."""


class Budget:
    """A deterministic allowance of search steps shared by every exact search of one audit."""

    def __init__(self, steps: int = DEFAULT_BUDGET):
        self.left = steps

    def spend(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            raise Unsure


@dataclass
class _Echelon:
    """Fraction-free reduced row echelon form of a system's rows, with the row combinations behind it."""

    rows: list[list[int]]  # each: n cell coefficients followed by m row-combination coefficients
    pivots: list[int]
    n: int


def _normalise(row: list[int]) -> list[int]:
    g = 0
    for x in row:
        if x:
            g = gcd(g, x)
            if g == 1:
                return row
    return [x // g for x in row] if g > 1 else row


def _echelon(matrix: list[list[int]], n: int) -> _Echelon:
    """Gauss-Jordan over the integers (no division until the end), tracking which rows were combined."""
    m = len(matrix)
    rows = [r + [1 if j == i else 0 for j in range(m)] for i, r in enumerate(matrix)]
    pivots: list[int] = []
    top = 0
    for col in range(n):
        found = next((i for i in range(top, m) if rows[i][col]), None)
        if found is None:
            continue
        rows[top], rows[found] = rows[found], rows[top]
        pivot_row, a = rows[top], rows[top][col]
        for i in range(m):
            b = rows[i][col]
            if i != top and b:
                rows[i] = _normalise([x * a - y * b for x, y in zip(rows[i], pivot_row, strict=True)])
        pivots.append(col)
        top += 1
        if top == m:
            break
    return _Echelon(rows[:top], pivots, n)


PRIMES = (2147483647, 2147483629, 2147483587)  # tried in order: the exact RREF's lift must check out mod one
_SPREAD = 1 << 16  # fingerprint weights on free cells: products with residues stay below 2**63
_WORK = 256  # vectorised element operations per budget step
_BLOCK_ROWS = 64  # blocks of more rows are split at the rows of one-row figures, if that splits them
_MAX_COUPLERS = 16


def _ratio(x: int, p: int) -> tuple[int, int] | None:
    """The fraction a/b with |a|, b <= sqrt(p/2) that is congruent to x mod p, or None (rational reconstruction)."""
    bound = int((p // 2) ** 0.5)
    r0, r1, s0, s1 = p, x % p, 0, 1
    while r1 > bound:
        q = r0 // r1
        r0, r1, s0, s1 = r1, r0 - q * r1, s1, s0 - q * s1
    if s1 == 0 or abs(s1) > bound:
        return None
    if s1 < 0:
        r1, s1 = -r1, -s1
    return (r1, s1) if gcd(r1, s1) == 1 else None


def _lift(residues: np.ndarray, p: int) -> tuple[np.ndarray, int] | None:
    """Integer numerators N and one denominator D with N / D congruent to the residues, or None."""
    nonzero = residues != 0
    values = np.unique(residues[nonzero])
    fractions = {}
    denominator = 1
    for v in values.tolist():
        f = _ratio(v, p)
        if f is None:
            return None
        fractions[v] = f
        denominator = denominator * f[1] // gcd(denominator, f[1])
        if denominator > 1 << 20:
            return None
    table = np.array([fractions[v][0] * (denominator // fractions[v][1]) for v in values.tolist()], dtype=np.int64)
    out = np.zeros(residues.shape, dtype=np.int64)
    out[nonzero] = table[np.searchsorted(values, residues[nonzero])]
    return out, denominator


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


def _rref_mod(matrix: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gauss-Jordan mod p with the row combinations tracked: (R, pivot columns, T) with R = T . matrix mod p."""
    m, n = matrix.shape
    a = np.concatenate([matrix.astype(np.int64) % p, np.eye(m, dtype=np.int64)], axis=1)
    pivots: list[int] = []
    top = 0
    col = 0
    while top < m and col < n:
        ahead = np.flatnonzero(a[top:, col:n].any(axis=0))  # the next column with a pivot
        if ahead.size == 0:
            break
        col += int(ahead[0])
        r = top + int(np.flatnonzero(a[top:, col])[0])
        if r != top:
            a[[top, r]] = a[[r, top]]
        inv = pow(int(a[top, col]), p - 2, p)
        if inv != 1:
            a[top, col:] = a[top, col:] * inv % p
        factor = a[:, col].copy()
        factor[top] = 0
        hit = np.flatnonzero(factor)
        if hit.size:
            a[hit, col:] = (a[hit, col:] - factor[hit, None] * a[top, col:]) % p  # |products| < 2**62
        pivots.append(col)
        top += 1
        col += 1
    return a[:top, :n], np.array(pivots, dtype=np.int64), a[:top, n:]


def _membership(rows: Sequence[frozenset], arrays_of: dict | None = None) -> tuple[np.ndarray, list | np.ndarray]:
    """Rows x units membership (bool) and the units in column order (integer ids take a vectorised path).

    `arrays_of` keeps each row's units as an array by the row's identity, for the rest of one audit."""
    arrays_of = {} if arrays_of is None else arrays_of
    try:
        arrays = []
        for units in rows:
            kept = arrays_of.get(id(units))
            if kept is None or kept[0] is not units:
                kept = arrays_of[id(units)] = (units, np.fromiter(units, dtype=np.int64, count=len(units)))
            arrays.append(kept[1])
        units: list | np.ndarray = np.unique(np.concatenate(arrays)) if arrays else np.zeros(0, np.int64)
        columns = [np.searchsorted(units, a) for a in arrays]
    except (TypeError, ValueError, OverflowError):
        index: dict[Unit, int] = {}
        columns = [np.fromiter((index.setdefault(u, len(index)) for u in r), dtype=np.int64, count=len(r))
                   for r in rows]
        units = list(index)
    members = np.zeros((len(rows), len(units)), dtype=bool)
    for i, cols in enumerate(columns):
        members[i, cols] = True
    return members, units


def _firms(units: Iterable[Unit]) -> set:
    return {firm_of(u) for u in units}


def _components(matrix: np.ndarray) -> list[np.ndarray]:
    """Row indices of the connected blocks (rows sharing a cell), each sorted, in order of their first row."""
    m = matrix.shape[0]
    member = matrix != 0
    seen = np.zeros(m, dtype=bool)
    out = []
    for start in range(m):
        if seen[start]:
            continue
        block = np.zeros(m, dtype=bool)
        block[start] = True
        frontier = block.copy()
        while frontier.any():
            cells = member[frontier].any(axis=0)
            reach = member[:, cells].any(axis=1) & ~block
            block |= reach
            frontier = reach
        seen |= block
        out.append(np.flatnonzero(block))
    return out


def _rows_times(zero_one: np.ndarray, numerators: np.ndarray) -> np.ndarray:
    """zero_one @ numerators in int64 for a 0/1 matrix, row by row (no BLAS: exact and single-threaded)."""
    out = np.zeros((zero_one.shape[0], numerators.shape[1]), dtype=np.int64)
    for i, row in enumerate(zero_one):
        picked = np.flatnonzero(row)
        if picked.size:
            out[i] = numerators[picked].sum(axis=0)
    return out


def _solve(matrix: np.ndarray, target: Sequence[int]) -> list[Fraction] | None:
    """Exact rational y with y . matrix = target (fraction-free echelon), or None when there is none."""
    m, n = matrix.shape
    ech = _echelon([[int(x) for x in row] for row in matrix.tolist()], n)
    vector = [Fraction(int(x)) for x in target]
    combination = [Fraction(0)] * m
    for row, pivot in zip(ech.rows, ech.pivots, strict=True):
        c = vector[pivot] / row[pivot]
        if not c:
            continue
        vector = [v - c * x for v, x in zip(vector, row[:n], strict=True)]
        combination = [y + c * t for y, t in zip(combination, row[n:], strict=True)]
    return None if any(vector) else combination


class _System:
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
        packed = np.ascontiguousarray(np.packbits(members, axis=0).T)
        signature = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
        _, first, inverse = np.unique(signature, return_index=True, return_inverse=True)
        inverse = inverse.ravel()
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
        self._label = rank[inverse]  # unit (column of `members`) -> cell
        self._w = weights[order]
        self.weights = self._w.tolist()
        self.matrix = members[:, first[order]].astype(np.int8)
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
        p, limit = b.p, self.k - 1
        n = len(b.cols)
        free = np.ones(n, dtype=bool)
        free[b.pivots] = False
        rng = np.random.default_rng(20260 + n)
        r = rng.integers(1, _SPREAD, size=n, dtype=np.int64) * free
        phi = np.zeros(len(b.pivots), dtype=np.int64)
        for s in range(0, n, 1 << 14):  # residues < 2**31 times r < 2**16, 2**14 terms: below 2**63
            phi = (phi + (b.reduced[:, s:s + (1 << 14)] * r[s:s + (1 << 14)]).sum(axis=1)) % p
        pw = w[b.pivots]
        c = cand.size
        i_idx, j_idx = np.triu_indices(c, 1)
        pair = (phi[cand[i_idx]] + phi[cand[j_idx]]) % p
        pair_w = pw[cand[i_idx]] + pw[cand[j_idx]]
        budget.spend(max(1, c * c * c // (2 * _WORK)))
        out: list[tuple[int, ...]] = []
        targets = np.unique(np.concatenate([[0], r[free & small]]) % p)
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
        if limit >= 4 and c >= 4:
            order = np.argsort(pair, kind="stable")
            ordered = pair[order]
            need = (p - pair) % p
            lo = np.searchsorted(ordered, need, side="left")
            hi = np.searchsorted(ordered, need, side="right")
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


def _by_system(figures: Sequence[Figure]) -> dict[str, list[tuple[str, frozenset]]]:
    by_system: dict[str, list[tuple[str, frozenset]]] = defaultdict(list)
    for fig in sorted(figures, key=lambda f: f.key):  # by key: the answer never depends on the input order
        for system, units in fig.rows:
            if units:
                by_system[system].append((fig.key, units))
    return by_system


def _scan(figures: Sequence[Figure], min_firms: int, probes: Sequence[Probe], cache: dict,
          budget: Budget) -> tuple[list[Violation], list[str]]:
    """The violations found exactly, and the systems whose search ran out of budget (in name order).

    `cache` keeps each system's answer for its exact set of rows, so the greedy loop only re-reduces
    the systems that the last withheld figure touched. Probes are always decided exactly (one solve).
    """
    by_system = _by_system(figures)
    probes_by: dict[str, list[Probe]] = defaultdict(list)
    for probe in probes:
        probes_by[probe.system].append(probe)
    found: list[Violation] = []
    unsure: list[str] = []
    for name in sorted(by_system):
        key = (name, tuple(k for k, _ in by_system[name]))
        if key not in cache:
            system = _System(name, by_system[name], min_firms, cache.setdefault("arrays", {}))
            try:
                cache[key] = system.small_sets(budget) + [
                    v for p in probes_by.get(name, ()) if (v := system.derives(p, budget)) is not None]
            except Unsure:
                cache[key] = None
        if cache[key] is None:
            unsure.append(name)
        else:
            found.extend(cache[key])
    return found, unsure


def find_violations(figures: Sequence[Figure], min_firms: int, probes: Sequence[Probe] = (),
                    cache: dict | None = None, budget: int = DEFAULT_BUDGET) -> list[Violation]:
    """Every small set and probe that the given (released) figures determine, system by system.

    Raises `Unsure` when the exact search of some system needs more than `budget` steps.
    """
    found, unsure = _scan(figures, min_firms, probes, {} if cache is None else cache, Budget(budget))
    if unsure:
        raise Unsure(", ".join(unsure))
    return found


def _safe_by_cells(signature: Mapping[Unit, int], k: int, probes: Sequence[Probe], plain: bool) -> bool:
    """Safe by construction: every cell (units with one signature) has k firms or more, and every probe
    is not constant on some cell or weighs a unit in no row.

    Any combination of rows takes one value on all units of a cell and 0 on units in no row, so a set
    it determines is a union of cells (of k firms or more when every cell has them), and a probe
    that differs inside a cell cannot be determined. Count systems carry the bins in the signature.
    """
    sizes = Counter(signature.values())
    if min(sizes.values(), default=k) < k:
        return False
    if not plain:
        firms: dict[int, set] = defaultdict(set)
        for unit, sig in signature.items():
            firms[sig].add(firm_of(unit))
        if any(len(f) < k for f in firms.values()):
            return False
    for probe in probes:
        value: dict[int, int] = {}
        coef = {u: c for u, c in probe.coefficients if c}
        if not all(u in signature for u in coef):
            continue
        members: dict[int, int] = defaultdict(int)
        for unit, c in coef.items():
            value.setdefault(signature[unit], c)
            if value[signature[unit]] != c:
                break
            members[signature[unit]] += 1
        else:
            # constant on the cells it touches: safe only if it covers part of one of them
            if all(sizes[sig] == count for sig, count in members.items()):
                return False
    return True


def conservative_withholding(system: str, figures: Mapping[str, Figure], k: int,
                             probes: Sequence[Probe] = ()) -> list[str]:
    """Figures of one system to withhold so that the rest is safe by construction (`_safe_by_cells`).

    Starting from the frozen figures (already released), figures are kept one at a time, the larger
    group first (ties: the key), whenever the rows kept so far stay safe by cells; the others are
    withheld. One pass, linear in the units per figure, and deterministic. If the frozen figures
    alone are not safe by cells, every other figure of the system is withheld (nothing new is shown).
    """
    rows: dict[str, list[frozenset]] = defaultdict(list)
    for key, units in _by_system(list(figures.values())).get(system, []):
        rows[key].append(units)
    probes = [p for p in probes if p.system == system]
    signature: dict[Unit, int] = {}  # each unit's rows kept so far, as a bit set
    next_row = 0

    def with_rows(key: str) -> dict[Unit, int]:
        nonlocal next_row
        extended = dict(signature)
        for units in rows[key]:
            bit = 1 << next_row
            for unit in units:
                extended[unit] = extended.get(unit, 0) | bit
            next_row += 1
        return extended

    for key in sorted(rows):
        if figures[key].frozen:
            signature = with_rows(key)
    candidates = sorted((key for key in rows if not figures[key].frozen), key=lambda f: (-figures[f].size, f))
    plain = not any(isinstance(u, OldValue) for units in rows.values() for row in units for u in row)
    if not _safe_by_cells(signature, k, probes, plain):
        return candidates
    withheld = []
    for key in candidates:
        extended = with_rows(key)
        if _safe_by_cells(extended, k, probes, plain):
            signature = extended
        else:
            withheld.append(key)
    return withheld


def _exact_row_owner(violation: Violation, figures: Mapping[str, Figure]) -> str | None:
    """A released figure that has the violating set as one of its own rows (it singles it out alone)."""
    for key in sorted(violation.figures):
        fig = figures[key]
        if not fig.frozen and any(s == violation.system and u == violation.units for s, u in fig.rows):
            return key
    return None


def _reason(chosen: Figure, violation: Violation, figures: Mapping[str, Figure], k: int) -> str:
    others = [figures[key].label for key in sorted(violation.figures, key=lambda f: (figures[f].size, f))
              if key != chosen.key]
    what = violation.what or f"fewer than {k} firms"
    if not others:
        return f"Withheld: on its own it would single out {what}."
    shown = others[:3] + (["other figures"] if len(others) > 3 else [])
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return f"Withheld: added to or subtracted from {listed} it would single out {what}."


def _conservative_reason(k: int) -> str:
    return (f"Withheld: with the other published groups it would leave groups of fewer than {k} firms "
            "that could be worked out.")


def audit(figures: Sequence[Figure], min_firms: int, probes: Sequence[Probe] = (),
          budget: int | None = None, stats: dict | None = None) -> dict[str, str]:
    """Withhold as few figures as the greedy rule needs so that nothing small is determined.

    Repeatedly withhold the figure that takes part in the most violations (ties: the smaller figure,
    then the key), so the result is deterministic; returns {figure key: human reason}. The exact
    searches share `budget` steps; a system they cannot finish within it is made safe by
    `conservative_withholding` instead, so the cost is bounded and the answer never less safe.
    `stats`, when given, receives the systems audited, those that fell back, the rounds and steps spent.
    """
    by_key = {f.key: f for f in figures}
    active = dict(by_key)
    withheld: dict[str, str] = {}
    cache: dict = {}
    allowance = Budget(DEFAULT_BUDGET if budget is None else budget)
    settled: set[str] = set()
    rounds = 0
    while True:
        rounds += 1
        violations, unsure = _scan(list(active.values()), min_firms, probes, cache, allowance)
        fallback = [key for name in unsure if name not in settled
                    for key in conservative_withholding(name, active, min_firms, probes)]
        settled.update(unsure)  # after the fallback, only frozen figures could keep a small cell
        if fallback:
            for key in dict.fromkeys(fallback):
                withheld[key] = _conservative_reason(min_firms)
                del active[key]
            continue
        score: Counter[str] = Counter()
        first: dict[str, Violation] = {}
        for v in violations:
            owner = _exact_row_owner(v, active)
            blamed = [owner] if owner else [f for f in v.figures if not active[f].frozen]
            for key in blamed:
                score[key] += 1
                first.setdefault(key, v)
        if not score:
            if stats is not None:
                stats.update(systems=len(_by_system(figures)), fallback=sorted(settled), rounds=rounds,
                             steps=(DEFAULT_BUDGET if budget is None else budget) - allowance.left)
            return withheld
        chosen = min(score, key=lambda f: (-score[f], active[f].size, f))
        withheld[chosen] = _reason(active[chosen], first[chosen], active, min_firms)
        del active[chosen]

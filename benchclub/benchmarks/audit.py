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
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from math import comb, gcd

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


DEFAULT_BUDGET = 1_000_000  # search steps per audit; counted, not timed, so every run decides alike


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


def _cells(rows: Sequence[frozenset]) -> list[tuple[tuple[int, ...], list[Unit]]]:
    """Units grouped by the rows they belong to (their signature), in a deterministic order."""
    signature: dict[Unit, int] = {}
    for index, units in enumerate(rows):
        bit = 1 << index
        for unit in units:
            signature[unit] = signature.get(unit, 0) | bit
    cells: dict[int, list[Unit]] = defaultdict(list)
    for unit, sig in signature.items():
        cells[sig].append(unit)
    return sorted((tuple(i for i in range(len(rows)) if sig >> i & 1), units) for sig, units in cells.items())


def _firms(units: Iterable[Unit]) -> set:
    return {firm_of(u) for u in units}


def _n_firms(units: Sequence[Unit]) -> int:
    """How many firms a cell's units belong to (fast when no earlier revision's value is among them)."""
    if not any(isinstance(u, OldValue) for u in units):
        return len(units)
    return len(_firms(units))


class _System:
    """The released rows of one system, reduced once; answers which small sets and probes are derivable."""

    def __init__(self, name: str, rows: list[tuple[str, frozenset]], min_firms: int):
        self.name, self.k = name, min_firms
        self.row_keys = [key for key, _ in rows]
        cells = _cells([units for _, units in rows])
        weights = [_n_firms(units) for _, units in cells]
        order = sorted(range(len(cells)), key=lambda c: (weights[c] < min_firms, c))  # large cells first
        self.cells = [cells[c][1] for c in order]
        self.weights = [weights[c] for c in order]
        self.n_large = sum(1 for w in self.weights if w >= min_firms)
        self.col_of = {unit: j for j, units in enumerate(self.cells) for unit in units}
        self._signatures = [cells[c][0] for c in order]
        self._ech: _Echelon | None = None

    @property
    def ech(self) -> _Echelon:
        """The echelon form, built only when a search or a probe needs it (the pre-check does not)."""
        if self._ech is None:
            matrix = [[0] * len(self.cells) for _ in self.row_keys]
            for j, sig in enumerate(self._signatures):
                for i in sig:
                    matrix[i][j] = 1
            self._ech = _echelon(matrix, len(self.cells))
        return self._ech

    def afford_echelon(self, budget: Budget) -> None:
        """Charge the echelon's size (rank bound x rows x columns, four entries a step) before building it."""
        if self._ech is None:
            m, n = len(self.row_keys), len(self.cells)
            budget.spend(min(m, n) * m * (n + m) // 4)

    def all_cells_large(self) -> bool:
        """The exact pre-check: a derivable set is a union of cells, so cells of k firms or more leave none."""
        return self.n_large == len(self.cells)

    def _figures(self, combination: Sequence[Fraction | int]) -> frozenset[str]:
        return frozenset(self.row_keys[i] for i, y in enumerate(combination) if y)

    def small_sets(self, budget: Budget) -> list[Violation]:
        """Unions of cells with 1..k-1 firms in the span, by whichever exact search is cheaper here.

        Large cells come first in the echelon, so a pivot on a small cell exists exactly when some
        combination of the rows vanishes on every large cell and not on every small one; without one,
        no union of small cells is in the span (the reduced null space is {0}). Raises `Unsure` when
        the search would cost more than what is left of `budget`.
        """
        if self.all_cells_large():
            return []
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

    def _probe_vector(self, probe: Probe) -> list[Fraction] | None:
        """The probe over cells, or None when it splits a cell or touches a unit in no released row."""
        coef: dict[int, int] = {}
        seen: Counter[int] = Counter()
        for unit, c in probe.coefficients:
            j = self.col_of.get(unit)
            if j is None or coef.setdefault(j, c) != c:
                return None
            seen[j] += 1
        if any(len(self.cells[j]) != count for j, count in seen.items()):
            return None  # no release can isolate part of a cell
        return [Fraction(coef.get(j, 0)) for j in range(len(self.cells))]

    def derives(self, probe: Probe, budget: Budget) -> Violation | None:
        """The probe's violation when the released rows determine it, else None."""
        vector = self._probe_vector(probe)
        if vector is None:
            return None
        self.afford_echelon(budget)
        combination = self._combination({j: int(v) for j, v in enumerate(vector) if v})
        if combination is None:
            return None
        return Violation(self.name, frozenset(u for u, _ in probe.coefficients), self._figures(combination),
                         probe.what)


def _by_system(figures: Sequence[Figure]) -> dict[str, list[tuple[str, frozenset]]]:
    by_system: dict[str, list[tuple[str, frozenset]]] = defaultdict(list)
    for fig in figures:
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
            system = _System(name, by_system[name], min_firms)
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
          budget: int | None = None) -> dict[str, str]:
    """Withhold as few figures as the greedy rule needs so that nothing small is determined.

    Repeatedly withhold the figure that takes part in the most violations (ties: the smaller figure,
    then the key), so the result is deterministic; returns {figure key: human reason}. The exact
    searches share `budget` steps; a system they cannot finish within it is made safe by
    `conservative_withholding` instead, so the cost is bounded and the answer never less safe.
    """
    by_key = {f.key: f for f in figures}
    active = dict(by_key)
    withheld: dict[str, str] = {}
    cache: dict = {}
    allowance = Budget(DEFAULT_BUDGET if budget is None else budget)
    settled: set[str] = set()
    while True:
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
            return withheld
        chosen = min(score, key=lambda f: (-score[f], active[f].size, f))
        withheld[chosen] = _reason(active[chosen], first[chosen], active, min_firms)
        del active[chosen]

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

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import gcd

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
    signature: dict[Unit, list[int]] = defaultdict(list)
    for index, units in enumerate(rows):
        for unit in units:
            signature[unit].append(index)
    cells: dict[tuple[int, ...], list[Unit]] = defaultdict(list)
    for unit, sig in signature.items():
        cells[tuple(sig)].append(unit)
    return sorted(cells.items())


def _firms(units: Iterable[Unit]) -> set:
    return {firm_of(u) for u in units}


class _System:
    """The released rows of one system, reduced once; answers which small sets and probes are derivable."""

    def __init__(self, name: str, rows: list[tuple[str, frozenset]], min_firms: int):
        self.name, self.k = name, min_firms
        self.row_keys = [key for key, _ in rows]
        cells = _cells([units for _, units in rows])
        weights = [len(_firms(units)) for _, units in cells]
        order = sorted(range(len(cells)), key=lambda c: (weights[c] < min_firms, c))  # large cells first
        self.cells = [cells[c][1] for c in order]
        self.weights = [weights[c] for c in order]
        self.n_large = sum(1 for w in self.weights if w >= min_firms)
        self.col_of = {unit: j for j, units in enumerate(self.cells) for unit in units}
        matrix = [[0] * len(self.cells) for _ in rows]
        for j, c in enumerate(order):
            for i in cells[c][0]:
                matrix[i][j] = 1
        self.ech = _echelon(matrix, len(self.cells))

    def _figures(self, combination: Sequence[Fraction | int]) -> frozenset[str]:
        return frozenset(self.row_keys[i] for i, y in enumerate(combination) if y)

    def small_sets(self) -> list[Violation]:
        """Unions of cells with 1..k-1 firms in the span: found from the echelon rows that vanish on large cells."""
        ech = self.ech
        small_rows = [(r, p) for r, p in zip(ech.rows, ech.pivots, strict=True) if p >= self.n_large]
        found: list[Violation] = []

        def visit(start: int, chosen: list[int], weight: int) -> None:
            for idx in range(start, len(small_rows)):
                w = weight + self.weights[small_rows[idx][1]]
                if w >= self.k:
                    continue
                picked = chosen + [idx]
                self._check(small_rows, picked, found)
                visit(idx + 1, picked, w)

        visit(0, [], 0)
        return found

    def _check(self, small_rows: list, picked: list[int], found: list[Violation]) -> None:
        n = self.ech.n
        vector = [Fraction(0)] * n
        combination = [Fraction(0)] * len(self.row_keys)
        for idx in picked:
            row, pivot = small_rows[idx]
            d = row[pivot]
            for j in range(self.n_large, n):
                if row[j]:
                    vector[j] += Fraction(row[j], d)
            for i, t in enumerate(row[n:]):
                if t:
                    combination[i] += Fraction(t, d)
        if any(v not in (0, 1) for v in vector):
            return
        cols = [j for j, v in enumerate(vector) if v == 1]
        units = frozenset(u for j in cols for u in self.cells[j])
        if 0 < len(_firms(units)) < self.k:
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
        return [Fraction(coef.get(j, 0)) for j in range(self.ech.n)]

    def derives(self, probe: Probe) -> Violation | None:
        """The probe's violation when the released rows determine it, else None."""
        n = self.ech.n
        vector = self._probe_vector(probe)
        if vector is None:
            return None
        combination = [Fraction(0)] * len(self.row_keys)
        for row, pivot in zip(self.ech.rows, self.ech.pivots, strict=True):
            c = vector[pivot] / row[pivot]
            if not c:
                continue
            vector = [v - c * x for v, x in zip(vector, row[:n], strict=True)]
            combination = [y + c * t for y, t in zip(combination, row[n:], strict=True)]
        if any(vector):
            return None
        return Violation(self.name, frozenset(u for u, _ in probe.coefficients), self._figures(combination),
                         probe.what)


def find_violations(figures: Sequence[Figure], min_firms: int, probes: Sequence[Probe] = ()) -> list[Violation]:
    """Every small set and probe that the given (released) figures determine, system by system."""
    by_system: dict[str, list[tuple[str, frozenset]]] = defaultdict(list)
    for fig in figures:
        for system, units in fig.rows:
            if units:
                by_system[system].append((fig.key, units))
    probes_by: dict[str, list[Probe]] = defaultdict(list)
    for probe in probes:
        probes_by[probe.system].append(probe)
    found: list[Violation] = []
    for name in sorted(by_system):
        system = _System(name, by_system[name], min_firms)
        found.extend(system.small_sets())
        found.extend(v for p in probes_by.get(name, ()) if (v := system.derives(p)) is not None)
    return found


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


def audit(figures: Sequence[Figure], min_firms: int, probes: Sequence[Probe] = ()) -> dict[str, str]:
    """Withhold as few figures as the greedy rule needs so that nothing small is determined.

    Repeatedly withhold the figure that takes part in the most violations (ties: the smaller figure,
    then the key), so the result is deterministic; returns {figure key: human reason}.
    """
    by_key = {f.key: f for f in figures}
    active = dict(by_key)
    withheld: dict[str, str] = {}
    while True:
        violations = find_violations(list(active.values()), min_firms, probes)
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

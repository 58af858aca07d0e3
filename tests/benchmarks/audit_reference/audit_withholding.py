"""What the audit withholds and why: the conservative fallback (safe by cells) and the reasons shown.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from .audit_types import (
    Figure,
    OldValue,
    Probe,
    Unit,
    Violation,
    _by_system,
    firm_of,
)


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
    bits = _RowBits()
    for key in sorted(rows):
        if figures[key].frozen:
            bits.signature = bits.with_rows(rows[key])
    candidates = sorted((key for key in rows if not figures[key].frozen), key=lambda f: (-figures[f].size, f))
    plain = not any(isinstance(u, OldValue) for units in rows.values() for row in units for u in row)
    if not _safe_by_cells(bits.signature, k, probes, plain):
        return candidates
    withheld = []
    for key in candidates:
        extended = bits.with_rows(rows[key])
        if _safe_by_cells(extended, k, probes, plain):
            bits.signature = extended
        else:
            withheld.append(key)
    return withheld


class _RowBits:
    """Each unit's rows kept so far, as a bit set; every row tried gets the next bit, kept or not."""

    def __init__(self) -> None:
        self.signature: dict[Unit, int] = {}
        self.next_row = 0

    def with_rows(self, rows: Sequence[frozenset]) -> dict[Unit, int]:
        """The kept signature extended by these rows (a new dict: the caller decides whether to keep it)."""
        extended = dict(self.signature)
        for units in rows:
            bit = 1 << self.next_row
            for unit in units:
                extended[unit] = extended.get(unit, 0) | bit
            self.next_row += 1
        return extended


def _fallback(unsure: Sequence[str], settled: set[str], active: Mapping[str, Figure], k: int,
              probes: Sequence[Probe]) -> list[str]:
    """The figures the conservative fallback withholds for the systems that newly ran out of budget."""
    return list(dict.fromkeys(key for name in unsure if name not in settled
                              for key in conservative_withholding(name, active, k, probes)))


def _greedy_choice(violations: Sequence[Violation], active: Mapping[str, Figure], k: int) -> tuple[str, str] | None:
    """The figure that takes part in the most violations (ties: the smaller figure, then the key) and
    its reason, or None when there is no violation left."""
    score: Counter[str] = Counter()
    first: dict[str, Violation] = {}
    for v in violations:
        owner = _exact_row_owner(v, active)
        blamed = [owner] if owner else [f for f in v.figures if not active[f].frozen]
        for key in blamed:
            score[key] += 1
            first.setdefault(key, v)
    if not score:
        return None
    chosen = min(score, key=lambda f: (-score[f], active[f].size, f))
    return chosen, _reason(active[chosen], first[chosen], active, k)


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



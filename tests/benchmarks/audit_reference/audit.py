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

from collections import defaultdict
from collections.abc import Sequence

from .audit_system import _System
from .audit_types import (
    DEFAULT_BUDGET,
    Budget,
    Figure,
    OldValue,
    Probe,
    Unit,
    Unsure,
    Violation,
    _by_system,
    firm_of,
)
from .audit_withholding import _conservative_reason, _fallback, _greedy_choice, conservative_withholding

__all__ = [
    "DEFAULT_BUDGET", "Budget", "Figure", "OldValue", "Probe", "Unit", "Unsure", "Violation", "audit",
    "conservative_withholding", "find_violations", "firm_of",
]


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


def audit(figures: Sequence[Figure], min_firms: int, probes: Sequence[Probe] = (),
          budget: int | None = None, stats: dict | None = None) -> dict[str, str]:
    """Withhold as few figures as the greedy rule needs so that nothing small is determined.

    Repeatedly withhold the figure that takes part in the most violations (ties: the smaller figure,
    then the key), so the result is deterministic; returns {figure key: human reason}. The exact
    searches share `budget` steps; a system they cannot finish within it is made safe by
    `conservative_withholding` instead, so the cost is bounded and the answer never less safe.
    `stats`, when given, receives the systems audited, those that fell back, the rounds and steps spent.
    """
    active = {f.key: f for f in figures}
    withheld: dict[str, str] = {}
    cache: dict = {}
    steps = DEFAULT_BUDGET if budget is None else budget
    allowance = Budget(steps)
    settled: set[str] = set()
    rounds = 0
    while True:
        rounds += 1
        violations, unsure = _scan(list(active.values()), min_firms, probes, cache, allowance)
        fallback = _fallback(unsure, settled, active, min_firms, probes)
        settled.update(unsure)  # after the fallback, only frozen figures could keep a small cell
        for key in fallback:
            withheld[key] = _conservative_reason(min_firms)
            del active[key]
        if fallback:
            continue
        choice = _greedy_choice(violations, active, min_firms)
        if choice is None:
            if stats is not None:
                stats.update(systems=len(_by_system(figures)), fallback=sorted(settled), rounds=rounds,
                             steps=steps - allowance.left)
            return withheld
        withheld[choice[0]] = choice[1]
        del active[choice[0]]

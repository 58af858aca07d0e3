"""The release audit's vocabulary: units, figures, probes, violations and the deterministic step budget.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

Unit = Hashable


# The unit type is shared with the current code (isinstance checks must agree on the same inputs); the
# rest of this copy is frozen.
from benchclub.benchmarks.audit_types import OldValue  # noqa: E402


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


_WORK = 256  # vectorised element operations per budget step


def _firms(units: Iterable[Unit]) -> set:
    return {firm_of(u) for u in units}


def _by_system(figures: Sequence[Figure]) -> dict[str, list[tuple[str, frozenset]]]:
    by_system: dict[str, list[tuple[str, frozenset]]] = defaultdict(list)
    for fig in sorted(figures, key=lambda f: f.key):  # by key: the answer never depends on the input order
        for system, units in fig.rows:
            if units:
                by_system[system].append((fig.key, units))
    return by_system


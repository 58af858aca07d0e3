"""What the ladder rules engine reads: the ladder and one supplier's facts, as plain data."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .defaults import GOVERNOR_PREFERRED_KPIS


@dataclass(frozen=True, slots=True)
class Stage:
    number: int
    name: str


@dataclass(frozen=True, slots=True)
class Criterion:
    """An entry criterion of `stage`; `kind` is a CriterionKind value, `params` as documented there.

    `month_thresholds` (month -> threshold) freezes each closed month's verdict at the threshold in force
    when that month closed, so a later edit never re-tests an old month (DOMAIN §6); absent months use
    `params["threshold"]`.
    """

    stage: int
    kind: str
    params: Mapping[str, Any]
    month_thresholds: Mapping[str, float] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class LadderRules:
    """One version of a governor's ladder."""

    version: int
    stages: tuple[Stage, ...]
    criteria: tuple[Criterion, ...]

    @property
    def top(self) -> int:
        """The highest stage number."""
        return max(s.number for s in self.stages)

    def stage_name(self, number: int) -> str:

        """A stage's name in this ladder."""
        return next((s.name for s in self.stages if s.number == number), f"Stage {number}")

    def criteria_for(self, stage: int) -> list[Criterion]:

        """The entry criteria of one stage."""
        return [c for c in self.criteria if c.stage == stage]


@dataclass(frozen=True, slots=True)
class CertificateFact:
    standard: str
    issued_on: date
    expires_on: date


@dataclass(frozen=True, slots=True)
class VisitFact:
    visited_on: date
    visitor_role: str
    outcome: str


@dataclass(frozen=True, slots=True)
class StageFact:
    stage: int
    effective_month: str


@dataclass(slots=True)
class SupplierFacts:
    """Everything the engine knows about one supplier for one governor.

    Values map (kpi_code, month) to a number, or to None for a nil return; an absent key means
    nothing was submitted. `closed_months` are the club's closed periods.
    """

    closed_months: Sequence[str]
    self_values: Mapping[tuple[str, str], float | None] = field(default_factory=dict)
    governor_values: Mapping[tuple[str, str], float | None] = field(default_factory=dict)
    certificates: Sequence[CertificateFact] = ()
    visits: Sequence[VisitFact] = ()
    stage_history: Sequence[StageFact] = ()
    actions_completed: Sequence[date] = ()
    workshops_attended: Sequence[date] = ()
    linked_month: str | None = None
    governor_preferred: frozenset[str] = GOVERNOR_PREFERRED_KPIS

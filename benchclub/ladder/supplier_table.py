"""The governor's supplier table, like a purchasing tool: tier, stage, its own measurements against its targets,
trend and next visit due, one row per linked supplier. Only the governor's own measurements are used here, so
no consent or disclosure question arises."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from ..catalogue import list_kpis
from ..extensions import db
from ..models import Firm, KpiDefinition, KpiValue, Period, PeriodStatus, Target
from .visits import VisitPlan


@dataclass
class Measured:
    """The governor's latest measurement of one KPI for a supplier, against its target."""

    kpi: KpiDefinition
    value: float | None
    month: str | None
    target: float | None
    trend: str | None  # improving, worsening, steady

    @property
    def met(self) -> bool | None:
        """True/False against the target in the KPI's direction; None without a value or a target."""
        if self.value is None or self.target is None:
            return None
        return self.value >= self.target if self.kpi.higher_is_better else self.value <= self.target


@dataclass
class SupplierRow:
    """One linked supplier in the governor's table."""

    supplier: Firm
    tier: int
    stage: int
    stage_name: str
    measured: list[Measured] = field(default_factory=list)
    visit: VisitPlan | None = None

    @property
    def missed(self) -> int:
        """How many targets the latest measurements miss (the default sort: who needs me most)."""
        return sum(1 for m in self.measured if m.met is False)


def _trend(values: list[float], higher_is_better: bool) -> str | None:
    if len(values) < 2:
        return None
    latest, before = values[-1], values[-4:-1]
    ref = sum(before) / len(before)
    if abs(latest - ref) <= max(abs(ref) * 0.02, 1e-9):
        return "steady"
    return "improving" if (latest > ref) == higher_is_better else "worsening"


def supplier_rows(governor: Firm, links, stage_of: dict[int, int], stage_names: dict[int, str],
                  plans: list[VisitPlan]) -> list[SupplierRow]:
    """Every linked supplier with the governor's latest measurements (closed months) against its targets."""
    kpis = [k for k in list_kpis(governor.club_id) if k.governor_measurable]
    targets = {t.kpi_code: t.value for t in db.session.scalars(sa.select(Target).where(Target.governor_id == governor.id))}
    ids = [link.supplier_id for link in links]
    history: dict[tuple[int, int], list[tuple[str, float]]] = {}
    if ids and kpis:
        rows = db.session.execute(
            sa.select(KpiValue.firm_id, KpiValue.kpi_id, Period.month, KpiValue.value)
            .join(Period, Period.id == KpiValue.period_id)
            .where(KpiValue.source_firm_id == governor.id, KpiValue.firm_id.in_(ids), KpiValue.is_nil.is_(False),
                   Period.status == PeriodStatus.CLOSED).order_by(Period.month))
        for firm_id, kpi_id, month, value in rows:
            history.setdefault((firm_id, kpi_id), []).append((month, value))
    visits = {p.supplier.id: p for p in plans}
    out = []
    for link in links:
        stage = stage_of.get(link.supplier_id, 1)
        row = SupplierRow(link.supplier, link.tier, stage, stage_names.get(stage, f"Stage {stage}"),
                          visit=visits.get(link.supplier_id))
        for kpi in kpis:
            series = history.get((link.supplier_id, kpi.id), [])[-12:]
            last = series[-1] if series else (None, None)
            row.measured.append(Measured(kpi, last[1], last[0], targets.get(kpi.code),
                                         _trend([v for _, v in series], kpi.higher_is_better)))
        out.append(row)
    out.sort(key=lambda r: (-r.missed, _visit_key(r.visit), r.supplier.name))
    return out


def _visit_key(plan: VisitPlan | None) -> date:
    return plan.due_on if plan is not None and plan.due_on is not None else date.max

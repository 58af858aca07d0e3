"""Targets a governor publishes per KPI, and what its suppliers see of them."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..audit import record
from ..catalogue import find_kpi
from ..errors import DomainError, NotFoundError
from ..extensions import db
from ..models import Firm, KpiDefinition, SupplyLink, Target, User


def _n(value: float) -> str:
    """1000000.0 -> '1,000,000'; 2.5 -> '2.5'."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def list_targets(governor: Firm) -> list[Target]:
    """The governor's published targets, by KPI code."""
    return list(db.session.scalars(sa.select(Target).where(Target.governor_id == governor.id)
                                   .order_by(Target.kpi_code)))


def publish_target(governor: Firm, kpi_code: str, value: float, note: str = "", *, actor: User) -> Target:
    """Publish (or change) the governor's target for one KPI of its club's catalogue."""
    kpi = find_kpi(governor.club_id, kpi_code, active_only=False)
    if kpi is None:
        raise DomainError(f"There is no KPI {kpi_code} in this club.", field="kpi_code")
    if value is None or not math.isfinite(value) or not kpi.hard_min <= value <= kpi.hard_max:
        raise DomainError(f"A {kpi.name} target lies between {_n(kpi.hard_min)} and {_n(kpi.hard_max)} {kpi.unit}.",
                          field="value")
    target = db.session.scalar(sa.select(Target).where(Target.governor_id == governor.id,
                                                       Target.kpi_code == kpi_code))
    old = target.value if target else None
    if target is None:
        target = Target(governor_id=governor.id, kpi_code=kpi_code, value=value, note=(note or "").strip()[:300])
        db.session.add(target)
    else:
        target.value, target.note = value, (note or "").strip()[:300]
    db.session.flush()
    record(actor, "create" if old is None else "update", "target", target.id, club_id=governor.club_id,
           summary=f"{governor.code} target {kpi_code}", old=old, new=value, reason=target.note)
    return target


def withdraw_target(governor: Firm, target_id: int, *, actor: User) -> None:
    """Remove one of the governor's targets."""
    target = db.session.get(Target, target_id)
    if target is None or target.governor_id != governor.id:
        raise NotFoundError("That target does not exist.")
    record(actor, "delete", "target", target.id, club_id=governor.club_id,
           summary=f"{governor.code} target {target.kpi_code} withdrawn", old=target.value)
    db.session.delete(target)
    db.session.flush()


@dataclass
class SupplierTarget:
    """A target as a supplier sees it: which governor asks for what, on which KPI."""

    governor_id: int
    governor_name: str
    kpi_code: str
    kpi_name: str
    unit: str
    higher_is_better: bool
    value: float
    note: str
    updated_at: datetime

    def met_by(self, value: float | None) -> bool | None:
        """Whether a value reaches the target, direction-aware (None when there is no value)."""
        if value is None:
            return None
        return value >= self.value if self.higher_is_better else value <= self.value


def targets_for_supplier(firm: Firm) -> list[SupplierTarget]:
    """Targets published by every governor the firm is linked to (for pages beside the firm's own values)."""
    rows = db.session.execute(
        sa.select(Target, Firm, KpiDefinition)
        .join(SupplyLink, SupplyLink.governor_id == Target.governor_id)
        .join(Firm, Firm.id == Target.governor_id)
        .join(KpiDefinition, sa.and_(KpiDefinition.club_id == Firm.club_id, KpiDefinition.code == Target.kpi_code))
        .where(SupplyLink.supplier_id == firm.id)
        .order_by(KpiDefinition.position, Firm.name)
    )
    return [SupplierTarget(t.governor_id, g.name, t.kpi_code, k.name, k.unit, k.higher_is_better, t.value, t.note,
                           t.updated_at) for t, g, k in rows]

"""The governor's identified scorecard of one supplier, honouring the supplier's consent (DOMAIN §6)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from ..catalogue import list_kpis
from ..extensions import db
from ..models import (
    Certificate,
    Firm,
    ImprovementAction,
    KpiDefinition,
    KpiValue,
    Period,
    StageChange,
    SupplyLink,
    Target,
    Visit,
)
from ..months import months_back
from . import services
from .evaluation import assess_suppliers
from .queries import HISTORY_MONTHS, redact_criteria, reference_month
from .rules import StageFact, current_stage


@dataclass
class KpiSeries:
    """One KPI month by month: self-reported (None when not shared), governor-measured, target."""

    kpi: KpiDefinition
    self_values: list[float | None] | None
    governor_values: list[float | None] | None
    target: float | None

    @property
    def latest_self(self) -> float | None:
        """The latest self-reported value shown (None when not shared)."""
        return next((v for v in reversed(self.self_values or []) if v is not None), None)

    @property
    def latest_governor(self) -> float | None:
        """The latest value the governor measured."""
        return next((v for v in reversed(self.governor_values or []) if v is not None), None)


@dataclass
class Scorecard:
    """Everything on the supplier scorecard."""

    supplier: Firm
    link: SupplyLink
    stage: int
    stage_name: str
    since: str | None
    stage_names: dict[int, str]
    history: list[StageChange]
    period: str
    assessment: Any
    criteria: list[dict[str, Any]]
    months: list[str]
    series: list[KpiSeries]
    certificates: list[tuple[Certificate, str]]  # with its status today
    visits: list[Visit]
    actions: list[ImprovementAction]
    shared: set[str] | None
    certificates_shared: bool = False

    @property
    def shares_nothing(self) -> bool:
        """True when the supplier shares no self-reported KPI with this governor."""
        return self.shared is not None and not self.shared


def supplier_scorecard(governor: Firm, link: SupplyLink, shared: set[str] | None,
                       today: date | None = None, *, show_certificates: bool = False) -> Scorecard:
    """Build the scorecard; `shared` is permissions.consented_kpi_codes (None = every KPI shared).

    Certificates only with `show_certificates` (permissions.can_view_supplier_certificates): without
    consent a governor sees its own measurements, the stage and anonymised benchmarks, nothing more.
    """
    supplier = link.supplier
    ladder = services.ladder_for_reading(governor)
    names = {s.number: s.name for s in ladder.stages}
    history = services.list_stage_history(governor, supplier)
    stage, since = current_stage([StageFact(h.stage, h.effective_month) for h in history], "9999-12")
    period, is_closed = reference_month(governor.club_id, today)
    assessment = assess_suppliers(governor, period, links=[link])[0].assessment if is_closed else None
    months = months_back(period, HISTORY_MONTHS)
    return Scorecard(
        supplier=supplier, link=link, stage=stage, stage_name=names.get(stage, f"Stage {stage}"), since=since,
        stage_names=names, history=list(reversed(history)), period=period, assessment=assessment,
        criteria=redact_criteria(assessment.criteria_dicts(), shared) if assessment else [],
        months=months, series=_series(governor, supplier, months, shared),
        certificates=[(c, c.status_on(today or date.today()).value) for c in db.session.scalars(
            sa.select(Certificate).where(Certificate.firm_id == supplier.id).order_by(Certificate.expires_on.desc()))]
        if show_certificates else [],
        certificates_shared=show_certificates,
        visits=list(db.session.scalars(sa.select(Visit).where(Visit.governor_id == governor.id,
                                                              Visit.supplier_id == supplier.id)
                                       .order_by(Visit.visited_on.desc()).limit(30))),
        actions=list(db.session.scalars(sa.select(ImprovementAction).where(ImprovementAction.firm_id == supplier.id)
                                        .order_by(ImprovementAction.due_on.desc()).limit(30))),
        shared=shared,
    )


def _series(governor: Firm, supplier: Firm, months: list[str], shared: set[str] | None) -> list[KpiSeries]:
    """KPI series in one query; self-reported values only for KPIs the supplier shares with this governor."""
    kpis = list_kpis(supplier.club_id)
    targets = dict(db.session.execute(sa.select(Target.kpi_code, Target.value)
                                      .where(Target.governor_id == governor.id)).all())
    rows = db.session.execute(
        sa.select(KpiValue.kpi_id, KpiValue.source_firm_id, KpiValue.value, Period.month)
        .join(Period, Period.id == KpiValue.period_id)
        .where(KpiValue.firm_id == supplier.id, Period.month.in_(months),
               KpiValue.source_firm_id.in_([supplier.id, governor.id]))
    )
    index = {m: i for i, m in enumerate(months)}
    own: dict[int, list[float | None]] = {k.id: [None] * len(months) for k in kpis}
    measured: dict[int, list[float | None]] = {k.id: [None] * len(months) for k in kpis}
    for kpi_id, source, value, month in rows:
        if kpi_id in own:
            (own if source == supplier.id else measured)[kpi_id][index[month]] = value
    series = []
    for k in kpis:
        visible_self = own[k.id] if shared is None or k.code in shared else None
        gov = measured[k.id] if k.governor_measurable else None
        has_data = any(v is not None for v in (visible_self or []) + (gov or []))
        if has_data or k.code in targets:
            series.append(KpiSeries(k, visible_self, gov, targets.get(k.code)))
    return series

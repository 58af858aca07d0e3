"""Read models for the ladder pages: the governor's tier dashboard and the member's stages."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    Certificate,
    CertificateStatus,
    Firm,
    KpiDefinition,
    KpiValue,
    LadderEvaluation,
    Period,
    StageChange,
    SupplyLink,
    Visit,
    certificate_status,
)
from ..permissions import consented_kpis_by_supplier
from . import services
from .evaluation import SupplierAssessment, assess_suppliers, closed_months, list_links, months_back
from .months import shift_month
from .redaction import governor_at_risk, governor_criteria
from .rules import StageFact, current_stage
from .visits import VisitPlan, visit_plans

HISTORY_MONTHS = 24
MOVEMENT_MONTHS = 12


def reference_month(club_id: int, today: date | None = None) -> tuple[str, bool]:
    """The latest closed period (True), or the current calendar month when none is closed yet (False)."""
    months = closed_months(club_id)
    if months:
        return months[-1], True
    return (today or date.today()).strftime("%Y-%m"), False


def stage_histories(governor: Firm, supplier_ids: list[int]) -> dict[int, list[StageFact]]:
    """Every supplier's stage changes with the governor, in one query."""
    histories: dict[int, list[StageFact]] = defaultdict(list)
    if not supplier_ids:
        return histories
    rows = db.session.scalars(sa.select(StageChange).where(StageChange.governor_id == governor.id,
                                                           StageChange.supplier_id.in_(supplier_ids))
                              .order_by(StageChange.effective_month, StageChange.id))
    for row in rows:
        histories[row.supplier_id].append(StageFact(row.stage, row.effective_month))
    return histories


@dataclass
class GovernorAssessment:
    """A supplier's assessment as its governor may see it: unshared KPI criteria as window outcomes only."""

    supplier: Firm
    recommendation: str
    current_stage: int
    entry_count: int
    unmet: list[dict[str, Any]]
    at_risk: bool
    reason: str

    @property
    def is_promotion_candidate(self) -> bool:
        """All entry criteria of the next stage met but one."""
        return self.recommendation == "hold" and self.entry_count > 1 and len(self.unmet) == 1


def governor_assessments(governor: Firm, results: list[SupplierAssessment]) -> list[GovernorAssessment]:
    """Each supplier's assessment through the consent it gives this governor (one query for the consents)."""
    shared_by = consented_kpis_by_supplier(governor) if results else {}
    rows = []
    for r in results:
        a, shared = r.assessment, shared_by.get(r.supplier.id, set())
        unmet = governor_criteria([c for c in a.criteria_dicts() if c["purpose"] == "entry" and not c["met"]], shared)
        rows.append(GovernorAssessment(r.supplier, a.recommendation, a.current_stage, len(a.entry), unmet,
                                       governor_at_risk(a.risk_months, a.certificate_risk, shared), a.reason))
    return rows


@dataclass
class CertificateAlert:
    supplier: Firm
    certificate: Certificate
    status: str


@dataclass
class TierDashboard:
    """Everything on the governor's tier dashboard."""

    period: str
    period_closed: bool
    stage_names: dict[int, str]
    counts_now: dict[int, int]
    months: list[str]
    monthly_counts: dict[int, list[int]]
    transitions: list[list[int]]
    moved: int
    pending: list[LadderEvaluation]
    assessments: list[GovernorAssessment]
    expiring: list[CertificateAlert]
    visits: list[VisitPlan]
    tier_mix: dict[int, int]
    stage_of: dict[int, int] = field(default_factory=dict)

    @property
    def candidates(self) -> list[SupplierAssessment]:
        """Suppliers one criterion away from the next stage."""
        return [a for a in self.assessments if a.is_promotion_candidate]

    @property
    def at_risk(self) -> list[SupplierAssessment]:
        """Suppliers recommended for demotion or close to it."""
        return [a for a in self.assessments if a.at_risk or a.recommendation == "demote"]

    @property
    def overdue(self) -> list[VisitPlan]:
        """Suppliers whose next visit is overdue."""
        return [p for p in self.visits if p.overdue]


def tier_dashboard(governor: Firm, today: date | None = None) -> TierDashboard:
    """Stages now and over 24 months, movements, pending decisions, candidates, risks, certificates, visits."""
    today = today or date.today()
    ladder = services.ensure_default_ladder(governor)
    names = {s.number: s.name for s in ladder.stages}
    links = list_links(governor)
    ids = [link.supplier_id for link in links]
    period, is_closed = reference_month(governor.club_id, today)
    histories = stage_histories(governor, ids)
    months = months_back(period, HISTORY_MONTHS)
    monthly = {n: [0] * len(months) for n in names}
    for i, month in enumerate(months):
        for sid in ids:
            monthly[current_stage(histories[sid], month)[0]][i] += 1
    start = shift_month(period, -MOVEMENT_MONTHS)
    top = max(names)
    matrix = [[0] * top for _ in range(top)]
    for sid in ids:
        matrix[current_stage(histories[sid], start)[0] - 1][current_stage(histories[sid], period)[0] - 1] += 1
    stage_of = {sid: current_stage(histories[sid], "9999-12")[0] for sid in ids}
    return TierDashboard(
        period=period, period_closed=is_closed, stage_names=names,
        counts_now={n: sum(1 for s in stage_of.values() if s == n) for n in names},
        months=months, monthly_counts=monthly, transitions=matrix,
        moved=sum(matrix[i][j] for i in range(top) for j in range(top) if i != j),
        pending=services.list_pending(governor),
        assessments=governor_assessments(governor, assess_suppliers(governor, period, links=links))
        if is_closed else [],
        expiring=_certificate_alerts(links, today), visits=visit_plans(governor, links, today),
        tier_mix=dict(sorted(Counter(link.tier for link in links).items())), stage_of=stage_of,
    )


def _certificate_alerts(links: list[SupplyLink], today: date) -> list[CertificateAlert]:
    """Each supplier's latest certificate per standard when it is expiring or has expired."""
    by_id = {link.supplier_id: link.supplier for link in links}
    if not by_id:
        return []
    latest: dict[tuple[int, str], Certificate] = {}
    for cert in db.session.scalars(sa.select(Certificate).where(Certificate.firm_id.in_(list(by_id)))):
        key = (cert.firm_id, cert.standard)
        if key not in latest or cert.expires_on > latest[key].expires_on:
            latest[key] = cert
    alerts = []
    for (firm_id, _), cert in latest.items():
        status = certificate_status(cert.issued_on, cert.expires_on, today)
        if status in (CertificateStatus.EXPIRING, CertificateStatus.EXPIRED):
            alerts.append(CertificateAlert(by_id[firm_id], cert, status.value))
    return sorted(alerts, key=lambda a: a.certificate.expires_on)


# --- member view --------------------------------------------------------------------------------


@dataclass
class MemberStage:
    """A supplier's standing with one governor, as the supplier sees it."""

    governor: Firm
    link: SupplyLink
    stage: int
    stage_name: str
    since: str | None
    stage_names: dict[int, str]
    history: list[StageChange]
    assessment: Any
    visits: list[Visit]

    @property
    def criteria(self) -> list[dict[str, Any]]:
        """The checklist: what keeps the current stage, then what the next stage needs."""
        return self.assessment.criteria_dicts() if self.assessment else []


def member_stages(supplier: Firm, today: date | None = None) -> list[MemberStage]:
    """The supplier's stage with each linked governor, its history, checklist and visits."""
    links = list(db.session.scalars(sa.select(SupplyLink).where(SupplyLink.supplier_id == supplier.id)
                                    .join(Firm, Firm.id == SupplyLink.governor_id).order_by(Firm.name)))
    result = []
    for link in links:
        governor = link.governor
        ladder = services.ensure_default_ladder(governor)
        history = services.list_stage_history(governor, supplier)
        stage, since = current_stage([StageFact(h.stage, h.effective_month) for h in history], "9999-12")
        period, is_closed = reference_month(governor.club_id, today)
        assessment = assess_suppliers(governor, period, links=[link])[0].assessment if is_closed else None
        visits = list(db.session.scalars(sa.select(Visit).where(Visit.governor_id == governor.id,
                                                                Visit.supplier_id == supplier.id)
                                         .order_by(Visit.visited_on.desc()).limit(20)))
        names = {s.number: s.name for s in ladder.stages}
        result.append(MemberStage(governor, link, stage, names.get(stage, f"Stage {stage}"), since, names,
                                  list(reversed(history)), assessment, visits))
    return result


def redact_criteria(criteria: list[dict[str, Any]], shared: set[str] | None) -> list[dict[str, Any]]:
    """The checklist as a governor may see it (None = all shared); see redaction.governor_criteria."""
    return governor_criteria(criteria, shared)


@dataclass
class OwnValue:
    """A firm's latest self-reported value of a KPI, to show beside a governor's target."""

    value: float
    month: str


def latest_own_values(firm: Firm) -> dict[str, OwnValue]:
    """KPI code -> the firm's latest non-nil self-reported value (own data, so no consent question)."""
    rows = db.session.execute(
        sa.select(KpiDefinition.code, KpiValue.value, Period.month)
        .join(KpiDefinition, KpiDefinition.id == KpiValue.kpi_id).join(Period, Period.id == KpiValue.period_id)
        .where(KpiValue.firm_id == firm.id, KpiValue.source_firm_id == firm.id, KpiValue.is_nil.is_(False))
        .order_by(Period.month)
    )
    return {code: OwnValue(value, month) for code, value, month in rows}

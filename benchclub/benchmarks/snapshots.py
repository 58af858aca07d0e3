"""Publishing frozen benchmark snapshots when a period closes (DOMAIN §4, §5 rule 6).

Closing a period sends `events.period_closed`; `publish_snapshot` then stores, per KPI and peer
group, the raw aggregates (SnapshotStat), each firm's frozen value and rank (SnapshotFirm) and the
certificate shares (SnapshotCertShare). Pages read these rows only; a later edit of a value changes
nothing published until the period is reopened and closed again (a new revision).

Public API:
    group_keys_for(sector, country, employees, tier) -> list[str]
    load_period_inputs(period) -> PeriodInputs          (self-reported values, groups, certificates)
    compute_kpi_groups(values, groups_of, kpi) -> list[GroupResult]   (pure; also the live preview)
    publish_snapshot(period, actor=None, reason="") -> Snapshot
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..audit import record
from ..events import period_closed
from ..extensions import db
from ..kpis.periods import month_end
from ..models import (
    Certificate,
    Club,
    Firm,
    FirmKind,
    KpiDefinition,
    KpiValue,
    Period,
    Snapshot,
    SnapshotCertShare,
    SnapshotFirm,
    SnapshotStat,
    SupplyLink,
    User,
    size_band_for,
)
from . import stats
from .disclosure import merge_small_bins, plan_group_release

CERT_GROUP_KPI = "__certificates__"


def group_keys_for(sector: str, country: str, employees: int | None, tier: int | None) -> list[str]:
    """The predefined peer groups a supplier belongs to (DOMAIN §5 rule 3)."""
    keys = ["all", f"sector:{sector}"]
    band = size_band_for(employees)
    if band:
        keys.append(f"size:{band}")
    if tier:
        keys.append(f"tier:{tier}")
    keys.append(f"country:{country}")
    return keys


@dataclass
class PeriodInputs:
    """Everything a publication needs, read in a handful of queries."""

    club: Club
    period: Period
    kpis: list[KpiDefinition]
    groups_of: dict[int, list[str]]
    active_ids: set[int]
    values: dict[str, dict[int, float]] = field(default_factory=dict)  # kpi code -> firm id -> value
    certificates: dict[str, set[int]] = field(default_factory=dict)  # standard -> firm ids holding it


@dataclass
class GroupResult:
    """Aggregates of one KPI over one group, plus each member firm's value and rank."""

    group_key: str
    firm_ids: list[int]
    summary: dict[str, float]
    histogram: list[dict]
    ranks: dict[int, int | None]
    withheld: str | None = None


def _supplier_groups(club: Club) -> tuple[dict[int, list[str]], set[int]]:
    tiers = dict(db.session.execute(
        sa.select(SupplyLink.supplier_id, sa.func.min(SupplyLink.tier))
        .join(Firm, Firm.id == SupplyLink.supplier_id).where(Firm.club_id == club.id)
        .group_by(SupplyLink.supplier_id)
    ).all())
    rows = db.session.execute(
        sa.select(Firm.id, Firm.sector, Firm.country, Firm.employees, Firm.active)
        .where(Firm.club_id == club.id, Firm.kind == FirmKind.SUPPLIER)
    ).all()
    groups = {r.id: group_keys_for(r.sector, r.country, r.employees, tiers.get(r.id)) for r in rows}
    return groups, {r.id for r in rows if r.active}


def load_period_inputs(period: Period) -> PeriodInputs:
    """Self-reported, non-nil values of supplier firms for the period, their groups and certificates."""
    club = period.club
    kpis = list(db.session.scalars(
        sa.select(KpiDefinition).where(KpiDefinition.club_id == club.id, KpiDefinition.active.is_(True))
        .order_by(KpiDefinition.position, KpiDefinition.id)))
    groups_of, active_ids = _supplier_groups(club)
    inputs = PeriodInputs(club, period, kpis, groups_of, active_ids)
    code_of = {k.id: k.code for k in kpis}
    rows = db.session.execute(
        sa.select(KpiValue.firm_id, KpiValue.kpi_id, KpiValue.value).where(
            KpiValue.period_id == period.id, KpiValue.source_firm_id == KpiValue.firm_id,
            KpiValue.is_nil.is_(False), KpiValue.value.is_not(None))
    ).all()
    for firm_id, kpi_id, value in rows:
        if kpi_id in code_of and firm_id in groups_of:
            inputs.values.setdefault(code_of[kpi_id], {})[firm_id] = float(value)
    end = month_end(period.month)
    certs = db.session.execute(
        sa.select(Certificate.firm_id, Certificate.standard).where(
            Certificate.firm_id.in_(active_ids) if active_ids else sa.false(),
            Certificate.issued_on <= end, Certificate.expires_on >= end)
    ).all()
    for firm_id, standard in certs:
        inputs.certificates.setdefault(standard, set()).add(firm_id)
    return inputs


def _members(values: Mapping[int, float], groups_of: Mapping[int, Sequence[str]]) -> dict[str, list[int]]:
    members: dict[str, list[int]] = defaultdict(list)
    for firm_id in values:
        for key in groups_of.get(firm_id, ("all",)):
            members[key].append(firm_id)
    return members


def compute_kpi_groups(values: Mapping[int, float], groups_of: Mapping[int, Sequence[str]], kpi: KpiDefinition,
                       club: Club) -> list[GroupResult]:
    """Aggregates of one KPI for every group with at least one reporter (pure, no writes)."""
    members = _members(values, groups_of)
    plan = plan_group_release({g: frozenset(ids) for g, ids in members.items()}, club)
    higher = kpi.higher_is_better
    edges = kpi.bin_edges or [kpi.hard_min, kpi.hard_max]
    results = []
    for key, firm_ids in sorted(members.items()):
        group_values = [values[f] for f in firm_ids]
        hist = merge_small_bins(stats.bin_counts(group_values, edges))
        ranks = dict(zip(firm_ids, stats.percentile_ranks(group_values, higher), strict=True))
        results.append(GroupResult(key, firm_ids, stats.summary(group_values), hist, ranks, plan.get(key)))
    return results


def _cert_rows(snapshot_id: int, inputs: PeriodInputs, standards: Sequence[str]) -> list[dict]:
    members = _members({f: 0.0 for f in inputs.active_ids}, inputs.groups_of)
    plan = plan_group_release({g: frozenset(ids) for g, ids in members.items()}, inputs.club)
    rows = []
    for key, firm_ids in sorted(members.items()):
        for standard in standards:
            holders = inputs.certificates.get(standard, set())
            rows.append(dict(snapshot_id=snapshot_id, group_key=key, standard=standard, n_firms=len(firm_ids),
                             n_holding=sum(1 for f in firm_ids if f in holders), withheld=plan.get(key)))
    return rows


def _new_snapshot(period: Period) -> Snapshot:
    """Retire the current revision (if any) and add the next one."""
    latest = db.session.scalar(sa.select(sa.func.max(Snapshot.revision)).where(Snapshot.period_id == period.id))
    db.session.execute(sa.update(Snapshot).where(Snapshot.period_id == period.id).values(is_current=False))
    snapshot = Snapshot(club_id=period.club_id, period_id=period.id, revision=(latest or 0) + 1, is_current=True)
    db.session.add(snapshot)
    db.session.flush()
    return snapshot


def publish_snapshot(period: Period, *, actor: User | None = None, reason: str = "") -> Snapshot:
    """Freeze and store the period's benchmarks as a new current revision; bulk inserts only."""
    from ..models import DEFAULT_STANDARDS

    inputs = load_period_inputs(period)
    snapshot = _new_snapshot(period)
    stat_rows, firm_rows = [], []
    for kpi in inputs.kpis:
        for result in compute_kpi_groups(inputs.values.get(kpi.code, {}), inputs.groups_of, kpi, inputs.club):
            stat_rows.append(dict(snapshot_id=snapshot.id, kpi_code=kpi.code, group_key=result.group_key,
                                  n=len(result.firm_ids), histogram=result.histogram, withheld=result.withheld,
                                  **{k: result.summary[k] for k in ("p10", "p25", "p50", "p75", "p90", "mean")}))
            firm_rows.extend(dict(snapshot_id=snapshot.id, kpi_code=kpi.code, group_key=result.group_key,
                                  firm_id=f, value=inputs.values[kpi.code][f], percentile_rank=result.ranks[f])
                             for f in result.firm_ids)
    standards = sorted(set(DEFAULT_STANDARDS) | set(inputs.certificates))
    cert_rows = _cert_rows(snapshot.id, inputs, standards)
    for model, rows in ((SnapshotStat, stat_rows), (SnapshotFirm, firm_rows), (SnapshotCertShare, cert_rows)):
        if rows:
            db.session.execute(model.__table__.insert(), rows)  # Core executemany: no ORM overhead
    action = "republish" if snapshot.revision > 1 else "publish"
    record(actor, action, "snapshot", snapshot.id, club_id=period.club_id, reason=reason,
           summary=f"benchmarks for {period.month} published (revision {snapshot.revision})",
           detail={"period": period.month, "revision": snapshot.revision, "stats": len(stat_rows),
                   "firm_rows": len(firm_rows)})
    db.session.flush()
    return snapshot


@period_closed.connect
def _publish_on_close(period: Period, actor: User | None = None, reopened: bool = False, **_: object) -> None:
    """Subscriber: every close (and every close after a reopening) publishes a new revision."""
    publish_snapshot(period, actor=actor, reason="period reopened and closed again" if reopened else "")

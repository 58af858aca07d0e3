"""Publishing frozen benchmark snapshots when a period closes (DOMAIN §4, §5 rule 6).

Closing a period sends `events.period_closed`; `publish_snapshot` then stores, per KPI and peer
group, the raw aggregates (SnapshotStat), each firm's frozen value and rank (SnapshotFirm) and the
certificate shares (SnapshotCertShare). Pages read these rows only; a later edit of a value changes
nothing published until the period is reopened and closed again (a new revision).

Public API:
    group_keys_for(sector, country, employees, tier) -> list[str]
    load_period_inputs(period) -> PeriodInputs          (self-reported values, groups, certificates)
    compute_kpi_groups(values, groups_of, kpi, club) -> list[GroupRelease]   (pure; also the live preview)
    publish_snapshot(period, actor=None, reason="") -> Snapshot   (runs the release audit, disclosure.plan_release)
    snapshot_facts(snapshot) / earlier_revisions(period_id)       (what a governor view or republication audits)
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat

import sqlalchemy as sa

from ..audit import record
from ..extensions import db
from ..models import (
    GROUP_DIMENSIONS,
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
from ..months import month_end
from ..sqlbulk import insert_rows, select_tuples
from .disclosure import (
    EarlierRevision,
    GroupRelease,
    PeriodFacts,
    ReleasePlan,
    Thresholds,
    plan_release,
    released_keys,
)

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


GroupResult = GroupRelease  # aggregates of one KPI over one group, with the audit's decisions


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
    by_kpi: dict[int, dict[int, float]] = {k.id: {} for k in kpis}
    for firm_id, kpi_id, value in select_tuples(
            sa.select(KpiValue.firm_id, KpiValue.kpi_id, KpiValue.value).where(
                KpiValue.period_id == period.id, KpiValue.source_firm_id == KpiValue.firm_id,
                KpiValue.is_nil.is_(False), KpiValue.value.is_not(None))):
        if kpi_id in by_kpi and firm_id in groups_of:
            by_kpi[kpi_id][firm_id] = float(value)
    inputs.values = {k.code: by_kpi[k.id] for k in kpis if by_kpi[k.id]}
    end = month_end(period.month)
    certs = db.session.execute(
        sa.select(Certificate.firm_id, Certificate.standard).join(Firm, Firm.id == Certificate.firm_id).where(
            Firm.club_id == club.id, Firm.kind == FirmKind.SUPPLIER, Firm.active.is_(True),
            Certificate.issued_on <= end, Certificate.expires_on >= end))
    for firm_id, standard in certs:
        inputs.certificates.setdefault(standard, set()).add(firm_id)
    return inputs


def period_facts(inputs: PeriodInputs, standards: Sequence[str] = ()) -> PeriodFacts:
    """The pure inputs of the release audit for a period."""
    return PeriodFacts(
        {f: tuple(g) for f, g in inputs.groups_of.items()}, frozenset(inputs.active_ids),
        {k.code: dict(inputs.values.get(k.code, {})) for k in inputs.kpis if inputs.values.get(k.code)},
        {k.code: tuple(k.bin_edges or [k.hard_min, k.hard_max]) for k in inputs.kpis},
        {k.code: k.higher_is_better for k in inputs.kpis},
        {s: frozenset(inputs.certificates.get(s, set()) & inputs.active_ids) for s in standards}, tuple(standards))


def compute_kpi_groups(values: Mapping[int, float], groups_of: Mapping[int, Sequence[str]], kpi: KpiDefinition,
                       club: Club) -> list[GroupRelease]:
    """Aggregates of one KPI for every group with at least one reporter, audited (pure; the live preview)."""
    facts = PeriodFacts(groups_of, frozenset(), {kpi.code: dict(values)} if values else {},
                        {kpi.code: tuple(kpi.bin_edges or [kpi.hard_min, kpi.hard_max])},
                        {kpi.code: kpi.higher_is_better})
    plan = plan_release(facts, club)
    return [rel for (_, _), rel in sorted(plan.stats.items())]


def frozen_facts(facts: PeriodFacts, released: frozenset[str]) -> dict:
    """The JSON kept on a snapshot: what a governor's view or a later republication must audit against.

    Each firm's groups are stored once per distinct combination ("group_sets": the combinations,
    "group_firms"/"group_of": each firm and the index of its combination): a few hundred short lists
    instead of one list per firm. `snapshot_facts` also reads the older {"groups": {firm: [keys]}}.
    """
    sets: dict[tuple[str, ...], int] = {}
    firms = list(facts.groups_of)
    of = [sets.setdefault(tuple(g), len(sets)) for g in facts.groups_of.values()]
    return {"group_sets": [list(g) for g in sets], "group_firms": firms, "group_of": of,
            "active": sorted(facts.active), "edges": {k: list(e) for k, e in facts.edges.items()},
            "higher": dict(facts.higher), "standards": list(facts.standards),
            "certs": {s: sorted(h) for s, h in facts.certificates.items()}, "released": sorted(released)}


def _frozen_groups(frozen: dict) -> dict[int, tuple[str, ...]]:
    """Each firm's groups from a snapshot's frozen facts, in either stored format."""
    if "groups" in frozen:  # snapshots published before the compact format
        return {int(f): tuple(g) for f, g in frozen["groups"].items()}
    sets = [tuple(g) for g in frozen["group_sets"]]
    return dict(zip(frozen["group_firms"], map(sets.__getitem__, frozen["group_of"]), strict=True))


def snapshot_facts(snapshot: Snapshot) -> tuple[PeriodFacts, frozenset[str]] | None:
    """A published revision's frozen facts and released figure keys (None for revisions before the audit)."""
    frozen = snapshot.frozen
    if not frozen:
        return None
    values: dict[str, dict[int, float]] = defaultdict(dict)
    for code, firm_id, value in db.session.execute(
            sa.select(SnapshotFirm.kpi_code, SnapshotFirm.firm_id, SnapshotFirm.value).where(
                SnapshotFirm.snapshot_id == snapshot.id)):
        values[code][firm_id] = value
    facts = PeriodFacts(_frozen_groups(frozen), frozenset(frozen["active"]),
                        dict(values), {k: tuple(e) for k, e in frozen["edges"].items()}, dict(frozen["higher"]),
                        {s: frozenset(h) for s, h in frozen["certs"].items()}, tuple(frozen["standards"]))
    return facts, frozenset(frozen["released"])


def earlier_revisions(period_id: int, before: int | None = None) -> list[EarlierRevision]:
    """Every published revision of the period (before revision `before`): released figures count for ever."""
    query = sa.select(Snapshot).where(Snapshot.period_id == period_id).order_by(Snapshot.revision)
    if before is not None:
        query = query.where(Snapshot.revision < before)
    out = []
    for snap in db.session.scalars(query):
        loaded = snapshot_facts(snap)
        if loaded is not None:
            out.append(EarlierRevision(snap.revision, *loaded))
    return out


FIRM_COLUMNS = ("snapshot_id", "kpi_code", "firm_id", "value", "rank_all",
                *(c for dim in GROUP_DIMENSIONS for c in (dim, f"rank_{dim}")))


def _cert_rows(snapshot_id: int, plan: ReleasePlan) -> list[dict]:
    return [dict(snapshot_id=snapshot_id, group_key=g, standard=s, n_firms=r.n_firms, n_holding=r.n_holding,
                 withheld=r.withheld, n_withheld=r.n_withheld) for (g, s), r in sorted(plan.shares.items())]


def _new_snapshot(period: Period, frozen: dict) -> Snapshot:
    """Retire the current revision (if any) and add the next one (one INSERT, its frozen facts included)."""
    latest = db.session.scalar(sa.select(sa.func.max(Snapshot.revision)).where(Snapshot.period_id == period.id))
    db.session.execute(sa.update(Snapshot).where(Snapshot.period_id == period.id).values(is_current=False))
    snapshot = Snapshot(club_id=period.club_id, period_id=period.id, revision=(latest or 0) + 1, is_current=True,
                        frozen=frozen)
    db.session.add(snapshot)
    db.session.flush()
    return snapshot


def _stat_rows(snapshot_id: int, plan: ReleasePlan) -> list[dict]:
    return [dict(snapshot_id=snapshot_id, kpi_code=code, group_key=group, n=len(result.firm_ids),
                 histogram=result.histogram, withheld=result.withheld, n_withheld=result.n_withheld,
                 histogram_withheld=result.histogram_withheld,
                 **{k: result.summary[k] for k in ("p10", "p25", "p50", "p75", "p90", "mean")})
            for (code, group), result in sorted(plan.stats.items())]


def _firm_rows(snapshot_id: int, facts: PeriodFacts, plan: ReleasePlan) -> list[tuple]:
    """One tuple per (KPI, firm) in FIRM_COLUMNS order: the value, the rank in "all", and per dimension the
    firm's group value and rank there (None, None: in no group of that dimension)."""
    by_code: dict[str, dict[str, tuple[dict, dict]]] = defaultdict(lambda: {d: ({}, {}) for d in GROUP_DIMENSIONS})
    ranks_all: dict[str, dict[int, int | None]] = {}
    for (code, group), result in plan.stats.items():
        dim, value = SnapshotFirm.dimension_of(group)
        if not dim:
            raise ValueError(f"not a peer group of group_keys_for: {group!r}")
        if dim == "all":
            ranks_all[code] = result.ranks
            continue
        members, ranks = by_code[code][dim]
        members.update(dict.fromkeys(result.firm_ids, value))
        ranks.update(result.ranks)
    rows: list[tuple] = []
    for code in sorted(ranks_all):
        ids = sorted(ranks_all[code])
        dims = by_code[code]
        rows.extend(zip(repeat(snapshot_id), repeat(code), ids, map(facts.values[code].__getitem__, ids),
                        map(ranks_all[code].__getitem__, ids),
                        *(map(m.get, ids) for d in GROUP_DIMENSIONS for m in dims[d])))
    return rows


def publish_snapshot(period: Period, *, actor: User | None = None, reason: str = "") -> Snapshot:
    """Freeze, audit and store the period's benchmarks as a new current revision; bulk inserts only."""
    from ..models import DEFAULT_STANDARDS

    inputs = load_period_inputs(period)
    standards = sorted(set(DEFAULT_STANDARDS) | set(inputs.certificates))
    facts = period_facts(inputs, standards)
    plan = plan_release(facts, inputs.club, earlier=earlier_revisions(period.id))
    snapshot = _new_snapshot(period, frozen_facts(facts, released_keys(plan, Thresholds.from_club(inputs.club))))
    stat_rows, cert_rows = _stat_rows(snapshot.id, plan), _cert_rows(snapshot.id, plan)
    firm_rows = _firm_rows(snapshot.id, facts, plan)
    for model, rows in ((SnapshotStat, stat_rows), (SnapshotCertShare, cert_rows)):
        if rows:
            db.session.execute(model.__table__.insert(), rows)  # Core executemany: no ORM overhead
    insert_rows(SnapshotFirm.__tablename__, FIRM_COLUMNS, firm_rows)
    action = "republish" if snapshot.revision > 1 else "publish"
    record(actor, action, "snapshot", snapshot.id, club_id=period.club_id, reason=reason,
           summary=f"benchmarks for {period.month} published (revision {snapshot.revision})",
           detail={"period": period.month, "revision": snapshot.revision, "stats": len(stat_rows),
                   "firm_rows": len(firm_rows), "withheld": len(plan.withheld)})
    db.session.flush()
    return snapshot


def _publish_on_close(period: Period, actor: User | None = None, reopened: bool = False, **_: object) -> None:
    """Subscriber (connected by `benchmarks.register`): every close (and every close after a reopening) publishes a new revision."""
    publish_snapshot(period, actor=actor, reason="period reopened and closed again" if reopened else "")

"""The one read model of the benchmarks feature: snapshots -> released dataclasses, through disclosure.

Every audience (member/, governor/, club/), the CLI, the reports and the ladder's scorecard read
snapshots, comparators, certificates and customer measurements here. Members and governors only ever
read current snapshots of closed periods (rule 6); the facilitator may also preview an open period,
computed live and never stored.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    Certificate,
    Club,
    Comparator,
    ComparatorValue,
    Firm,
    KpiDefinition,
    KpiValue,
    Period,
    PeriodStatus,
    Snapshot,
    SnapshotCertShare,
    SnapshotFirm,
    SnapshotStat,
)
from ..months import month_end
from .disclosure import (
    RawStat,
    ReleasedShare,
    ReleasedStat,
    ReleasePlan,
    Thresholds,
    Viewer,
    governor_release,
    offered_groups,
    release_share,
    release_stat,
    rest_of_club,
)
from .snapshots import earlier_revisions, snapshot_facts

QUANTILE_KEYS = ("p10", "p25", "p50", "p75", "p90")


@dataclass
class ComparatorQuantiles:
    """One comparator's quantiles for one KPI, always carried with its source and year."""

    name: str
    region: str
    year: int
    source: str
    sample_size: int | None
    illustrative: bool
    quantiles: dict[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """'Name (region, year)' for legends and table headings."""
        return f"{self.name} ({self.region}, {self.year})"

    def as_dict(self) -> dict:
        """The JSON shape used by the CLI and downloads."""
        return {"name": self.name, "region": self.region, "year": self.year, "source": self.source,
                "sample_size": self.sample_size, "illustrative": self.illustrative, "quantiles": self.quantiles}


def published_months(club: Club) -> list[str]:
    """Closed months of the club with a current snapshot, newest first."""
    return list(db.session.scalars(
        sa.select(Period.month).join(Snapshot, Snapshot.period_id == Period.id)
        .where(Period.club_id == club.id, Period.status == PeriodStatus.CLOSED, Snapshot.is_current.is_(True))
        .order_by(Period.month.desc())))


def current_snapshot(club: Club, month: str) -> Snapshot | None:
    """The current snapshot of a closed month (None for an open or unpublished month)."""
    return db.session.scalar(
        sa.select(Snapshot).join(Period, Snapshot.period_id == Period.id)
        .where(Period.club_id == club.id, Period.month == month, Period.status == PeriodStatus.CLOSED,
               Snapshot.is_current.is_(True)))


def snapshots_up_to(club: Club, month: str, count: int | None) -> list[tuple[int, str]]:
    """(snapshot id, month) of the current snapshots of closed months up to `month`, oldest first."""
    query = (sa.select(Snapshot.id, Period.month).join(Period, Snapshot.period_id == Period.id)
             .where(Period.club_id == club.id, Period.status == PeriodStatus.CLOSED,
                    Snapshot.is_current.is_(True), Period.month <= month)
             .order_by(Period.month.desc()))
    if count:
        query = query.limit(count)
    return [(r.id, r.month) for r in db.session.execute(query)][::-1]


def group_label(key: str) -> str:
    """'sector:Castings' -> 'Sector: Castings'; 'all' -> 'Whole club'."""
    if key == "all":
        return "Whole club"
    dim, _, value = key.partition(":")
    return f"Tier {value}" if dim == "tier" else f"{dim.capitalize()}: {value}"


def snapshot_group_keys(snapshot: Snapshot) -> set[str]:
    """Every peer group a published snapshot has statistics for."""
    return set(db.session.scalars(sa.select(SnapshotStat.group_key).where(SnapshotStat.snapshot_id == snapshot.id)
                                  .distinct()))


def group_choices(snapshot: Snapshot | None, viewer: Viewer, club: Club) -> list[tuple[str, str]]:
    """Peer groups offered in the picker: those the release audit lets this viewer see for some KPI."""
    if snapshot is None:
        return [("all", group_label("all"))]
    plan = governor_plan(snapshot, viewer, club) if viewer.is_governor else None
    if plan is not None:
        pairs = [(g, rel.withheld) for (_, g), rel in plan.stats.items()]
    else:
        pairs = list(db.session.execute(sa.select(SnapshotStat.group_key, SnapshotStat.withheld).where(
            SnapshotStat.snapshot_id == snapshot.id)).all())
    keys = offered_groups(pairs, viewer)
    return [(k, group_label(k)) for k in keys] or [("all", group_label("all"))]


def governor_plan(snapshot: Snapshot, viewer: Viewer, club: Club) -> ReleasePlan | None:
    """A governor's audited view of a snapshot, over the firms it does not know (None before the audit existed)."""
    loaded = snapshot_facts(snapshot)
    if loaded is None:
        return None
    return governor_release((snapshot.id, snapshot.revision, snapshot.published_at), loaded[0],
                            earlier_revisions(snapshot.period_id, before=snapshot.revision), viewer, club)


def _governor_releases(snapshot_ids: list[int], group_key: str, viewer: Viewer, club: Club,
                       kpi_code: str | None) -> dict[tuple[int, str], ReleasedStat] | None:
    """Rule 7 on request: statistics computed without the governor's known firms and audited for it."""
    snapshots = list(db.session.scalars(sa.select(Snapshot).where(Snapshot.id.in_(snapshot_ids))))
    plans = {s.id: governor_plan(s, viewer, club) for s in snapshots}
    if any(p is None for p in plans.values()):
        return None
    out = {}
    for sid, plan in plans.items():
        for (code, g), rel in plan.stats.items():
            if g != group_key or (kpi_code and code != kpi_code):
                continue
            everyone = plan.stats.get((code, "all"))
            n_rest = rest_of_club(len(everyone.firm_ids) if everyone else None, len(rel.firm_ids),
                                  everyone.withheld if everyone else None)
            out[(sid, code)] = release_stat(RawStat.from_row(rel), viewer, club, n_rest=n_rest)
    return out


@dataclass(frozen=True)
class FirmRow:
    """A firm's frozen value and percentile rank within one group of a snapshot (read side of SnapshotFirm,
    whose one row per snapshot, KPI and firm holds every group of the firm)."""

    snapshot_id: int
    kpi_code: str
    group_key: str
    firm_id: int
    value: float
    percentile_rank: int | None


def _firm_rows(snapshot_ids: list[int], firm_ids: set[int], groups: tuple[str, ...],
               kpi_code: str | None) -> list[FirmRow]:
    """The given firms' rows of the given groups (each firm's groups at that snapshot)."""
    if not firm_ids:
        return []
    query = sa.select(SnapshotFirm.__table__).where(
        SnapshotFirm.snapshot_id.in_(snapshot_ids), SnapshotFirm.firm_id.in_(firm_ids),
        sa.or_(*(SnapshotFirm.in_group(g) for g in groups))
    ).order_by(SnapshotFirm.snapshot_id, SnapshotFirm.firm_id, SnapshotFirm.kpi_code)
    if kpi_code:
        query = query.where(SnapshotFirm.kpi_code == kpi_code)
    wanted = dict.fromkeys(groups)
    return [FirmRow(r.snapshot_id, r.kpi_code, g, r.firm_id, r.value, rank)
            for r in db.session.execute(query) for g, rank in SnapshotFirm.group_ranks(r) if g in wanted]


def release_for_snapshots(snapshot_ids: list[int], group_key: str, viewer: Viewer, club: Club,
                          kpi_code: str | None = None) -> dict[tuple[int, str], ReleasedStat]:
    """Released statistics per (snapshot id, KPI code) for one group: a few queries, no recomputation."""
    if not snapshot_ids:
        return {}
    if viewer.is_governor:
        released = _governor_releases(snapshot_ids, group_key, viewer, club, kpi_code)
        if released is not None:
            return released
    groups = (group_key, "all")
    query = sa.select(SnapshotStat).where(SnapshotStat.snapshot_id.in_(snapshot_ids),
                                          SnapshotStat.group_key.in_(groups))
    if kpi_code:
        query = query.where(SnapshotStat.kpi_code == kpi_code)
    stat_rows = list(db.session.scalars(query))
    club_rows = {(r.snapshot_id, r.kpi_code): r for r in stat_rows if r.group_key == "all"}
    own = {}
    if viewer.firm_id is not None and viewer.is_member:
        for r in _firm_rows(snapshot_ids, {viewer.firm_id}, groups, kpi_code):
            own[(r.snapshot_id, r.kpi_code, r.group_key)] = r
    known: dict[tuple[int, str, str], list[float]] = defaultdict(list)
    for r in _firm_rows(snapshot_ids, set(viewer.known_firm_ids) if viewer.is_governor else set(), groups, kpi_code):
        known[(r.snapshot_id, r.kpi_code, r.group_key)].append(r.value)
    out = {}
    for r in stat_rows:
        if r.group_key != group_key:
            continue
        key = (r.snapshot_id, r.kpi_code)
        mine_all, mine_group = own.get(key + ("all",)), own.get(key + (group_key,))
        everyone = club_rows.get(key)
        known_group, known_all = known.get(key + (group_key,), []), known.get(key + ("all",), [])
        out[key] = release_stat(
            RawStat.from_row(r), viewer, club,
            n_rest=rest_of_club(everyone.n if everyone else None, r.n, everyone.withheld if everyone else None),
            own_value=mine_all.value if mine_all else None,
            own_rank=mine_group.percentile_rank if mine_group else None,
            known_group=len(known_group), known_rest=len(known_all) - len(known_group), known_values=known_group)
    return out


def empty_release(kpi_code: str, group_key: str, club: Club) -> ReleasedStat:
    """What to show for a KPI nobody in the group reported."""
    reason = "No data: no firm in this group reported this KPI for this period."
    return ReleasedStat(kpi_code, group_key, f"fewer than {Thresholds.from_club(club).min_firms}", False, {},
                        {s: reason for s in ("p10", "p25", "p50", "p75", "p90", "mean")})


def comparators_by_kpi(club: Club) -> dict[str, list[ComparatorQuantiles]]:
    """Every comparator's quantiles per KPI code, newest year first."""
    rows = db.session.execute(
        sa.select(Comparator, ComparatorValue).join(ComparatorValue, ComparatorValue.comparator_id == Comparator.id)
        .where(Comparator.club_id == club.id).order_by(Comparator.year.desc(), Comparator.name)).all()
    out: dict[str, list[ComparatorQuantiles]] = defaultdict(list)
    for comp, value in rows:
        quantiles = {k: getattr(value, k) for k in QUANTILE_KEYS if getattr(value, k) is not None}
        out[value.kpi_code].append(ComparatorQuantiles(comp.name, comp.region, comp.year, comp.source,
                                                       comp.sample_size, comp.illustrative, quantiles))
    return out


def released_shares(snapshot: Snapshot | None, group_key: str, viewer: Viewer, club: Club) -> list[ReleasedShare]:
    """Certificate shares of one group as this viewer may see them."""
    if snapshot is None:
        return []
    plan = governor_plan(snapshot, viewer, club) if viewer.is_governor else None
    if plan is not None:
        return [release_share(r.standard, r.n_firms, r.n_holding, viewer, club, withheld=r.withheld,
                              n_withheld=r.n_withheld) for (g, _), r in sorted(plan.shares.items()) if g == group_key]
    rows = list(db.session.scalars(sa.select(SnapshotCertShare).where(
        SnapshotCertShare.snapshot_id == snapshot.id, SnapshotCertShare.group_key.in_((group_key, "all")))))
    totals = {r.standard: r for r in rows if r.group_key == "all"}
    known_ids = set(viewer.known_firm_ids) if viewer.is_governor else set()
    known_group = _known_in_group(snapshot.id, group_key, known_ids)
    known_all = _known_in_group(snapshot.id, "all", known_ids)
    return [release_share(r.standard, r.n_firms, r.n_holding, viewer, club,
                          n_rest=_share_rest(totals.get(r.standard), r.n_firms),
                          known_group=known_group, known_rest=known_all - known_group, withheld=r.withheld,
                          n_withheld=r.n_withheld)
            for r in rows if r.group_key == group_key]


def _share_rest(club_row: SnapshotCertShare | None, n_group: int) -> int:
    """`rest_of_club` for a certificate share, from the standard's whole-club row."""
    if club_row is None:
        return 0
    return rest_of_club(club_row.n_firms, n_group, club_row.withheld)


def _known_in_group(snapshot_id: int, group_key: str, known_ids: set[int]) -> int:
    """How many of a governor's consenting suppliers are in a group (any KPI row places them)."""
    if not known_ids:
        return 0
    return db.session.scalar(sa.select(sa.func.count(sa.distinct(SnapshotFirm.firm_id))).where(
        SnapshotFirm.snapshot_id == snapshot_id, SnapshotFirm.in_group(group_key),
        SnapshotFirm.firm_id.in_(known_ids))) or 0


def own_valid_standards(firm_id: int | None, month: str) -> set[str]:
    """Standards the viewing firm holds a valid certificate for at the end of the month."""
    if firm_id is None:
        return set()
    end = month_end(month)
    return set(db.session.scalars(sa.select(Certificate.standard).where(
        Certificate.firm_id == firm_id, Certificate.issued_on <= end, Certificate.expires_on >= end)))


def customer_measurements(firm: Firm, month: str) -> dict[str, list[tuple[str, float]]]:
    """KPI code -> (customer name, value) the firm's governors measured for it in a month (its own data)."""
    source = sa.orm.aliased(Firm)
    rows = db.session.execute(
        sa.select(KpiDefinition.code, source.name, KpiValue.value)
        .join(KpiValue, KpiValue.kpi_id == KpiDefinition.id)
        .join(Period, Period.id == KpiValue.period_id).join(source, source.id == KpiValue.source_firm_id)
        .where(KpiValue.firm_id == firm.id, KpiValue.source_firm_id != firm.id, Period.month == month,
               KpiValue.is_nil.is_(False)).order_by(source.name))
    out: dict[str, list[tuple[str, float]]] = {}
    for code, name, value in rows:
        out.setdefault(code, []).append((name, value))
    return out


def released_club_history(viewer: Viewer, club: Club, months: list[str]) -> dict[tuple[str, str], ReleasedStat]:
    """(month, KPI code) -> the whole-club statistics released to this viewer for the published months among
    `months` (for a governor: computed over the firms it does not know, rule 7)."""
    published = [m for m in published_months(club) if m in set(months)]
    if not published:
        return {}
    history = snapshots_up_to(club, max(published), len(months))
    by_id = {sid: m for sid, m in history}
    released = release_for_snapshots(list(by_id), "all", viewer, club)
    return {(by_id[sid], code): stat for (sid, code), stat in released.items()}


def club_firms(club: Club) -> dict[int, Firm]:
    """The club's firms by id, to name identified rows (the facilitator's club view)."""
    return {f.id: f for f in db.session.scalars(sa.select(Firm).where(Firm.club_id == club.id))}


def identified_rows(snapshot_id: int, group_key: str) -> dict[str, list[FirmRow]]:
    """KPI code -> the snapshot's per-firm rows of one group: identified, for the facilitator only (rule 8)."""
    by_kpi: dict[str, list[FirmRow]] = {}
    for row in db.session.execute(
            sa.select(SnapshotFirm.kpi_code, SnapshotFirm.firm_id, SnapshotFirm.value, SnapshotFirm.rank_in(group_key))
            .where(SnapshotFirm.snapshot_id == snapshot_id, SnapshotFirm.in_group(group_key))
            .order_by(SnapshotFirm.kpi_code, SnapshotFirm.firm_id)):
        by_kpi.setdefault(row[0], []).append(FirmRow(snapshot_id, row[0], group_key, row[1], row[2], row[3]))
    return by_kpi


def known_firm_values(snapshot_id: int, kpi_code: str, firm_ids: set[int]) -> list[tuple[float, Firm]]:
    """(frozen value, firm) of the given firms in the snapshot for one KPI (every row is in the whole club),
    by firm name: a governor's consenting suppliers only (rule 7); never a percentile rank."""
    return [(value, firm) for value, firm in db.session.execute(
        sa.select(SnapshotFirm.value, Firm).join(Firm, Firm.id == SnapshotFirm.firm_id).where(
            SnapshotFirm.snapshot_id == snapshot_id, SnapshotFirm.kpi_code == kpi_code,
            SnapshotFirm.firm_id.in_(firm_ids)).order_by(Firm.name))]

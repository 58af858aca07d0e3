"""The facilitator's identified club view (rule 8: the views audit every use): full statistics,
who is best-in-class and who is in the tail per KPI, the tail-shortening summary, and a live
preview of an open period that is computed on request and never stored."""
from __future__ import annotations

from dataclasses import dataclass, field

from ...catalogue import list_kpis
from ...models import Club, Firm, KpiDefinition, Period, User
from ...periods.services import find_period, list_periods
from .. import queries, stats
from ..disclosure import RawStat, ReleasedStat, Viewer, release_stat, rest_of_club
from ..snapshots import compute_kpi_groups, load_period_inputs


@dataclass
class RankedFirm:
    """An identified firm with its value and percentile rank in the group."""

    firm: Firm
    value: float
    percentile_rank: int | None


@dataclass
class ClubKpiRow:
    """One KPI of the club view: full statistics and the identified best and tail lists."""

    kpi: KpiDefinition
    stat: ReleasedStat
    best: list[RankedFirm] = field(default_factory=list)
    tail: list[RankedFirm] = field(default_factory=list)


@dataclass
class TailChange:
    """Tail gap now against twelve months earlier, for one KPI (all firms)."""

    kpi: KpiDefinition
    now: tuple[float, float | None] | None
    before: tuple[float, float | None] | None
    before_month: str

    @property
    def change(self) -> float | None:
        """Negative: the tail has shortened."""
        if self.now is None or self.before is None:
            return None
        return self.now[0] - self.before[0]


def club_months(club: Club) -> list[tuple[str, bool]]:
    """(month, is_open) for the picker: published closed months and open months (preview), newest first."""
    published = set(queries.published_months(club))
    open_months = {p.month for p in list_periods(club) if p.is_open}
    return sorted(((m, m in open_months) for m in published | open_months), reverse=True)


def _split(kpi: KpiDefinition, values: dict[int, float], ranks: dict[int, int | None],
           firms: dict[int, Firm]) -> tuple[list[RankedFirm], list[RankedFirm]]:
    """Best-in-class (at or beyond the better quartile) and tail (beyond the worse quartile), best first."""
    if len(values) < 2:
        return [], []
    higher = kpi.higher_is_better
    best_line = stats.best_in_class_threshold(list(values.values()), higher)
    worse_line = stats.worse_quartile_threshold(list(values.values()), higher)
    order = sorted(values, key=lambda f: values[f], reverse=higher)
    best = [RankedFirm(firms[f], values[f], ranks.get(f)) for f in order
            if not stats.is_better(best_line, values[f], higher)]
    tail = [RankedFirm(firms[f], values[f], ranks.get(f)) for f in order if stats.is_better(worse_line, values[f], higher)]
    return best, tail


def _published_rows(club: Club, viewer: Viewer, month: str, group: str) -> list[ClubKpiRow]:
    snapshot = queries.current_snapshot(club, month)
    if snapshot is None:
        return []
    released = queries.release_for_snapshots([snapshot.id], group, viewer, club)
    by_kpi = queries.identified_rows(snapshot.id, group)
    firms = queries.club_firms(club)
    rows = []
    for kpi in list_kpis(club):
        stat = released.get((snapshot.id, kpi.code)) or queries.empty_release(kpi.code, group, club)
        kpi_rows = by_kpi.get(kpi.code, [])
        best, tail = _split(kpi, {r.firm_id: r.value for r in kpi_rows},
                            {r.firm_id: r.percentile_rank for r in kpi_rows}, firms)
        rows.append(ClubKpiRow(kpi, stat, best, tail))
    return rows


def _preview_rows(club: Club, viewer: Viewer, period: Period, group: str) -> list[ClubKpiRow]:
    """Live figures of an open period for the facilitator only; nothing is stored."""
    inputs = load_period_inputs(period)
    firms = queries.club_firms(club)
    rows = []
    for kpi in inputs.kpis:
        values = inputs.values.get(kpi.code, {})
        results = {r.group_key: r for r in compute_kpi_groups(values, inputs.groups_of, kpi, club)}
        result = results.get(group)
        if result is None:
            rows.append(ClubKpiRow(kpi, queries.empty_release(kpi.code, group, club)))
            continue
        raw = RawStat(kpi.code, group, len(result.firm_ids), result.summary, result.histogram, result.withheld)
        everyone = results["all"]
        stat = release_stat(raw, viewer, club, n_rest=rest_of_club(len(everyone.firm_ids), raw.n, everyone.withheld))
        best, tail = _split(kpi, {f: values[f] for f in result.firm_ids}, result.ranks, firms)
        rows.append(ClubKpiRow(kpi, stat, best, tail))
    return rows


def build_club_rows(club: Club, viewer: Viewer, month: str, group: str) -> tuple[list[ClubKpiRow], bool]:
    """Identified rows for a month: from the snapshot when closed, live (preview=True) when open."""
    period = find_period(club, month)
    if period is not None and period.is_open:
        return _preview_rows(club, viewer, period, group), True
    return _published_rows(club, viewer, month, group), False


def tail_shortening(club: Club, viewer: Viewer, month: str) -> list[TailChange]:
    """Per KPI, the club-wide tail gap of `month` against the same month a year earlier."""
    year, mon = int(month[:4]), month[5:]
    before_month = f"{year - 1}-{mon}"
    ids = {m: sid for sid, m in queries.snapshots_up_to(club, month, 13)}
    wanted = [ids[m] for m in (month, before_month) if m in ids]
    released = queries.release_for_snapshots(wanted, "all", viewer, club)
    out = []
    for kpi in list_kpis(club):
        now = released.get((ids.get(month), kpi.code))
        before = released.get((ids.get(before_month), kpi.code))
        higher = kpi.higher_is_better
        out.append(TailChange(kpi, now.tail_gap(higher) if now else None,
                              before.tail_gap(higher) if before else None, before_month))
    return out


def audit_identified_view(actor: User, club: Club, what: str, month: str | None, group: str) -> None:
    """Rule 8: every identified view by a facilitator is written to the audit log."""
    from ...audit import record

    record(actor, "view", "benchmarks", club.id, club_id=club.id,
           summary=f"identified benchmarks: {what} {month or ''} {group}".strip(),
           detail={"view": what, "period": month, "group": group})

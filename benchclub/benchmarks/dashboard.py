"""The released board every audience reads: the dashboard rows and a KPI's detail, assembled from the read
model (`queries`, snapshot rows through `disclosure`), never from raw values."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..catalogue import list_kpis
from ..models import Club, KpiDefinition
from . import queries
from .charts import sparkline_pair
from .disclosure import ReleasedShare, ReleasedStat, Viewer
from .queries import ComparatorQuantiles

SPARK_MONTHS = 12
TREND_MONTHS = 36


def behind_by(own: float | None, reference: float | None, higher_is_better: bool) -> float | None:
    """How far `own` is behind `reference` (positive = behind, zero or negative = at or beyond)."""
    if own is None or reference is None:
        return None
    return reference - own if higher_is_better else own - reference


def comparator_best_quartile(comp: ComparatorQuantiles | None, higher_is_better: bool) -> float | None:
    """The comparator's better quartile boundary (P75 or P25), when it is known."""
    if comp is None:
        return None
    return comp.quantiles.get("p75" if higher_is_better else "p25")


@dataclass
class KpiRow:
    """One KPI on the member dashboard."""

    kpi: KpiDefinition
    stat: ReleasedStat
    comparator: ComparatorQuantiles | None
    spark: list[tuple[str, float | None, float | None]] = field(default_factory=list)

    @property
    def best_in_class(self) -> float | None:
        return self.stat.best_in_class(self.kpi.higher_is_better)

    @property
    def intl_median(self) -> float | None:
        return self.comparator.quantiles.get("p50") if self.comparator else None

    @property
    def intl_best(self) -> float | None:
        return comparator_best_quartile(self.comparator, self.kpi.higher_is_better)

    @property
    def gap_to_best(self) -> float | None:
        return behind_by(self.stat.firm_value, self.best_in_class, self.kpi.higher_is_better)

    @property
    def gap_to_intl(self) -> float | None:
        return behind_by(self.stat.firm_value, self.intl_median, self.kpi.higher_is_better)

    @property
    def spark_points(self) -> tuple[str, str]:
        """SVG points of own value and released peer median over the last months, one shared scale."""
        return sparkline_pair([own for _, own, _ in self.spark], [med for _, _, med in self.spark])


@dataclass
class Dashboard:
    """The benchmark dashboard of one viewer, month and group."""

    months: list[str]
    month: str | None
    group: str
    groups: list[tuple[str, str]]
    rows: list[KpiRow] = field(default_factory=list)


def _first_comparator(comparators: dict[str, list[ComparatorQuantiles]], code: str) -> ComparatorQuantiles | None:
    return next((c for c in comparators.get(code, []) if c.quantiles.get("p50") is not None), None)


def pick_month(months: list[str], requested: str | None) -> str | None:
    """The requested published month, else the latest one."""
    return requested if requested in months else (months[0] if months else None)


def default_group(requested: str | None, groups: Sequence[tuple[str, str]]) -> str:
    """The group to show: the one asked for when offered, else the club when offered, else the first offered
    group (the club's statistics can be withheld for a governor), so the page matches its picker."""
    offered = [key for key, _ in groups]
    if requested in offered:
        return requested
    return "all" if "all" in offered or not offered else offered[0]


def build_dashboard(viewer: Viewer, club: Club, month: str | None, group: str | None) -> Dashboard:
    """Rows per KPI for a closed month and group, with a 12-month sparkline of own value and median."""
    months = queries.published_months(club)
    month = pick_month(months, month)
    snapshot = queries.current_snapshot(club, month) if month else None
    groups = queries.group_choices(snapshot, viewer, club)
    group = default_group(group, groups)
    board = Dashboard(months, month, group, groups)
    if snapshot is None:
        return board
    history = queries.snapshots_up_to(club, month, SPARK_MONTHS)
    released = queries.release_for_snapshots([sid for sid, _ in history], group, viewer, club)
    comparators = queries.comparators_by_kpi(club)
    for kpi in list_kpis(club):
        stat = released.get((snapshot.id, kpi.code)) or queries.empty_release(kpi.code, group, club)
        spark = [(m, getattr(released.get((sid, kpi.code)), "firm_value", None),
                  getattr(released.get((sid, kpi.code)), "stats", {}).get("p50")) for sid, m in history]
        board.rows.append(KpiRow(kpi, stat, _first_comparator(comparators, kpi.code), spark))
    return board


@dataclass
class KpiDetail:
    """Everything the KPI page charts: the month's release, its history and certificate shares."""

    kpi: KpiDefinition
    month: str
    group: str
    stat: ReleasedStat
    comparators: list[ComparatorQuantiles]
    history: list[tuple[str, ReleasedStat]]
    shares: list[ReleasedShare]
    own_standards: set[str]


def build_kpi_detail(viewer: Viewer, club: Club, kpi: KpiDefinition, month: str, group: str) -> KpiDetail:
    """The KPI page of a published month: release, tail over time (up to 36 months), certificates."""
    snapshot = queries.current_snapshot(club, month)
    history_ids = queries.snapshots_up_to(club, month, TREND_MONTHS)
    released = queries.release_for_snapshots([sid for sid, _ in history_ids], group, viewer, club, kpi.code)
    stat = released.get((snapshot.id, kpi.code)) if snapshot else None
    history = [(m, released[(sid, kpi.code)]) for sid, m in history_ids if (sid, kpi.code) in released]
    return KpiDetail(kpi, month, group, stat or queries.empty_release(kpi.code, group, club),
                     queries.comparators_by_kpi(club).get(kpi.code, []), history,
                     queries.released_shares(snapshot, group, viewer, club),
                     queries.own_valid_standards(viewer.firm_id if viewer.is_member else None, month))

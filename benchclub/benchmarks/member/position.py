"""'Where do I stand': per KPI a quartile bar with the firm's own point, its trend and its gap, built
only from the released figures of the dashboard (`ReleasedStat`), never from peer values."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..dashboard import Dashboard, KpiRow

BAR_WIDTH = 200.0
TREND_LOOKBACK = 3  # compare the latest month with the mean of up to three months before it
LOG_UNITS = ("parts per million",)


def uses_log_scale(kpi) -> bool:
    """KPIs whose values span orders of magnitude (ppm) are drawn on a log axis."""
    return getattr(kpi, "unit", "") in LOG_UNITS or str(getattr(kpi, "code", "")).endswith("_ppm")


def is_percentage(kpi) -> bool:
    """Units that are percentages, so their differences are percentage points."""
    return str(getattr(kpi, "unit", "")).startswith("%")


@dataclass(frozen=True)
class QuartileBar:
    """Screen positions (0..BAR_WIDTH, better to the right) of the released quantiles and own value."""

    whisker: tuple[float, float] | None
    box: tuple[float, float]
    median: float
    own: float | None
    log: bool


def _scale(values: Sequence[float], log: bool):
    """A function value -> x on [0, BAR_WIDTH] covering all `values` with a small margin."""
    def tr(v: float) -> float:
        return math.log10(max(v, 0.1)) if log else v

    low, high = min(tr(v) for v in values), max(tr(v) for v in values)
    span = (high - low) or 1.0
    low, high = low - span * 0.06, high + span * 0.06
    return lambda v: round((tr(v) - low) / (high - low) * BAR_WIDTH, 1)


def quartile_bar(row: KpiRow) -> QuartileBar | None:
    """The bar of one KPI from its released P25/P50/P75 (P10/P90 when released); None when withheld."""
    s = row.stat.stats
    if not all(k in s for k in ("p25", "p50", "p75")):
        return None
    log = uses_log_scale(row.kpi)
    tails = [s[k] for k in ("p10", "p90") if k in s]
    own = row.stat.firm_value
    x = _scale([s["p25"], s["p75"], s["p50"], *tails, *([own] if own is not None else [])], log)
    flip = not row.kpi.higher_is_better  # better always to the right

    def pos(v: float) -> float:
        return round(BAR_WIDTH - x(v), 1) if flip else x(v)

    whisker = tuple(sorted((pos(s["p10"]), pos(s["p90"])))) if len(tails) == 2 else None
    return QuartileBar(whisker, tuple(sorted((pos(s["p25"]), pos(s["p75"])))), pos(s["p50"]),
                       pos(own) if own is not None else None, log)


def trend(values: Sequence[float | None], higher_is_better: bool) -> str | None:
    """'improving', 'worsening' or 'steady' from the own values of recent months (oldest first)."""
    present = [v for v in values if v is not None]
    if len(present) < 2:
        return None
    latest, before = present[-1], present[-1 - TREND_LOOKBACK:-1]
    reference = sum(before) / len(before)
    tolerance = max(abs(reference) * 0.02, 1e-9)
    if abs(latest - reference) <= tolerance:
        return "steady"
    better = latest > reference if higher_is_better else latest < reference
    return "improving" if better else "worsening"


@dataclass
class Position:
    """One KPI on the member's home page and dashboard."""

    row: KpiRow
    bar: QuartileBar | None
    trend: str | None
    customer: list[tuple[str, float]]

    @property
    def kpi(self):
        return self.row.kpi

    @property
    def gap_score(self) -> float | None:
        """The gap to best-in-class in units of the released interquartile range, comparable across KPIs."""
        gap, s = self.row.gap_to_best, self.row.stat.stats
        if gap is None:
            return None
        spread = abs(s.get("p75", 0.0) - s.get("p25", 0.0)) or abs(self.row.best_in_class or 0.0) or 1.0
        return gap / spread


def build_positions(board: Dashboard, measured: dict[str, list[tuple[str, float]]] | None = None) -> list[Position]:
    """Positions per KPI in catalogue order; `measured` maps KPI code to (customer, value) for the month."""
    measured = measured or {}
    out = []
    for row in board.rows:
        own = row.stat.firm_value
        customer = [(name, v) for name, v in measured.get(row.kpi.code, [])
                    if own is None or abs(v - own) > max(abs(own) * 0.005, 1e-9)]
        out.append(Position(row, quartile_bar(row), trend([o for _, o, _ in row.spark], row.kpi.higher_is_better),
                            customer))
    return out


def by_gap(positions: Sequence[Position]) -> list[Position]:
    """Largest gap to best-in-class first; KPIs at or beyond it, or without a released gap, last."""
    return sorted(positions, key=lambda p: -(p.gap_score if p.gap_score is not None else -math.inf))


def weakest(positions: Sequence[Position], count: int = 3) -> list[Position]:
    """The KPIs with the largest (positive) gap to best-in-class."""
    return [p for p in by_gap(positions) if p.gap_score is not None and p.gap_score > 0][:count]


def tail_share_band(stat, reference: float, higher_is_better: bool) -> tuple[int, int] | None:
    """DOMAIN §5 tail share (peers worse than `reference`) as the band the released quantiles allow.

    Only released figures are used: if the reference lies between the released P25 and P50, between
    50% and 75% of peers lie below it, whatever the individual values are.
    """
    curve = [(pct, stat.stats[k]) for k, pct in (("p10", 10), ("p25", 25), ("p50", 50), ("p75", 75), ("p90", 90))
             if k in stat.stats]
    if len(curve) < 2:
        return None
    below_low, below_high = 0, 100
    for pct, value in curve:
        if value < reference:
            below_low = pct
        elif value > reference:
            below_high = min(below_high, pct)
        else:
            below_low = below_high = pct
            break
    if higher_is_better:
        return below_low, below_high
    return 100 - below_high, 100 - below_low

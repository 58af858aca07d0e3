"""Pure workshop rules (DOMAIN §8): host and invitee suggestions, workshop impact and its release.

Plain data in, plain data out: no database, no Flask. The queries module reads the frozen
benchmark snapshots into `PeriodFigures` so that suggestions match what was published.
"""
from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from ..benchmarks.stats import best_in_class_threshold, is_better, percentile, worse_quartile_threshold

#: Hosts need best-in-class performance in this many of the last `HOST_WINDOW` closed periods.
HOST_MIN_MONTHS = 4
HOST_WINDOW = 6
#: Impact horizons in closed periods after the workshop's month.
IMPACT_HORIZONS = (3, 6)


@dataclass(frozen=True)
class PeriodFigures:
    """One closed period's frozen values of one KPI over the whole club ("all" group).

    p25/p50/p75 are the published quartiles when the snapshot holds them; otherwise they are
    computed from `values` with the same type-7 maths the publisher uses.
    """

    month: str
    values: Mapping[Hashable, float]
    p25: float | None = None
    p50: float | None = None
    p75: float | None = None

    def quartile(self, q: float) -> float:
        """The published quartile when stored, else computed from the values."""
        stored = {0.25: self.p25, 0.5: self.p50, 0.75: self.p75}.get(q)
        return stored if stored is not None else percentile(list(self.values.values()), q)

    def best_in_class(self, higher_is_better: bool) -> float:
        """Better quartile boundary (P75 for higher-is-better, P25 for lower-is-better)."""
        if self.p25 is None or self.p75 is None:
            return best_in_class_threshold(list(self.values.values()), higher_is_better)
        return self.p75 if higher_is_better else self.p25

    def worse_quartile(self, higher_is_better: bool) -> float:
        """Worse quartile boundary (P25 for higher-is-better, P75 for lower-is-better)."""
        if self.p25 is None or self.p75 is None:
            return worse_quartile_threshold(list(self.values.values()), higher_is_better)
        return self.p25 if higher_is_better else self.p75


@dataclass(frozen=True)
class Candidate:
    """A proposed host or invitee with the reason behind the proposal."""

    firm: Hashable
    value: float | None  # the firm's value in the latest period (None if it did not report)
    months_at_best: int  # closed periods at or beyond best-in-class, of `window`
    window: int  # closed periods looked at
    gap_to_median: float | None  # value - median of the latest period, in KPI units
    gap_share: float | None  # gap as a share of the median
    is_host: bool = True

    @property
    def reason(self) -> str:
        """A sentence a facilitator can read to a firm: months at best-in-class (hosts), gap to the median."""
        parts = [f"best-in-class in {self.months_at_best} of the last {self.window} closed months"] if self.is_host \
            else ["beyond the worse quartile boundary in the latest closed month"]
        if self.gap_to_median is not None:
            share = f" ({self.gap_share:+.0%})" if self.gap_share is not None else ""
            parts.append(f"{self.gap_to_median:+.2f}{share} against the median")
        return "; ".join(parts)


@dataclass
class Suggestions:
    """Hosts (best first) and invitees (worst first) for one KPI and latest closed period."""

    month: str
    window: list[str]
    n: int
    median: float | None
    best_in_class: float | None
    worse_quartile: float | None
    hosts: list[Candidate] = field(default_factory=list)
    invitees: list[Candidate] = field(default_factory=list)


def _at_or_beyond(value: float, threshold: float, higher_is_better: bool) -> bool:
    return value == threshold or is_better(value, threshold, higher_is_better)


def _gap(value: float | None, median: float | None) -> tuple[float | None, float | None]:
    if value is None or median is None:
        return None, None
    gap = value - median
    return gap, (gap / abs(median) if median else None)


def suggest(periods: Sequence[PeriodFigures], higher_is_better: bool) -> Suggestions:
    """Hosts and invitees from closed periods ordered oldest to newest; the last one is 'latest'.

    Hosts: at or beyond the best-in-class threshold in at least 4 of the last 6 periods.
    Invitees: strictly beyond the worse-side quartile boundary in the latest period.
    """
    window = [p for p in periods if p.values][-HOST_WINDOW:]
    if not window:
        return Suggestions(month=periods[-1].month if periods else "", window=[], n=0, median=None,
                           best_in_class=None, worse_quartile=None)
    latest = window[-1]
    median = latest.quartile(0.5)
    result = Suggestions(month=latest.month, window=[p.month for p in window], n=len(latest.values), median=median,
                         best_in_class=latest.best_in_class(higher_is_better),
                         worse_quartile=latest.worse_quartile(higher_is_better))
    best_counts = _months_at_best(window, higher_is_better)
    for firm, count in best_counts.items():
        if count >= HOST_MIN_MONTHS:
            result.hosts.append(_candidate(firm, latest, median, count, len(window)))
    for firm, value in latest.values.items():
        if is_better(result.worse_quartile, value, higher_is_better):
            result.invitees.append(_candidate(firm, latest, median, best_counts.get(firm, 0), len(window),
                                              is_host=False))
    result.hosts.sort(key=lambda c: (-c.months_at_best, _best_first(c.value, higher_is_better)))
    result.invitees.sort(key=lambda c: _best_first(c.value, higher_is_better), reverse=True)
    return result


def _best_first(value: float | None, higher_is_better: bool) -> tuple[int, float]:
    """Sort key putting better values first and missing values last."""
    if value is None:
        return (1, 0.0)
    return (0, -value if higher_is_better else value)


def _months_at_best(window: Sequence[PeriodFigures], higher_is_better: bool) -> dict[Hashable, int]:
    counts: dict[Hashable, int] = {}
    for period in window:
        threshold = period.best_in_class(higher_is_better)
        for firm, value in period.values.items():
            counts.setdefault(firm, 0)
            if _at_or_beyond(value, threshold, higher_is_better):
                counts[firm] += 1
    return counts


def _candidate(firm: Hashable, latest: PeriodFigures, median: float, count: int, window: int,
               is_host: bool = True) -> Candidate:
    value = latest.values.get(firm)
    gap, share = _gap(value, median)
    return Candidate(firm=firm, value=value, months_at_best=count, window=window, gap_to_median=gap, gap_share=share,
                     is_host=is_host)


# --- impact ------------------------------------------------------------------------------------


@dataclass
class HorizonImpact:
    """Change of a KPI from the workshop's month to `months` later, attending vs. not attending.

    The per-firm changes are kept so disclosure control (benchmarks.disclosure) can decide what
    members may see; they never reach a member's page.
    """

    months: int
    month: str  # the later period
    attending_changes: dict[Hashable, float] = field(default_factory=dict)
    other_changes: dict[Hashable, float] = field(default_factory=dict)
    available: bool = True
    note: str = ""

    @property
    def n_attending(self) -> int:
        """Attending firms with a value in both months."""
        return len(self.attending_changes)

    @property
    def n_other(self) -> int:
        """Non-attending firms with a value in both months."""
        return len(self.other_changes)

    @property
    def median_change_attending(self) -> float | None:
        """Median per-firm change of the attending firms (type-7, like every median here)."""
        values = list(self.attending_changes.values())
        return percentile(values, 0.5) if values else None

    @property
    def median_change_other(self) -> float | None:
        """Median per-firm change of the other firms."""
        values = list(self.other_changes.values())
        return percentile(values, 0.5) if values else None

    @property
    def difference(self) -> float | None:
        """Median change of attending firms minus that of non-attending firms, in KPI units."""
        a, b = self.median_change_attending, self.median_change_other
        return None if a is None or b is None else a - b


def horizon_impact(months: int, month: str, base: Mapping[Hashable, float], later: Mapping[Hashable, float],
                   attending: set[Hashable], exclude: set[Hashable] = frozenset()) -> HorizonImpact:
    """Per-firm change later - base for firms with both values, split into attending and other firms.

    Firms in `exclude` (the host, which taught rather than learned) are left out of both sides.
    """
    changes = {f: later[f] - base[f] for f in base.keys() & later.keys() if f not in exclude}
    return HorizonImpact(
        months=months, month=month,
        attending_changes={f: c for f, c in changes.items() if f in attending},
        other_changes={f: c for f, c in changes.items() if f not in attending},
    )


def unavailable_horizon(months: int, month: str, note: str) -> HorizonImpact:
    """A horizon that cannot be computed yet (period not closed or not published)."""
    return HorizonImpact(months=months, month=month, available=False, note=note)


def improvement(difference: float | None, higher_is_better: bool) -> float | None:
    """The difference signed so that positive always means 'attending firms improved more'."""
    if difference is None:
        return None
    return difference if higher_is_better else -difference

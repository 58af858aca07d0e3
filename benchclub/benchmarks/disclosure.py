"""Disclosure control (DOMAIN §5 rules 1-8): the ONLY path by which benchmark numbers reach members
and governors. Pages, JSON, CSV, chart data and the CLI all ask this module what may be shown.

The rules are pure functions over plain data, so every feature can reuse them:

``Thresholds.from_club(club)``
    ``min_firms`` (rule 1, default 5), ``min_firms_tails`` (P10/P90, default 10), ``exact_n_from``
    (rule 5, default 20). A club may only raise them; lower values in the database are ignored.
``Viewer``
    Who is looking: ``kind`` is ``"member"``, ``"governor"`` or ``"facilitator"`` (admin counts as
    facilitator), with ``club_id``, ``firm_id`` and, for a governor, ``known_firm_ids``: the suppliers
    that consent to it *now* (rule 7). Build one with ``Viewer.for_user(user, club)``.
``n_label(n, club)``
    Rule 5: the exact count from ``exact_n_from`` firms, else a band such as ``"5-9"`` or ``"10-19"``,
    or ``"fewer than 5"``.
``group_release_ok(n_group, n_rest, club, known_group=0, known_rest=0)`` / ``group_block_reason(...)``
    Rules 1, 3 and 7 for a whole group: at least ``min_firms`` reporters, the rest of the club none or
    at least ``min_firms``, and for a governor the same counts after removing the firms it knows.
``RawStat``
    Unreleased aggregates of one KPI over one group (from a ``SnapshotStat`` or a live preview).
``release_stat(raw, viewer, club, n_rest=..., own_value=..., own_rank=..., known_group=..., known_values=...)``
    The ``ReleasedStat`` a viewer may see: released stats, the suppressed ones with a reason each,
    the safe histogram (rule 4; for a governor only if no bin is narrowed to 1-2 unknown firms), the
    viewer's own value and "better than X% of peers". Minimum, maximum and peer values never appear
    (rule 2): ``RawStat`` does not even carry them.
``release_share(n_firms, n_holding, viewer, club, n_rest=..., known_group=..., known_holding=...)``
    A certificate share (a peer statistic like any other).
``release_median_difference(a, b, viewer, club)``
    For comparisons of two disjoint firm sets (e.g. workshop attendees vs the others): both medians
    and their difference, released only when each side has ``min_firms`` firms (for a governor:
    firms it does not know), with ``n`` as a band.
``merge_small_bins(bins)``
    Rule 4: merge any histogram bin holding 1 or 2 firms with a neighbour (used when publishing).

Rule 6 (closed periods, frozen snapshots) is enforced by ``benchmarks.queries``, which reads only
current snapshots for members and governors; rule 8 (facilitator views audited) by the views.
"""
from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..models.club import DEFAULT_EXACT_N_FROM, DEFAULT_MIN_FIRMS, DEFAULT_MIN_FIRMS_TAILS

STAT_NAMES = ("p10", "p25", "p50", "p75", "p90", "mean")
TAIL_STATS = ("p10", "p90")
MIN_BIN_COUNT = 3  # rule 4: a released bin never holds 1 or 2 firms

MEMBER, GOVERNOR, FACILITATOR = "member", "governor", "facilitator"


@dataclass(frozen=True)
class Thresholds:
    """The club's disclosure thresholds, never below the DOMAIN §5 defaults."""

    min_firms: int = DEFAULT_MIN_FIRMS
    min_firms_tails: int = DEFAULT_MIN_FIRMS_TAILS
    exact_n_from: int = DEFAULT_EXACT_N_FROM

    @classmethod
    def from_club(cls, club: Any) -> Thresholds:
        """Read a club's thresholds (or pass Thresholds through); defaults are the floor."""
        if isinstance(club, Thresholds):
            return club
        min_firms = max(DEFAULT_MIN_FIRMS, getattr(club, "min_firms", None) or 0)
        tails = max(DEFAULT_MIN_FIRMS_TAILS, getattr(club, "min_firms_tails", None) or 0, min_firms)
        exact = max(DEFAULT_EXACT_N_FROM, getattr(club, "exact_n_from", None) or 0, tails)
        return cls(min_firms, tails, exact)


@dataclass(frozen=True)
class Viewer:
    """Who receives benchmark numbers; decides how much disclosure control applies."""

    kind: str
    club_id: int
    firm_id: int | None = None
    known_firm_ids: frozenset[int] = frozenset()
    user_id: int | None = None

    @property
    def identified(self) -> bool:
        """Facilitators (and the admin) see identified club data (rule 8: their views are audited)."""
        return self.kind == FACILITATOR

    @property
    def is_member(self) -> bool:
        return self.kind == MEMBER

    @property
    def is_governor(self) -> bool:
        return self.kind == GOVERNOR

    def known_count(self, firm_ids: Sequence[int] | set[int]) -> int:
        """How many of these firms the viewer already knows the values of (rule 7)."""
        return sum(1 for f in firm_ids if f in self.known_firm_ids) if self.known_firm_ids else 0

    @classmethod
    def for_user(cls, user: Any, club: Any) -> Viewer:
        """The viewer for a logged-in user looking at a club; a governor's consents are read now."""
        from ..models import Role
        from ..permissions import consenting_supplier_ids

        club_id = club if isinstance(club, int) else club.id
        if user.role in (Role.FACILITATOR, Role.ADMIN):
            return cls(FACILITATOR, club_id, None, frozenset(), user.id)
        if user.role == Role.GOVERNOR:
            return cls(GOVERNOR, club_id, user.firm_id, frozenset(consenting_supplier_ids(user.firm)), user.id)
        return cls(MEMBER, club_id, user.firm_id, frozenset(), user.id)


def n_label(n: int, club: Any) -> int | str:
    """Rule 5: n exactly from `exact_n_from` firms, otherwise a band ("5-9", "10-19")."""
    t = Thresholds.from_club(club)
    if n >= t.exact_n_from:
        return n
    if n < t.min_firms:
        return f"fewer than {t.min_firms}"
    bounds = sorted({t.min_firms, t.min_firms_tails, t.exact_n_from})
    for low, high in zip(bounds, bounds[1:], strict=False):
        if low <= n < high:
            return f"{low}-{high - 1}"
    return f"{bounds[0]}-{t.exact_n_from - 1}"  # pragma: no cover - bounds cover [min_firms, exact_n_from)


def group_block_reason(n_group: int, n_rest: int, club: Any, *, known_group: int = 0,
                       known_rest: int = 0) -> str | None:
    """Why a group's statistics may not be released (rules 1, 3, 7), or None when they may."""
    t = Thresholds.from_club(club)
    if n_group < t.min_firms:
        return f"Suppressed: fewer than {t.min_firms} firms reported this KPI in this group."
    if 0 < n_rest < t.min_firms:
        return (f"Suppressed: the rest of the club has fewer than {t.min_firms} reporting firms, so this group "
                "could be subtracted from the club figures.")
    if known_group or known_rest:
        if n_group - known_group < t.min_firms:
            return (f"Suppressed: fewer than {t.min_firms} firms in this group are not your consenting "
                    "suppliers.")
        if 0 < n_rest - known_rest < t.min_firms:
            return (f"Suppressed: outside this group fewer than {t.min_firms} firms are not your consenting "
                    "suppliers.")
    return None


def group_release_ok(n_group: int, n_rest: int, club: Any, *, known_group: int = 0, known_rest: int = 0) -> bool:
    """True when a group's statistics may be released under rules 1, 3 and 7."""
    return group_block_reason(n_group, n_rest, club, known_group=known_group, known_rest=known_rest) is None


@dataclass(frozen=True)
class RawStat:
    """Unreleased aggregates of one KPI over one group: never handed to a template directly."""

    kpi_code: str
    group_key: str
    n: int
    values: Mapping[str, float | None]  # p10..p90 and mean
    histogram: Sequence[Mapping[str, Any]] | None = None  # merged bins: {"lo", "hi", "count"}
    withheld: str | None = None  # decided at publication by plan_group_release

    @classmethod
    def from_row(cls, row: Any) -> RawStat:
        """Build from a SnapshotStat row (or anything with the same attributes)."""
        return cls(row.kpi_code, row.group_key, row.n, {s: getattr(row, s) for s in STAT_NAMES}, row.histogram,
                   getattr(row, "withheld", None))


@dataclass
class ReleasedStat:
    """What one viewer may see of one KPI over one group; safe to render, serialise or chart."""

    kpi_code: str
    group_key: str
    n: int | str
    released: bool
    stats: dict[str, float] = field(default_factory=dict)
    suppressed: dict[str, str] = field(default_factory=dict)
    histogram: list[dict[str, Any]] | None = None
    histogram_note: str | None = None
    firm_value: float | None = None
    percentile_rank: int | None = None
    identified: bool = False
    note: str | None = None  # for the facilitator: why members and governors do not see this group

    def get(self, name: str) -> float | None:
        """A released statistic, or None when it is suppressed."""
        return self.stats.get(name)

    def best_in_class(self, higher_is_better: bool) -> float | None:
        """The better quartile boundary, if released (P75 when higher is better, else P25)."""
        return self.get("p75" if higher_is_better else "p25")

    def tail_gap(self, higher_is_better: bool) -> tuple[float, float | None] | None:
        """Median to the worse-side P10/P90 boundary, in units and as a share, if both are released."""
        from .stats import tail_gap

        p50, p10, p90 = self.get("p50"), self.get("p10"), self.get("p90")
        if p50 is None or (p10 if higher_is_better else p90) is None:
            return None
        return tail_gap(p10 or 0.0, p50, p90 or 0.0, higher_is_better)

    def suppressed_list(self) -> list[dict[str, str]]:
        """Withheld statistics with the reason for each, in a stable order."""
        return [{"stat": s, "reason": r} for s, r in self.suppressed.items()]

    @property
    def reason(self) -> str | None:
        """One sentence for the page when the group (or its middle) is withheld."""
        return self.suppressed.get("p50") or self.suppressed.get("p25")


def _quantile_reasons(raw: RawStat, viewer: Viewer, t: Thresholds, group_reason: str | None,
                      known_group: int) -> dict[str, str]:
    """Per statistic, the reason it is withheld (rule 1 for tails, group reasons for all)."""
    reasons: dict[str, str] = {}
    effective = raw.n - known_group if viewer.is_governor else raw.n
    for name in STAT_NAMES:
        if raw.values.get(name) is None:
            reasons[name] = "No data: no firm reported this KPI in this group."
        elif group_reason:
            reasons[name] = group_reason
        elif name in TAIL_STATS and effective < t.min_firms_tails:
            who = " that are not your consenting suppliers" if viewer.is_governor else ""
            reasons[name] = f"Suppressed: P10 and P90 need at least {t.min_firms_tails} reporting firms{who}."
    return reasons


def _governor_histogram_ok(bins: Sequence[Mapping[str, Any]], known_values: Sequence[float]) -> bool:
    """Rule 4 seen by a governor: no bin may narrow down to 1 or 2 firms it does not know."""
    last = len(bins) - 1
    for i, b in enumerate(bins):
        known = sum(1 for v in known_values if b["lo"] <= v < b["hi"] or (i == last and v == b["hi"]))
        if 0 < b["count"] - known < MIN_BIN_COUNT:
            return False
    return True


def _release_histogram(raw: RawStat, viewer: Viewer, released: bool,
                       known_values: Sequence[float]) -> tuple[list[dict[str, Any]] | None, str | None]:
    if not raw.histogram:
        return None, "No histogram: no firm reported this KPI in this group."
    bins = [dict(b) for b in raw.histogram]
    if viewer.identified:
        return bins, None
    if not released:
        return None, "The histogram is withheld with the group's statistics."
    if any(0 < b["count"] < MIN_BIN_COUNT for b in bins):
        return None, "Suppressed: a band would hold fewer than 3 firms."
    if viewer.is_governor and not _governor_histogram_ok(bins, known_values):
        return None, "Suppressed: a band would hold fewer than 3 firms that are not your consenting suppliers."
    return bins, None


def release_stat(raw: RawStat, viewer: Viewer, club: Any, *, n_rest: int, own_value: float | None = None,
                 own_rank: int | None = None, known_group: int = 0, known_rest: int = 0,
                 known_values: Sequence[float] = ()) -> ReleasedStat:
    """Apply rules 1-5 and 7 to one group's aggregates for one viewer.

    `n_rest` is the number of club firms outside the group that reported the KPI; `known_*` count
    the governor's consenting suppliers among the group's and the rest's reporters, `known_values`
    are their values (the governor sees them anyway). `own_value`/`own_rank` are the viewing firm's
    frozen value and percentile rank in this group (members only).
    """
    t = Thresholds.from_club(club)
    if viewer.identified:
        stats = {k: v for k, v in raw.values.items() if v is not None}
        hist, note = _release_histogram(raw, viewer, True, ())
        return ReleasedStat(raw.kpi_code, raw.group_key, raw.n, True, stats, {}, hist, note, own_value, own_rank,
                            identified=True, note=raw.withheld or group_block_reason(raw.n, n_rest, t))
    if not viewer.is_governor:
        known_group = known_rest = 0
    group_reason = raw.withheld or group_block_reason(raw.n, n_rest, t, known_group=known_group,
                                                      known_rest=known_rest)
    released = group_reason is None
    suppressed = _quantile_reasons(raw, viewer, t, group_reason, known_group)
    stats = {k: float(v) for k, v in raw.values.items() if k not in suppressed and v is not None}
    hist, note = _release_histogram(raw, viewer, released, known_values)
    rank = own_rank if (released and viewer.is_member and own_value is not None) else None
    firm_value = own_value if viewer.is_member else None
    return ReleasedStat(raw.kpi_code, raw.group_key, n_label(raw.n, t), released, stats, suppressed, hist, note,
                        firm_value, rank)


@dataclass
class ReleasedShare:
    """A certificate share of one group as a viewer may see it."""

    standard: str
    n: int | str
    share: float | None
    reason: str | None = None


def release_share(standard: str, n_firms: int, n_holding: int, viewer: Viewer, club: Any, *, n_rest: int,
                  known_group: int = 0, known_rest: int = 0, withheld: str | None = None) -> ReleasedShare:
    """The share of a group's firms holding a valid certificate, under rules 1, 3, 5 and 7."""
    t = Thresholds.from_club(club)
    if viewer.identified:
        return ReleasedShare(standard, n_firms, n_holding / n_firms if n_firms else None)
    if not viewer.is_governor:
        known_group = known_rest = 0
    reason = withheld or group_block_reason(n_firms, n_rest, t, known_group=known_group, known_rest=known_rest)
    if reason:
        return ReleasedShare(standard, n_label(n_firms, t), None, reason)
    return ReleasedShare(standard, n_label(n_firms, t), n_holding / n_firms)


@dataclass
class ReleasedDifference:
    """Median of set A minus median of set B, or the reason it is withheld; n shown as bands."""

    n_a: int | str
    n_b: int | str
    median_a: float | None = None
    median_b: float | None = None
    difference: float | None = None
    reason: str | None = None

    @property
    def released(self) -> bool:
        return self.reason is None


def release_median_difference(a: Mapping[int, float], b: Mapping[int, float], viewer: Viewer,
                              club: Any) -> ReleasedDifference:
    """Compare two disjoint firm sets ({firm_id: value}) by their medians, each side >= min_firms.

    For a governor each side must hold `min_firms` firms that are not its consenting suppliers;
    the facilitator sees exact counts. Raises ValueError when the sets overlap.
    """
    if set(a) & set(b):
        raise ValueError("the two firm sets must not overlap")
    t = Thresholds.from_club(club)
    labels = (len(a), len(b)) if viewer.identified else (n_label(len(a), t), n_label(len(b), t))
    if not viewer.identified:
        for side, name in ((a, "first"), (b, "second")):
            unknown = len(side) - viewer.known_count(set(side)) if viewer.is_governor else len(side)
            if unknown < t.min_firms:
                return ReleasedDifference(*labels, reason=(
                    f"Suppressed: the {name} group has fewer than {t.min_firms} firms"
                    + (" that are not your consenting suppliers." if viewer.is_governor else ".")))
    if not a or not b:
        return ReleasedDifference(*labels, reason="No data: one of the groups has no firms.")
    median_a, median_b = statistics.median(a.values()), statistics.median(b.values())
    return ReleasedDifference(*labels, median_a=median_a, median_b=median_b, difference=median_a - median_b)


def merge_small_bins(bins: Sequence[Mapping[str, Any]], min_count: int = MIN_BIN_COUNT) -> list[dict[str, Any]]:
    """Rule 4: merge each bin holding 1..min_count-1 firms into its smaller neighbour until none is left.

    Bins are {"lo", "hi", "count"} in ascending order; the total is preserved and the bins stay
    contiguous. A single remaining bin is returned as it is (the group is then too small anyway).
    """
    merged = [dict(b) for b in bins]
    while len(merged) > 1:
        small = next((i for i, b in enumerate(merged) if 0 < b["count"] < min_count), None)
        if small is None:
            break
        neighbours = [i for i in (small - 1, small + 1) if 0 <= i < len(merged)]
        # Prefer an occupied neighbour, then the smaller one, then the right one: bands stay narrow.
        other = min(neighbours, key=lambda i: (merged[i]["count"] == 0, merged[i]["count"], -i))
        lo_i, hi_i = min(small, other), max(small, other)
        merged[lo_i] = {"lo": merged[lo_i]["lo"], "hi": merged[hi_i]["hi"],
                        "count": merged[lo_i]["count"] + merged[hi_i]["count"]}
        del merged[hi_i]
    return merged


NESTED_REASON = ("Suppressed: this group differs from another published group by fewer than {k} firms, so the "
                 "two could be subtracted from each other.")
PARTITION_REASON = ("Suppressed: together with the other {dim} groups it would leave fewer than {k} firms "
                    "that could be worked out by subtraction.")


def _dimension(group_key: str) -> str | None:
    return group_key.split(":", 1)[0] if ":" in group_key else None


def _nested_violation(members: Mapping[str, frozenset[int]], released: list[str], k: int) -> str | None:
    """The smaller of two released groups where one is the other plus 1..k-1 firms."""
    by_size = sorted(released, key=lambda g: (len(members[g]), g))
    for g in by_size:
        for h in by_size:
            extra = len(members[h]) - len(members[g])
            if h != g and 0 < extra < k and members[g] <= members[h]:
                return g
    return None


def _partition_violation(members: Mapping[str, frozenset[int]], released: list[str], everyone: frozenset[int],
                         k: int) -> str | None:
    """In one dimension (sector, size, tier, country) the firms outside its released groups are 1..k-1:
    the smallest released group of that dimension must go too."""
    dims = sorted({d for g in members if (d := _dimension(g))})
    for dim in dims:
        shown = [g for g in released if _dimension(g) == dim]
        covered = len(frozenset().union(*(members[g] for g in shown)))
        if shown and 0 < len(everyone) - covered < k:
            return min(shown, key=lambda g: (len(members[g]), g))
    return None


def plan_group_release(members: Mapping[str, frozenset[int]], club: Any) -> dict[str, str | None]:
    """At publication: for each group (its reporting firm ids), the reason members and governors may
    not see it, or None. Generalises rules 1 and 3 so that no two published groups, and no dimension's
    groups against the club, can be subtracted to isolate 1 to 4 firms.
    """
    t = Thresholds.from_club(club)
    everyone = members.get("all") or frozenset().union(*members.values())
    reasons: dict[str, str | None] = {}
    for g, ids in members.items():
        reasons[g] = group_block_reason(len(ids), 0 if g == "all" else len(everyone) - len(ids), t)
    while True:
        released = [g for g, r in reasons.items() if r is None]
        victim = _nested_violation(members, released, t.min_firms)
        reason = NESTED_REASON.format(k=t.min_firms)
        if victim is None:
            victim = _partition_violation(members, released, everyone, t.min_firms)
            reason = PARTITION_REASON.format(k=t.min_firms, dim=_dimension(victim or "") or "")
        if victim is None:
            return reasons
        reasons[victim] = reason


def quartile_band(value: float, released: ReleasedStat, higher_is_better: bool) -> str | None:
    """A governor's consenting supplier placed against a released distribution in quartile bands (rule 7).

    Only the released P25, P50 and P75 decide the band, so it tells the governor nothing it could not
    read off the page; an exact "better than X%" would count the unknown firms below the supplier.
    A value on a boundary counts towards the better side (at the best-in-class threshold is top
    quarter). None when the group or any of the three quartiles is withheld from this viewer.
    """
    bands = ("bottom quarter", "second quarter", "third quarter", "top quarter")
    cuts = [released.get(k) for k in ("p25", "p50", "p75")]
    if not released.released or any(c is None for c in cuts):
        return None
    if higher_is_better:
        return bands[sum(1 for c in cuts if value >= c)]  # type: ignore[operator]
    return bands[sum(1 for c in cuts if value <= c)]  # type: ignore[operator]

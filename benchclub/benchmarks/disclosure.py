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
``merge_small_bins(bins, min_count)``
    Rule 4: merge any histogram bin holding 1 to min_count-1 firms with a neighbour (publication merges
    below ``min_firms``, so no released bin counts 1-4 firms).
``plan_release(facts, club, known=..., earlier=..., governor=...)``
    The release audit: every figure of a period (sums behind means, exact n, histogram bins, certificate
    holders) as one system of linear queries per KPI (and per standard); exact row reduction over the
    cells that groups and bins make; figures withheld greedily, each with a reason, until no combination
    determines the total or count of 1 to ``min_firms - 1`` firms. Run at publication for members (and
    stored on the snapshot rows) and on request for a governor, over the firms it does not know.
``audit_counts(categories, total, club)``
    The same audit for a report's category counts (ladder stage mix, reporting completeness).

Rule 6 (closed periods, frozen snapshots) is enforced by ``benchmarks.queries``, which reads only
current snapshots for members and governors; rule 8 (facilitator views audited) by the views.
"""
from __future__ import annotations

import statistics
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .thresholds import MIN_BIN_COUNT, Thresholds, merge_small_bins, n_label  # noqa: F401  (asked for here by other modules)

STAT_NAMES = ("p10", "p25", "p50", "p75", "p90", "mean")
TAIL_STATS = ("p10", "p90")

MEMBER, GOVERNOR, FACILITATOR = "member", "governor", "facilitator"


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

        club_id = club if isinstance(club, int) else club.id
        if user.role in (Role.FACILITATOR, Role.ADMIN):
            return cls(FACILITATOR, club_id, None, frozenset(), user.id)
        if user.role == Role.GOVERNOR:
            return cls.for_governor(user.firm, user.id)
        return cls(MEMBER, club_id, user.firm_id, frozenset(), user.id)

    @classmethod
    def for_governor(cls, governor: Any, user_id: int | None = None) -> Viewer:
        """A governor firm's view (its consenting suppliers, read now, are known to it): its own staff's,
        or the admin's read-only copy of it, or the CLI's `--as-firm`."""
        from ..permissions import consenting_supplier_ids

        return cls(GOVERNOR, governor.club_id, governor.id, frozenset(consenting_supplier_ids(governor)), user_id)


def rest_of_club(n_all: int | None, n_group: int, club_withheld: str | None) -> int:
    """The reporters outside a group that rule 3's per-group second line counts (`n_rest`).

    None when the whole-club figure is itself withheld from the viewer: there is nothing to subtract
    the group from, and the exact audit has already decided the pair (it withheld the club figure to
    keep the group). Counting them anyway suppressed both, and the picker offered an empty group.
    """
    if n_all is None or club_withheld is not None:
        return 0
    return max(n_all - n_group, 0)


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
    withheld: str | None = None  # decided by the release audit (plan_release)
    n_withheld: str | None = None  # the audit withholds the exact n (it is then shown as a band)
    histogram_withheld: str | None = None  # the audit (or rule 5) withholds the histogram

    @classmethod
    def from_row(cls, row: Any) -> RawStat:
        """Build from a SnapshotStat row or a GroupRelease (anything with the same attributes)."""
        values = getattr(row, "summary", None) or {s: getattr(row, s) for s in STAT_NAMES}
        n = row.n if hasattr(row, "n") else len(row.firm_ids)
        return cls(row.kpi_code, row.group_key, n, {s: values.get(s) for s in STAT_NAMES}, row.histogram,
                   getattr(row, "withheld", None), getattr(row, "n_withheld", None),
                   getattr(row, "histogram_withheld", None))


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


def _release_histogram(raw: RawStat, viewer: Viewer, released: bool) -> tuple[list[dict[str, Any]] | None, str | None]:
    if not raw.histogram:
        return None, "No histogram: no firm reported this KPI in this group."
    bins = [dict(b) for b in raw.histogram]
    if viewer.identified:
        return bins, None
    if not released:
        return None, "The histogram is withheld with the group's statistics."
    if raw.histogram_withheld:
        return None, raw.histogram_withheld
    if any(0 < b["count"] < MIN_BIN_COUNT for b in bins):
        return None, "Suppressed: a band would hold fewer than 3 firms."
    return bins, None


def release_stat(raw: RawStat, viewer: Viewer, club: Any, *, n_rest: int = 0, own_value: float | None = None,
                 own_rank: int | None = None, known_group: int = 0, known_rest: int = 0,
                 known_values: Sequence[float] = ()) -> ReleasedStat:
    """Apply rules 1-5 and 7 to one group's aggregates for one viewer.

    The release audit has decided at publication (members) or on request (a governor, over the firms it
    does not know) which figures are withheld; `raw` carries those decisions. `n_rest` (club reporters
    outside the group) and `known_*` keep the per-group checks of rules 1, 3 and 7 as a second line.
    `own_value`/`own_rank` are the viewing firm's frozen value and rank in this group (members only).
    """
    del known_values  # a governor's figures are computed without its known firms (plan_release)
    t = Thresholds.from_club(club)
    if viewer.identified:
        stats = {k: v for k, v in raw.values.items() if v is not None}
        hist, note = _release_histogram(raw, viewer, True)
        return ReleasedStat(raw.kpi_code, raw.group_key, raw.n, True, stats, {}, hist, note, own_value, own_rank,
                            identified=True, note=raw.withheld or group_block_reason(raw.n, n_rest, t))
    if not viewer.is_governor:
        known_group = known_rest = 0
    group_reason = raw.withheld or group_block_reason(raw.n, n_rest, t, known_group=known_group,
                                                      known_rest=known_rest)
    released = group_reason is None
    suppressed = _quantile_reasons(raw, viewer, t, group_reason, known_group)
    stats = {k: float(v) for k, v in raw.values.items() if k not in suppressed and v is not None}
    hist, note = _release_histogram(raw, viewer, released)
    rank = own_rank if (released and viewer.is_member and own_value is not None) else None
    firm_value = own_value if viewer.is_member else None
    return ReleasedStat(raw.kpi_code, raw.group_key, n_label(raw.n, t, exact_withheld=bool(raw.n_withheld)), released,
                        stats, suppressed, hist, note, firm_value, rank)


@dataclass
class ReleasedShare:
    """A certificate share of one group as a viewer may see it."""

    standard: str
    n: int | str
    share: float | None
    reason: str | None = None


def release_share(standard: str, n_firms: int, n_holding: int, viewer: Viewer, club: Any, *, n_rest: int = 0,
                  known_group: int = 0, known_rest: int = 0, withheld: str | None = None,
                  n_withheld: str | None = None) -> ReleasedShare:
    """The share of a group's firms holding a valid certificate, under rules 1, 3, 5 and 7 and the audit."""
    t = Thresholds.from_club(club)
    if viewer.identified:
        return ReleasedShare(standard, n_firms, n_holding / n_firms if n_firms else None)
    if not viewer.is_governor:
        known_group = known_rest = 0
    reason = withheld or group_block_reason(n_firms, n_rest, t, known_group=known_group, known_rest=known_rest)
    label = n_label(n_firms, t, exact_withheld=bool(n_withheld))
    if reason:
        return ReleasedShare(standard, label, None, reason)
    return ReleasedShare(standard, label, n_holding / n_firms)


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


# The release audit (DOMAIN §5 rules 3, 4, 5 and 7; DISCLOSURE-AUDIT.md). Its pure parts live in the
# sibling modules `plan` (figures of a period) and `audit` (exact linear algebra); other modules ask here.
from .plan import (  # noqa: E402
    EarlierRevision,
    GroupRelease,
    PeriodFacts,
    ReleasePlan,
    ShareRelease,
    audit_counts,
    group_phrase,
    members_by_group,
    plan_release,
    released_keys,
)

__all__ = ["EarlierRevision", "audit_counts", "rest_of_club", "governor_release", "offered_groups", "GroupRelease", "PeriodFacts", "ReleasePlan", "ShareRelease", "group_phrase",
           "members_by_group", "plan_release", "released_keys"]


_GOVERNOR_PLANS: OrderedDict[tuple, ReleasePlan] = OrderedDict()
_GOVERNOR_PLANS_KEPT = 256


def governor_release(cache_key: Hashable, facts: PeriodFacts, earlier: Sequence[EarlierRevision], viewer: Viewer,
                     club: Any) -> ReleasePlan:
    """Rule 7 on request: the period's figures over the firms this governor does NOT know, audited for it.

    Its consenting suppliers *now* (`viewer.known_firm_ids`) are left out of every statistic and the audit
    runs on the rest, so known firms are subtractable in every combination; consent changes apply at
    once. Earlier revisions' released figures (restricted to the same unknown firms) count as released.
    Plans are cached by (cache_key, known firms, thresholds); the cache key names a snapshot revision.
    """
    t = Thresholds.from_club(club)
    key = (cache_key, viewer.known_firm_ids, t)
    plan = _GOVERNOR_PLANS.get(key)
    if plan is None:
        plan = plan_release(facts, t, known=viewer.known_firm_ids, earlier=earlier, governor=True)
        _GOVERNOR_PLANS[key] = plan
        while len(_GOVERNOR_PLANS) > _GOVERNOR_PLANS_KEPT:
            _GOVERNOR_PLANS.popitem(last=False)
    else:
        _GOVERNOR_PLANS.move_to_end(key)
    return plan


def offered_groups(withheld_by_group: Iterable[tuple[str, str | None]], viewer: Viewer) -> list[str]:
    """The group picker: groups with at least one released KPI for this viewer (all groups for the facilitator)."""
    offered = {g for g, reason in withheld_by_group if viewer.identified or reason is None}
    return sorted(offered, key=lambda g: (g != "all", g))


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

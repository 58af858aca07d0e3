"""Release plans: every figure of a period as linear queries, and what the audit lets one audience see.

Pure (no database): `plan_release(facts, club)` is run at publication for members, and on request for a
governor with the firms it knows (its consenting suppliers) left out of every statistic. Asked only
through `benchmarks.disclosure`.

Figures per KPI and peer group: the group's statistics (their mean makes the *sum* a query, counted as
released even when n is banded), the exact n (a count, only when n is shown exactly) and the histogram
(one count per bin, only for groups whose n is exact: rule 5). Per standard and group: the number of
certificate holders (only for groups whose n is exact, so a share never reveals a banded n) and the
group's exact firm count. Earlier revisions of a republished period enter as figures already released.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from benchclub.benchmarks import stats
from benchclub.benchmarks.thresholds import Thresholds, merge_small_bins, n_label

from .audit import Figure, OldValue, Probe, audit

RULE1_MEMBER = "Suppressed: fewer than {k} firms reported this KPI in this group."
RULE1_GOVERNOR = "Suppressed: fewer than {k} firms in this group are not your consenting suppliers."
RULE1_SHARE = "Suppressed: fewer than {k} firms in this group."
RULE5_HIST = ("Withheld: the group's n is shown as a band (below {exact} firms) and bin counts would add up to "
              "the exact n.")
RULE5_SHARE = ("Withheld: the group's n is shown as a band (below {exact} firms) and a share would reveal the "
               "exact n.")
BANDED_N = "the exact number of firms of a group whose n is shown as a band"
CHANGE = "one firm's correction between revisions"


@dataclass(frozen=True)
class PeriodFacts:
    """The frozen inputs of one period: groups, values, bin edges and certificate holders."""

    groups_of: Mapping[int, Sequence[str]]  # supplier firm id -> its peer group keys
    active: frozenset[int]  # active suppliers: the universe of certificate shares
    values: Mapping[str, Mapping[int, float]]  # KPI code -> firm id -> self-reported value
    edges: Mapping[str, Sequence[float]]  # KPI code -> histogram bin edges
    higher: Mapping[str, bool]  # KPI code -> higher is better
    certificates: Mapping[str, frozenset[int]] = field(default_factory=dict)  # standard -> holders
    standards: Sequence[str] = ()

    def without(self, known: frozenset[int]) -> PeriodFacts:
        """The same period with the viewer's known firms left out of every figure (rule 7)."""
        if not known:
            return self
        return PeriodFacts(self.groups_of, self.active - known,
                           {k: {f: v for f, v in vals.items() if f not in known} for k, vals in self.values.items()},
                           self.edges, self.higher, {s: h - known for s, h in self.certificates.items()},
                           self.standards)


@dataclass
class GroupRelease:
    """One KPI over one group: the aggregates and, per figure, why the audience may not see it."""

    kpi_code: str
    group_key: str
    firm_ids: list[int]
    summary: dict[str, float]
    histogram: list[dict[str, Any]]
    ranks: dict[int, int | None]
    withheld: str | None = None
    n_withheld: str | None = None
    histogram_withheld: str | None = None


@dataclass
class ShareRelease:
    """Certificate holders of one standard in one group, and why the audience may not see them."""

    group_key: str
    standard: str
    n_firms: int
    n_holding: int
    withheld: str | None = None
    n_withheld: str | None = None


@dataclass
class ReleasePlan:
    """Everything of one period for one audience, with the audit's decisions."""

    facts: PeriodFacts
    stats: dict[tuple[str, str], GroupRelease] = field(default_factory=dict)
    shares: dict[tuple[str, str], ShareRelease] = field(default_factory=dict)
    withheld: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EarlierRevision:
    """An earlier revision of the period: its facts and the keys of the figures it released."""

    revision: int
    facts: PeriodFacts
    released: frozenset[str]


def group_phrase(key: str) -> str:
    """'sector:Castings' -> 'the sector group Castings'; 'all' -> 'the club'."""
    if key == "all":
        return "the club"
    dim, _, value = key.partition(":")
    return f"the tier {value} group" if dim == "tier" else f"the {dim} group {value}"


def members_by_group(values: Mapping[int, Any], groups_of: Mapping[int, Sequence[str]]) -> dict[str, list[int]]:
    """Firm ids per peer group, for the firms in `values` (a firm with no groups counts in the club)."""
    members: dict[str, list[int]] = defaultdict(list)
    for firm_id in values:
        for key in groups_of.get(firm_id, ("all",)):
            members[key].append(firm_id)
    return members


@dataclass
class _Group:
    """One KPI over one group, computed once per plan and shared by the figures and the releases."""

    ids: list[int]
    values: np.ndarray  # the firms' values, in the order of `ids`
    ordered: np.ndarray  # the same values sorted
    units: frozenset[int] | None = None
    histogram: list[dict[str, Any]] | None = None


def _kpi_groups(code: str, facts: PeriodFacts) -> dict[str, _Group]:
    """Every group of one KPI (sorted by key) with its values as arrays: one pass over the firms."""
    values = facts.values[code]
    firms = np.empty(len(values), dtype=object)  # firm ids as given (object: never converted)
    firms[:] = list(values)
    vals = np.fromiter(values.values(), dtype=np.float64, count=len(values))
    positions: dict[str, list[int]] = defaultdict(list)
    groups_of = facts.groups_of
    for i, firm_id in enumerate(values):
        for key in groups_of.get(firm_id, ("all",)):
            positions[key].append(i)
    out = {}
    for g in sorted(positions):
        at = np.array(positions[g], dtype=np.intp)
        group_values = vals[at]
        out[g] = _Group(firms[at].tolist(), group_values, np.sort(group_values, kind="stable"))
    return out


def _histogram(group: _Group, edges: Sequence[float], min_count: int) -> list[dict[str, Any]]:
    """Fixed bins [edge_i, edge_i+1) over the group's values, merged so that no bin holds 1 to min_count-1
    firms (rule 4, audited at min_firms)."""
    if group.histogram is None:
        group.histogram = merge_small_bins(stats.bin_counts_array(group.ordered, edges), min_count)
    return group.histogram


def _bin_members(group: _Group, bins: Sequence[Mapping[str, Any]]) -> list[frozenset]:
    """The firms counted in each bin, the same way the histogram counts them: one bin index per firm
    (a value below the first bin counts in it, above the last in the last), one frozenset per bin."""
    lows = np.array([b["lo"] for b in bins], dtype=np.float64)
    index = np.clip(np.searchsorted(lows, group.values, side="right") - 1, 0, len(bins) - 1)
    order = np.argsort(index, kind="stable")
    ids = np.empty(len(group.ids), dtype=object)
    ids[:] = group.ids
    ids = ids[order]
    cuts = np.searchsorted(index[order], np.arange(len(bins) + 1), side="left")
    return [frozenset(ids[cuts[j]:cuts[j + 1]].tolist()) for j in range(len(bins))]


def _units(group: _Group) -> frozenset[int]:
    if group.units is None:
        group.units = frozenset(group.ids)
    return group.units


def _kpi_figures(code: str, facts: PeriodFacts, groups: Mapping[str, _Group], t: Any) -> tuple[list[Figure], list[Probe]]:
    figures, probes = [], []
    edges = facts.edges.get(code) or (0.0, 1.0)
    for g, group in groups.items():
        n = len(group.ids)
        if n < t.min_firms:
            continue
        units = _units(group)
        figures.append(Figure(f"sum|{code}|{g}", ((f"sum|{code}", units),), f"{group_phrase(g)}'s statistics", n))
        if n < t.exact_n_from:
            probes.append(Probe(f"count|{code}", tuple((f, 1) for f in sorted(units)), BANDED_N))
            continue
        figures.append(Figure(f"n|{code}|{g}", ((f"count|{code}", units),), f"the number of firms in {group_phrase(g)}", n))
        rows = tuple((f"count|{code}", r) for r in _bin_members(group, _histogram(group, edges, t.min_firms)))
        figures.append(Figure(f"hist|{code}|{g}", rows, f"the histogram of {group_phrase(g)}", n))
    return figures, probes


def _active_groups(facts: PeriodFacts) -> dict[str, list[int]]:
    """Active suppliers per group, sorted by key (the universe of certificate shares)."""
    return dict(sorted(members_by_group(dict.fromkeys(sorted(facts.active)), facts.groups_of).items()))


def _cert_figures(facts: PeriodFacts, t: Any, members: Mapping[str, list[int]]) -> tuple[list[Figure], list[Probe]]:
    figures, probes = [], []
    for g, ids in members.items():
        if len(ids) < t.min_firms:
            continue
        units = frozenset(ids)
        if len(ids) < t.exact_n_from:
            probes.extend(Probe(f"cert|{s}", tuple((f, 1) for f in sorted(units)), BANDED_N) for s in facts.standards)
            continue
        figures.append(Figure(f"certn|{g}", tuple((f"cert|{s}", units) for s in facts.standards),
                              f"the number of firms in {group_phrase(g)}", len(ids)))
        for s in facts.standards:
            holders = units & facts.certificates.get(s, frozenset())
            figures.append(Figure(f"share|{s}|{g}", ((f"cert|{s}", holders),),
                                  f"the {s} share of {group_phrase(g)}", len(ids)))
    return figures, probes


def _figures(facts: PeriodFacts, t: Any, groups: Mapping[str, Mapping[str, _Group]],
             active: Mapping[str, list[int]]) -> tuple[list[Figure], list[Probe]]:
    figures, probes = _cert_figures(facts, t, active)
    for code in sorted(facts.values):
        kf, kp = _kpi_figures(code, facts, groups[code], t)
        figures += kf
        probes += kp
    return figures, probes


def all_figures(facts: PeriodFacts, t: Any) -> tuple[list[Figure], list[Probe]]:
    """Every figure the period could release (before the audit) and the probes that must stay hidden."""
    return _figures(facts, t, {code: _kpi_groups(code, facts) for code in facts.values}, _active_groups(facts))


def _earlier_figures(current: PeriodFacts, earlier: EarlierRevision, t: Any) -> tuple[list[Figure], list[Probe]]:
    """An earlier revision's released figures as frozen queries; changed values become units of their own."""
    old = earlier.facts
    changed = {code: {f for f, v in vals.items() if f in current.values.get(code, {}) and current.values[code][f] != v}
               for code, vals in old.values.items()}
    figures, _ = all_figures(old, t)
    out = []
    for fig in figures:
        if fig.key not in earlier.released:
            continue
        rows = []
        for system, units in fig.rows:
            moved = changed.get(system.split("|", 1)[1], set()) if system.startswith("sum|") else set()
            rows.append((system, frozenset(OldValue(u, earlier.revision) if u in moved else u for u in units)))
        out.append(Figure(f"r{earlier.revision}|{fig.key}", tuple(rows),
                          f"revision {earlier.revision}: {fig.label}", fig.size, frozen=True))
    probes = [Probe(f"sum|{code}", ((f, 1), (OldValue(f, earlier.revision), -1)), CHANGE)
              for code, firms in sorted(changed.items()) for f in sorted(firms)]
    return out, probes


def _group_releases(facts: PeriodFacts, t: Any, governor: bool,
                    groups: Mapping[str, Mapping[str, _Group]]) -> dict[tuple[str, str], GroupRelease]:
    out = {}
    rule1 = (RULE1_GOVERNOR if governor else RULE1_MEMBER).format(k=t.min_firms)
    for code in sorted(facts.values):
        edges = facts.edges.get(code) or (0.0, 1.0)
        higher = facts.higher.get(code, True)
        for g, group in groups[code].items():
            ids = group.ids
            summary = stats.summary_sorted(group.ordered, group.values)
            ranks = stats.percentile_ranks_sorted(group.values, group.ordered, higher)
            rel = GroupRelease(code, g, ids, summary, _histogram(group, edges, t.min_firms),
                               dict(zip(ids, ranks, strict=True)))
            if len(ids) < t.min_firms:
                rel.withheld = rel.histogram_withheld = rule1
            elif len(ids) < t.exact_n_from:
                rel.histogram_withheld = RULE5_HIST.format(exact=t.exact_n_from)
            out[(code, g)] = rel
    return out


def _share_releases(facts: PeriodFacts, t: Any, members: Mapping[str, list[int]]) -> dict[tuple[str, str], ShareRelease]:
    out = {}
    for g, ids in members.items():
        firms = set(ids)
        for s in facts.standards:
            holding = len(firms & facts.certificates.get(s, frozenset()))
            rel = ShareRelease(g, s, len(ids), holding)
            if len(ids) < t.min_firms:
                rel.withheld = RULE1_SHARE.format(k=t.min_firms)
            elif len(ids) < t.exact_n_from:
                rel.withheld = RULE5_SHARE.format(exact=t.exact_n_from)
            out[(g, s)] = rel
    return out


def plan_release(facts: PeriodFacts, club: Any, *, known: frozenset[int] = frozenset(),
                 earlier: Sequence[EarlierRevision] = (), governor: bool = False) -> ReleasePlan:
    """Compute the period's figures for an audience that knows `known` and audit them all at once.

    Each KPI's groups are gathered once (`_kpi_groups`: values as arrays, sorted once per group) and serve
    the figures (sums, n, histogram bins) and the released statistics, histograms and ranks alike.
    """

    t = Thresholds.from_club(club)
    own = facts.without(frozenset(known))
    groups = {code: _kpi_groups(code, own) for code in own.values}
    active = _active_groups(own)
    figures, probes = _figures(own, t, groups, active)
    for rev in earlier:
        ef, ep = _earlier_figures(own, EarlierRevision(rev.revision, rev.facts.without(frozenset(known)),
                                                       rev.released), t)
        figures += ef
        probes += ep
    withheld = audit(figures, t.min_firms, probes)
    plan = ReleasePlan(own, _group_releases(own, t, governor, groups), _share_releases(own, t, active), withheld)
    for (code, g), rel in plan.stats.items():
        rel.withheld = rel.withheld or withheld.get(f"sum|{code}|{g}")
        rel.n_withheld = withheld.get(f"n|{code}|{g}")
        rel.histogram_withheld = rel.histogram_withheld or rel.withheld or withheld.get(f"hist|{code}|{g}")
    for (g, s), share in plan.shares.items():
        share.withheld = share.withheld or withheld.get(f"share|{s}|{g}")
        share.n_withheld = withheld.get(f"certn|{g}")
    return plan


def released_keys(plan: ReleasePlan, t: Any) -> frozenset[str]:
    """The figure keys this plan released (stored per revision so a republication counts them)."""
    keys = set()
    for (code, g), rel in plan.stats.items():
        if rel.withheld is None:
            keys.add(f"sum|{code}|{g}")
            if len(rel.firm_ids) >= t.exact_n_from:
                if rel.n_withheld is None:
                    keys.add(f"n|{code}|{g}")
                if rel.histogram_withheld is None:
                    keys.add(f"hist|{code}|{g}")
    for (g, s), share in plan.shares.items():
        if share.n_firms >= t.exact_n_from and share.n_withheld is None:
            keys.add(f"certn|{g}")
        if share.withheld is None:
            keys.add(f"share|{s}|{g}")
    return frozenset(keys)


def audit_counts(categories: Mapping[Any, Sequence[Any]], club: Any) -> tuple[dict[Any, int | str], int | str]:
    """A report's category counts (each category: the units in it) and their total, as they may be printed.

    The categories partition the units (e.g. supplier-governor pairs per ladder stage); the total is
    exact only from `exact_n_from` units. A count is withheld when it, or a combination of the printed
    counts, would determine the number of 1 to min_firms-1 units.
    """
    t = Thresholds.from_club(club)
    everyone = frozenset(u for units in categories.values() for u in units)
    figures = [Figure(f"cat|{name}", (("report", frozenset(units)),), f"the count of '{name}'", len(units))
               for name, units in categories.items() if units]
    probes = []
    if len(everyone) >= t.exact_n_from:
        figures.append(Figure("total", (("report", everyone),), "the total", len(everyone)))
    elif everyone:
        probes.append(Probe("report", tuple((u, 1) for u in sorted(everyone, key=repr)), "the exact total"))
    withheld = audit(figures, t.min_firms, probes)
    counts: dict[Any, int | str] = {}
    for name, units in categories.items():
        if f"cat|{name}" not in withheld:
            counts[name] = len(units)
        else:  # a count of 1-4 says so; a larger one withheld only so that a small one stays hidden
            counts[name] = f"fewer than {t.min_firms}" if len(units) < t.min_firms else "withheld"
    total = n_label(len(everyone), t, exact_withheld="total" in withheld) if everyone else 0
    return counts, total

"""The release plan's figures and aggregates equal a straightforward reference computation.

`plan.py` builds every figure of a period from one pass per KPI (numpy for the statistics, bin members
from one bin index per firm). The reference below is the earlier per-figure code, kept verbatim in
plain Python (sorted lists, bisect, one frozenset per bin): for random small clubs (ties, missing
values, firms without groups, certificates, earlier revisions with corrected values, governors) the
figures, probes, withheld keys, statistics, histograms and ranks must be identical, float for float.
"""
from __future__ import annotations

import math
import random
from bisect import bisect_left, bisect_right
from collections import defaultdict

import pytest

from benchclub.benchmarks import plan as plan_module
from benchclub.benchmarks.audit import Figure, OldValue, Probe, audit
from benchclub.benchmarks.disclosure import EarlierRevision, PeriodFacts, Thresholds, plan_release
from benchclub.benchmarks.thresholds import merge_small_bins

STANDARDS = ("ISO 9001", "ISO 14001", "IATF 16949")
EDGES = {"otd_pct": (0.0, 50.0, 70.0, 80.0, 85.0, 90.0, 93.0, 95.0, 97.0, 99.0, 100.0),
         "ppm": (0.0, 100.0, 500.0, 1000.0, 5000.0), "lead": (5.0, 1.0, 10.0, 10.0, 30.0)}  # unsorted, repeated
HIGHER = {"otd_pct": True, "ppm": False, "lead": False}


# --- the reference: the earlier implementation, plain Python ------------------------------------------

def ref_percentile_sorted(ordered, q):
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    fraction = position - low
    a, b = ordered[low], ordered[high]
    result = b - (b - a) * (1 - fraction) if fraction >= 0.5 else a + (b - a) * fraction
    return min(max(result, a), b)


def ref_summary(values):
    ordered = sorted(values)
    out = {name: ref_percentile_sorted(ordered, q)
           for name, q in {"p10": 0.10, "p25": 0.25, "p50": 0.50, "p75": 0.75, "p90": 0.90}.items()}
    out["mean"] = math.fsum(values) / len(values)
    out["n"] = len(values)
    return out


def ref_ranks(values, higher):
    ordered = sorted(values)
    others = len(values) - 1
    if others <= 0:
        return [None] * len(values)
    out = []
    for v in values:
        below = bisect_left(ordered, v)
        above = len(ordered) - bisect_right(ordered, v)
        ties = len(ordered) - below - above - 1
        share = ((below if higher else above) + 0.5 * ties) / others * 100
        out.append(int(math.floor(share + 0.5)))
    return out


def ref_histogram(values, edges, min_count):
    edges = sorted(set(float(e) for e in edges))
    counts = [0] * (len(edges) - 1)
    for v in values:
        counts[min(max(bisect_right(edges, v) - 1, 0), len(counts) - 1)] += 1
    return merge_small_bins([{"lo": edges[i], "hi": edges[i + 1], "count": c} for i, c in enumerate(counts)],
                            min_count)


def ref_members(values, groups_of):
    members = defaultdict(list)
    for firm_id in values:
        for key in groups_of.get(firm_id, ("all",)):
            members[key].append(firm_id)
    return members


def ref_bin_members(values, ids, bins):
    lows = [b["lo"] for b in bins]
    rows = [set() for _ in bins]
    for f in ids:
        rows[min(max(bisect_right(lows, values[f]) - 1, 0), len(bins) - 1)].add(f)
    return [frozenset(r) for r in rows]


def ref_figures(facts, t):
    phrase = plan_module.group_phrase
    figures, probes = [], []
    for g, ids in sorted(ref_members(dict.fromkeys(sorted(facts.active)), facts.groups_of).items()):
        units = frozenset(ids)
        if len(ids) < t.min_firms:
            continue
        if len(ids) < t.exact_n_from:
            probes.extend(Probe(f"cert|{s}", tuple((f, 1) for f in sorted(units)), plan_module.BANDED_N)
                          for s in facts.standards)
            continue
        figures.append(Figure(f"certn|{g}", tuple((f"cert|{s}", units) for s in facts.standards),
                              f"the number of firms in {phrase(g)}", len(ids)))
        for s in facts.standards:
            figures.append(Figure(f"share|{s}|{g}", ((f"cert|{s}", units & facts.certificates.get(s, frozenset())),),
                                  f"the {s} share of {phrase(g)}", len(ids)))
    for code in sorted(facts.values):
        values = facts.values[code]
        edges = facts.edges.get(code) or (0.0, 1.0)
        for g, ids in sorted(ref_members(values, facts.groups_of).items()):
            n, units = len(ids), frozenset(ids)
            if n < t.min_firms:
                continue
            figures.append(Figure(f"sum|{code}|{g}", ((f"sum|{code}", units),), f"{phrase(g)}'s statistics", n))
            if n < t.exact_n_from:
                probes.append(Probe(f"count|{code}", tuple((f, 1) for f in sorted(units)), plan_module.BANDED_N))
                continue
            figures.append(Figure(f"n|{code}|{g}", ((f"count|{code}", units),),
                                  f"the number of firms in {phrase(g)}", n))
            bins = ref_histogram([values[f] for f in ids], edges, t.min_firms)
            rows = tuple((f"count|{code}", r) for r in ref_bin_members(values, ids, bins))
            figures.append(Figure(f"hist|{code}|{g}", rows, f"the histogram of {phrase(g)}", n))
    return figures, probes


def ref_earlier(current, earlier, t):
    old = earlier.facts
    changed = {code: {f for f, v in vals.items() if f in current.values.get(code, {}) and current.values[code][f] != v}
               for code, vals in old.values.items()}
    out = []
    for fig in ref_figures(old, t)[0]:
        if fig.key not in earlier.released:
            continue
        rows = []
        for system, units in fig.rows:
            moved = changed.get(system.split("|", 1)[1], set()) if system.startswith("sum|") else set()
            rows.append((system, frozenset(OldValue(u, earlier.revision) if u in moved else u for u in units)))
        out.append(Figure(f"r{earlier.revision}|{fig.key}", tuple(rows), f"revision {earlier.revision}: {fig.label}",
                          fig.size, frozen=True))
    probes = [Probe(f"sum|{code}", ((f, 1), (OldValue(f, earlier.revision), -1)), plan_module.CHANGE)
              for code, firms in sorted(changed.items()) for f in sorted(firms)]
    return out, probes


def ref_stats(facts, t):
    out = {}
    for code in sorted(facts.values):
        values = facts.values[code]
        edges = facts.edges.get(code) or (0.0, 1.0)
        for g, ids in sorted(ref_members(values, facts.groups_of).items()):
            vals = [values[f] for f in ids]
            out[(code, g)] = (ids, ref_summary(vals), ref_histogram(vals, edges, t.min_firms),
                              dict(zip(ids, ref_ranks(vals, HIGHER.get(code, True)), strict=True)))
    return out


# --- random clubs -------------------------------------------------------------------------------------

def random_facts(rng: random.Random, n: int, values_from=None) -> PeriodFacts:
    groups = {}
    for f in range(n):
        if rng.random() < 0.05:
            continue  # a firm without groups counts in the club only
        keys = ["all", f"sector:{rng.choice('ABC')}", f"country:{rng.choice(('ZA', 'IN'))}"]
        keys += [f"size:{rng.choice(('small', 'large'))}"] if rng.random() < 0.8 else []
        keys += [f"tier:{rng.choice((1, 2))}"] if rng.random() < 0.5 else []
        groups[f] = tuple(keys)
    grid = {"otd_pct": (55.5, 72.25, 81.0, 86.5, 91.0, 94.0, 96.5, 98.0, 99.5, 100.0, 0.0),
            "ppm": (0.0, 12.5, 100.0, 333.3, 700.0, 5000.0, 9000.0), "lead": (0.5, 1.0, 2.0, 7.5, 10.0, 31.0)}
    values = {}
    for code, choices in grid.items():
        if rng.random() < 0.1:
            continue  # a KPI nobody reported
        vals = {f: (rng.choice(choices) if rng.random() < 0.7 else round(rng.uniform(-1, 9999), 3))
                for f in range(n) if rng.random() < 0.85}
        if values_from is not None:  # a later revision: most values as before, a few corrected
            vals = {f: (v if rng.random() < 0.8 else v + 1.0) for f, v in values_from.values.get(code, {}).items()}
        if vals:
            values[code] = vals
    active = frozenset(f for f in range(n) if rng.random() < 0.9)
    certs = {s: frozenset(f for f in active if rng.random() < 0.4) for s in STANDARDS[:2]}  # IATF: no holders
    return PeriodFacts(groups, active, values, EDGES, HIGHER, certs, STANDARDS)


CASES = [(seed, n, exact) for seed in range(12) for n, exact in ((14, 8), (30, 10), (60, 20))]


@pytest.mark.parametrize(("seed", "n", "exact"), CASES)
def test_figures_probes_and_statistics_equal_the_reference(seed, n, exact):
    rng = random.Random(seed)
    facts = random_facts(rng, n)
    t = Thresholds(5, 10, exact)
    figures, probes = plan_module.all_figures(facts, t)
    ref_f, ref_p = ref_figures(facts, t)
    assert figures == ref_f
    assert probes == ref_p
    plan = plan_release(facts, t)
    assert plan.withheld == audit(ref_f, t.min_firms, ref_p)
    expected = ref_stats(facts, t)
    assert list(plan.stats) == list(expected)
    for key, (ids, summary, histogram, ranks) in expected.items():
        rel = plan.stats[key]
        assert rel.firm_ids == ids
        assert rel.summary == summary and all(type(v) is type(summary[k]) for k, v in rel.summary.items())
        assert rel.histogram == histogram
        assert rel.ranks == ranks and list(rel.ranks) == list(ranks)


@pytest.mark.parametrize("seed", range(10))
def test_earlier_revisions_and_governors_equal_the_reference(seed):
    rng = random.Random(100 + seed)
    t = Thresholds(5, 10, 10)
    first = random_facts(rng, 40)
    second = random_facts(rng, 40, values_from=first)
    second = PeriodFacts(first.groups_of, first.active, second.values, first.edges, first.higher,
                         first.certificates, first.standards)
    released = plan_module.released_keys(plan_release(first, t), t)
    earlier = [EarlierRevision(1, first, released)]
    known = frozenset(rng.sample(range(40), 6))
    for who in (frozenset(), known):
        own = second.without(who)
        ref_f, ref_p = ref_figures(own, t)
        ef, ep = ref_earlier(own, EarlierRevision(1, first.without(who), released), t)
        plan = plan_release(second, t, known=who, earlier=earlier, governor=bool(who))
        assert plan.withheld == audit(ref_f + ef, t.min_firms, ref_p + ep)
        got_f, got_p = plan_module._earlier_figures(own, EarlierRevision(1, first.without(who), released), t)
        assert got_f == ef and got_p == ep
        for key, (ids, summary, histogram, ranks) in ref_stats(own, t).items():
            rel = plan.stats[key]
            assert (rel.firm_ids, rel.summary, rel.histogram, rel.ranks) == (ids, summary, histogram, ranks)


def test_shares_equal_the_reference():
    rng = random.Random(7)
    facts = random_facts(rng, 50)
    t = Thresholds(5, 10, 10)
    plan = plan_release(facts, t)
    members = ref_members(dict.fromkeys(sorted(facts.active)), facts.groups_of)
    expected = {(g, s): (len(ids), len(set(ids) & facts.certificates.get(s, frozenset())))
                for g, ids in sorted(members.items()) for s in facts.standards}
    assert {k: (r.n_firms, r.n_holding) for k, r in plan.shares.items()} == expected
    assert list(plan.shares) == list(expected)

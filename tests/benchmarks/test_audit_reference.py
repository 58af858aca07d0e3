"""The faster audit and plan against a frozen copy of the code before the speed work (`audit_reference`).

Withholding is a product decision: on every club the current `plan_release` must withhold exactly the
same figures for the same reasons as the reference, spend exactly the same search steps (so a budget
runs out at the same point) and compute the same statistics. The clubs are random (members, governors,
earlier revisions), random raw figures with probes, frozen figures, changed values and tight budgets,
and the bench's synthetic clubs of 120, 300, 1,000 and 5,000 firms.
"""
from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import numpy as np
import pytest

from benchclub.benchmarks import audit as audit_module
from benchclub.benchmarks import audit_exact, audit_system
from benchclub.benchmarks import plan as plan_module
from benchclub.benchmarks.audit import Figure, OldValue, Probe
from benchclub.benchmarks.disclosure import EarlierRevision, PeriodFacts, Thresholds
from tests.benchmarks.audit_reference import audit as ref_audit
from tests.benchmarks.audit_reference import audit_exact as ref_exact
from tests.benchmarks.audit_reference import audit_system as ref_system
from tests.benchmarks.audit_reference import plan as ref_plan
from tests.benchmarks.test_plan_reference import random_facts


def outcome(plan) -> tuple:
    """Everything an audience is shown or told by a plan."""
    stats = {k: (r.firm_ids, r.summary, r.histogram, r.ranks, r.withheld, r.n_withheld, r.histogram_withheld)
             for k, r in plan.stats.items()}
    shares = {k: (s.n_firms, s.n_holding, s.withheld, s.n_withheld) for k, s in plan.shares.items()}
    return plan.withheld, list(plan.withheld), stats, list(stats), shares, list(shares)


def audited(module, figures, probes, k=5, budget=None) -> tuple[dict, dict]:
    stats: dict = {}
    withheld = module.audit(figures, k, probes, budget=budget, stats=stats)
    return withheld, stats


def assert_same_plans(facts, t, **kwargs):
    new = plan_module.plan_release(facts, t, **kwargs)
    old = ref_plan.plan_release(facts, t, **kwargs)
    assert outcome(new) == outcome(old)
    own = facts.without(kwargs.get("known", frozenset()))
    figures, probes = plan_module.all_figures(own, t)
    assert audited(audit_module, figures, probes, t.min_firms) == audited(ref_audit, figures, probes, t.min_firms)
    return new


@pytest.mark.parametrize("seed", range(16))
def test_random_clubs_withhold_the_same_for_members_governors_and_revisions(seed):
    rng = random.Random(500 + seed)
    n = (14, 30, 60, 120)[seed % 4]
    t = Thresholds(5, 10, (8, 10, 20)[seed % 3])
    first = random_facts(rng, n)
    assert_same_plans(first, t)
    known = frozenset(rng.sample(range(n), max(1, n // 8)))
    assert_same_plans(first, t, known=known, governor=True)
    second = random_facts(rng, n, values_from=first)
    second = PeriodFacts(first.groups_of, first.active, second.values, first.edges, first.higher,
                         first.certificates, first.standards)
    earlier = [EarlierRevision(1, first, plan_module.released_keys(plan_module.plan_release(first, t), t))]
    for who in (frozenset(), known):
        assert_same_plans(second, t, known=who, earlier=earlier, governor=bool(who))


def random_figures(rng: random.Random) -> tuple[list[Figure], list[Probe]]:
    """Crossed groups over sums and counts (with bins), some frozen, some units an earlier revision's values."""
    firms = rng.randrange(10, 70)
    labels = [[rng.randrange(r) for _ in range(firms)] for r in (3, 4, 5)]
    moved = {f for f in range(firms) if rng.random() < 0.1}
    groups = {"all": set(range(firms))}
    for d, dim in enumerate(labels):
        for g in set(dim):
            groups[f"d{d}:{g}"] = {f for f in range(firms) if dim[f] == g}
    value = [rng.randrange(12) for _ in range(firms)]
    figures, probes = [], []
    for g, ids in sorted(groups.items(), key=lambda _: rng.random()):  # any input order
        frozen = rng.random() < 0.15
        figures.append(Figure(f"sum|{g}", (("sum", frozenset(ids)),), f"sum {g}", len(ids), frozen))
        if frozen:
            old = frozenset(OldValue(f, 1) if f in moved else f for f in ids)
            figures.append(Figure(f"r1|sum|{g}", (("sum", old),), f"old sum {g}", len(ids), True))
        if len(ids) < 10:
            probes.append(Probe("count", tuple((f, 1) for f in sorted(ids)), "a banded n"))
            continue
        figures.append(Figure(f"n|{g}", (("count", frozenset(ids)),), f"n {g}", len(ids)))
        if rng.random() < 0.8:
            bins = [frozenset(f for f in ids if value[f] // 4 == b) for b in range(3)]
            figures.append(Figure(f"hist|{g}", tuple(("count", b) for b in bins if b), f"hist {g}", len(ids)))
    probes += [Probe("sum", ((f, 1), (OldValue(f, 1), -1)), "a correction") for f in sorted(moved)]
    return figures, probes


@pytest.mark.parametrize("seed", range(40))
def test_random_figures_and_budgets_give_the_same_violations_and_withholding(seed):
    rng = random.Random(seed)
    figures, probes = random_figures(rng)
    for budget in (None, 0, 50, 400, 3000):
        assert audited(audit_module, figures, probes, budget=budget) == \
            audited(ref_audit, figures, probes, budget=budget)
    shuffled = figures[:]
    rng.shuffle(shuffled)  # the order of the figures never changes the answer (plans list probes in one order)
    assert audited(audit_module, shuffled, probes) == audited(audit_module, figures, probes)
    try:
        expected = ref_audit.find_violations(figures, 5, probes)
    except ref_audit.Unsure:
        with pytest.raises(audit_module.Unsure):
            audit_module.find_violations(figures, 5, probes)
    else:  # the same violations in the same order (the first one a figure takes part in gives its reason)
        fields = [(v.system, v.units, v.figures, v.what) for v in audit_module.find_violations(figures, 5, probes)]
        assert fields == [(v.system, v.units, v.figures, v.what) for v in expected]
    for budget in (20_000, 100_000):  # min_firms 7 takes the older search; its budget runs out on the bigger clubs
        assert audited(audit_module, figures, probes, k=7, budget=budget) == \
            audited(ref_audit, figures, probes, k=7, budget=budget)


def _bench_module():
    path = Path(__file__).resolve().parents[2] / "bench" / "disclosure_audit.py"
    spec = importlib.util.spec_from_file_location("bench_disclosure_audit", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("firms", [120, 300, 1000, 5000])
def test_the_bench_clubs_withhold_the_same(firms):
    """The clubs of `bench/disclosure_audit.py`, for members and for its governor of 200 known firms."""
    facts = _bench_module().synthetic_facts(firms)
    t = Thresholds()
    plan = assert_same_plans(facts, t)
    assert plan.withheld  # the bench clubs do withhold figures: the comparison is not vacuous
    assert_same_plans(facts, t, known=frozenset(range(0, firms, max(3, firms // 200))), governor=True)


def test_reduction_mod_p_and_membership_equal_the_reference():
    rng = np.random.default_rng(3)
    for trial in range(200):
        m, n = int(rng.integers(1, 60)), int(rng.integers(1, 900))
        matrix = (rng.random((m, n)) < rng.choice([0.003, 0.02, 0.2, 0.6])).astype(np.int8)
        if m > 2 and trial % 3 == 0:
            matrix[-1] = matrix[0]  # dependent rows
        p = (2147483647, 2147483629)[trial % 2]
        for got, want in zip(audit_exact._rref_mod(matrix, p), ref_exact._rref_mod(matrix, p), strict=True):
            assert got.dtype == want.dtype and np.array_equal(got, want)
    pick = random.Random(4)
    for trial in range(200):
        def unit(kind=trial % 3):
            return (pick.randrange(40), pick.randrange(-10**12, 10**12), OldValue(pick.randrange(9), 1))[kind] \
                if kind < 2 or pick.random() < 0.5 else pick.randrange(9)
        rows = [frozenset(unit() for _ in range(pick.randrange(12))) for _ in range(pick.randrange(9))]
        got, want = audit_system._membership(rows), ref_system._membership(rows)
        assert np.array_equal(got[0].T, want[0]) and list(got[1]) == list(want[1])  # now units x rows
        assert type(got[1]) is type(want[1])

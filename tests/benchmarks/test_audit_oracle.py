"""An independent brute-force oracle for the release audit (issue 8, DISCLOSURE-AUDIT.md "Testing it").

For random small clubs, every figure released to a member and to a governor is turned into a vector
over FIRMS (no cells, nothing shared with the audit: groups, bins and spans are worked out here), and
every set of 1 to 4 firms is checked, with fractions, for membership in the span of the released sums
and, separately, of the released counts (n, histogram bins; certificate holders per standard).
"""
from __future__ import annotations

from bisect import bisect_right
from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchclub.benchmarks import stats
from benchclub.benchmarks.disclosure import PeriodFacts, Thresholds, plan_release
from tests.linalg import null_space

EDGES = (0.0, 50.0, 70.0, 80.0, 85.0, 90.0, 93.0, 95.0, 97.0, 99.0, 100.0)
STANDARDS = ("ISO 9001", "ISO 14001")
K = 5


def size_band(staff: int) -> str:
    return "micro" if staff < 10 else "small" if staff < 50 else "medium" if staff < 250 else "large"


@st.composite
def clubs(draw):
    n = draw(st.integers(min_value=3, max_value=14))
    firms = []
    for _ in range(n):
        firms.append(dict(sector=draw(st.sampled_from("ABC")), country=draw(st.sampled_from(("ZA", "IN"))),
                          staff=draw(st.sampled_from((5, 30, 120, 400))), tier=draw(st.sampled_from((None, 1, 2))),
                          active=draw(st.integers(0, 5)) > 0,
                          certs={s for s in STANDARDS if draw(st.booleans())},
                          consent=draw(st.integers(0, 3)) == 0))
    # Values drawn from a grid so that bins are crowded and differencing has something to find.
    kpis = {}
    for code in ("otd_pct", "lead_time_days"):
        kpis[code] = {i: draw(st.sampled_from((55.5, 72.25, 81.0, 86.5, 91.0, 94.0, 96.5, 98.0, 99.5)))
                      for i in range(n) if draw(st.integers(0, 5)) > 0}
    exact_n_from = draw(st.sampled_from((8, 10, 20)))  # below 20 only to exercise exact counts in small clubs
    return firms, kpis, exact_n_from


def groups_of(firm: dict) -> list[str]:
    keys = ["all", f"sector:{firm['sector']}", f"size:{size_band(firm['staff'])}", f"country:{firm['country']}"]
    return keys + ([f"tier:{firm['tier']}"] if firm["tier"] else [])


def bin_of(value: float, bins: list[dict]) -> int:
    lows = [b["lo"] for b in bins]
    return min(max(bisect_right(lows, value) - 1, 0), len(bins) - 1)


def derivable_sets(vectors: list[list[int]], firms: list[int]) -> list[tuple[int, ...]]:
    """Every set of 1-4 firms whose indicator lies in the span of the vectors (over `firms`)."""
    if not vectors:
        return []
    basis = null_space(vectors, len(firms))
    out = []
    for size in range(1, K):
        for subset in combinations(range(len(firms)), size):
            if all(sum(b[i] for i in subset) == 0 for b in basis):
                out.append(tuple(firms[i] for i in subset))
    return out


def in_span(vectors: list[list[int]], target: list[int]) -> bool:
    if not vectors:
        return False
    return all(sum(b[i] * t for i, t in enumerate(target)) == 0 for b in null_space(vectors, len(target)))


def _kpi_vectors(code, values, firms, plan, universe, vec, t, spaces, banded):
    sums, counts = spaces.setdefault(f"sum {code}", []), spaces.setdefault(f"count {code}", [])
    for (c, g), rel in plan.stats.items():
        if c != code:
            continue
        members = [f for f in universe if f in values and g in groups_of(firms[f])]
        assert sorted(rel.firm_ids) == members  # computed over the firms the viewer does not know
        assert rel.summary["p50"] == stats.percentile([values[f] for f in members], 0.5)
        if rel.withheld is None:
            sums.append(vec(members))
            if len(members) < t.exact_n_from:
                banded.setdefault(f"count {code}", []).append(vec(members))
        if len(members) >= t.exact_n_from and rel.n_withheld is None:
            counts.append(vec(members))
        if rel.withheld is None and rel.histogram_withheld is None:
            assert len(members) >= t.exact_n_from  # rule 5: no bins for a banded n
            for b in range(len(rel.histogram)):
                counts.append(vec([f for f in members if bin_of(values[f], rel.histogram) == b]))


def released_vectors(firms, kpis, plan, known, t):
    """Sum and count vectors, per linear space, of everything this plan releases; plus banded groups."""
    universe = [i for i in range(len(firms)) if i not in known]
    index = {f: j for j, f in enumerate(universe)}
    spaces: dict[str, list[list[int]]] = {}
    banded: dict[str, list[list[int]]] = {}

    def vec(ids):
        v = [0] * len(universe)
        for f in ids:
            v[index[f]] = 1
        return v

    for code, values in kpis.items():
        _kpi_vectors(code, values, firms, plan, universe, vec, t, spaces, banded)
    for (g, s), share in plan.shares.items():
        members = [f for f in universe if firms[f]["active"] and g in groups_of(firms[f])]
        space = spaces.setdefault(f"cert {s}", [])
        if share.withheld is None:
            assert len(members) >= t.exact_n_from
            space.append(vec([f for f in members if s in firms[f]["certs"]]))
        if len(members) >= t.exact_n_from and share.n_withheld is None:
            space.append(vec(members))
    return universe, spaces, banded


def facts_of(firms, kpis) -> PeriodFacts:
    return PeriodFacts({i: groups_of(f) for i, f in enumerate(firms)},
                       frozenset(i for i, f in enumerate(firms) if f["active"]),
                       {c: dict(v) for c, v in kpis.items() if v}, {c: EDGES for c in kpis}, {c: True for c in kpis},
                       {s: frozenset(i for i, f in enumerate(firms) if f["active"] and s in f["certs"])
                        for s in STANDARDS}, STANDARDS)


def check_audience(firms, kpis, t, known):
    plan = plan_release(facts_of(firms, kpis), t, known=frozenset(known), governor=bool(known))
    universe, spaces, banded = released_vectors(firms, {c: v for c, v in kpis.items() if v}, plan, known, t)
    for name, vectors in spaces.items():
        found = derivable_sets(vectors, universe)
        assert found == [], f"{name}: {found[:3]} derivable from {len(vectors)} released figures"
    for name, targets in banded.items():
        for target in targets:
            assert not in_span(spaces.get(name, []), target), f"{name}: a banded n is exact"


def check_member_and_governor(club):
    """The oracle for a member (nothing known) and, when some firms consent, for their governor."""
    firms, kpis, exact_n_from = club
    t = Thresholds(K, 10, exact_n_from)
    check_audience(firms, kpis, t, known=set())
    known = {i for i, f in enumerate(firms) if f["consent"]}
    if known:
        check_audience(firms, kpis, t, known)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clubs())
def test_no_member_or_governor_can_derive_the_total_or_count_of_one_to_four_firms(club):
    check_member_and_governor(club)


def test_the_oracle_itself_finds_the_cross_dimension_attack():
    # The worked example of DISCLOSURE-AUDIT.md, released without an audit: the oracle must see it.
    sector_a, large, x = list(range(6)), list(range(6, 12)), [12]
    def vec(ids):
        return [1 if i in ids else 0 for i in range(13)]
    vectors = [vec(sector_a + large + x), vec(sector_a), vec(large)]
    assert derivable_sets(vectors, list(range(13))) == [(12,)]

"""Issue 8: the attacks of a determined governor and a curious member who combine what they receive.

Each club is built from scratch with the factories; each test fails on the per-group guard that came
before the release audit (rules 1 and 3 group by group, nested pairs, one dimension at a time).
"""
from __future__ import annotations

import json

import sqlalchemy as sa

from benchclub.benchmarks import stats
from benchclub.benchmarks.dashboard import build_kpi_detail
from benchclub.benchmarks.disclosure import Viewer
from benchclub.catalogue import list_kpis
from benchclub.clubs.services import create_club, create_firm, link_supplier
from benchclub.extensions import db
from benchclub.models import Consent, FirmKind, KpiValue, Role, StageChange
from benchclub.periods.services import close_period, open_period, reopen_period
from benchclub.reports.queries import build_report
from benchclub.reports.spans import parse_span
from tests.factories import make_certificate, make_user

from .helpers import add_value, build_bench_club

MONTH = "2025-01"


def build_club(firms, *, consent=(), link=(), code="AX", kpi="otd_pct", close=True):
    """firms: (sector, country, employees, value) per supplier; the governor links `link`, `consent` consent."""
    club = create_club(code, f"{code} club")
    suppliers = [create_firm(club, f"{code}-S{i:02d}", f"{code} Supplier {i:02d}", FirmKind.SUPPLIER, country, sector,
                             staff) for i, (sector, country, staff, _) in enumerate(firms)]
    governor = create_firm(club, f"{code}-GOV", f"{code} Governor", FirmKind.GOVERNOR, "DE", "Assembly", 5000)
    for i in sorted(set(link) | set(consent)):
        link_supplier(governor, suppliers[i], 1)
    for i in consent:
        db.session.add(Consent(supplier_id=suppliers[i].id, governor_id=governor.id, all_kpis=True))
    users = {"member": make_user(f"m@{code.lower()}.test", Role.MEMBER, firm=suppliers[0]),
             "governor": make_user(f"g@{code.lower()}.test", Role.GOVERNOR, firm=governor)}
    kpis = {k.code: k for k in list_kpis(club)}
    period = open_period(club, MONTH)
    for firm, (*_, value) in zip(suppliers, firms, strict=True):
        add_value(firm, kpis[kpi], period, value)
    db.session.flush()
    if close:
        close_period(club, MONTH)
    db.session.commit()
    return club, suppliers, users, kpis[kpi]


def show(runner, club, group, who, kpi="otd_pct"):
    result = runner.invoke(args=["benchmarks", "show", "--json", "--kpi", kpi, "--period", MONTH, "--club", club.code,
                                 "--group", group, "--as-user", who.email])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def spread(n, start, step=0.37):
    return [round(start + step * i + 0.0013 * i * i, 4) for i in range(n)]


def test_attack3_member_cannot_difference_the_club_a_sector_and_a_size_band(runner):
    # all (17) = sector A (6: small and medium) + large (10: sectors B and C) + X (sector C, small).
    # Each group passes rules 1 and 3, no two nested released groups differ by 1-4 firms, and in each
    # dimension the released groups leave 0 or 5+ firms uncovered; yet all - A - large = X.
    values = spread(17, 80.0)
    firms = ([("A", "ZA", 30 if i < 3 else 100, values[i]) for i in range(6)]
             + [("B" if i < 5 else "C", "ZA", 400, values[6 + i]) for i in range(10)]
             + [("C", "ZA", 30, values[16])])
    club, _, users, _ = build_club(firms)
    released = {g: "mean" in show(runner, club, g, users["member"])["stats"]
                for g in ("all", "sector:A", "size:large")}
    assert not all(released.values()), "all - sector:A - size:large would give firm X's value"


def test_attack4_governor_cannot_difference_nested_groups_around_its_known_suppliers(runner):
    # country ZA (20) = sector A (15) + 5 others, 4 of which consent to the governor: ZA - A - known = 1 firm.
    values = spread(40, 60.0)
    firms = ([("A", "ZA", 30, values[i]) for i in range(15)] + [("B", "ZA", 30, values[15 + i]) for i in range(5)]
             + [("B", "IN", 30, values[20 + i]) for i in range(20)])
    club, _, users, _ = build_club(firms, consent=(15, 16, 17, 18))
    released = {g: "mean" in show(runner, club, g, users["governor"])["stats"] for g in ("country:ZA", "sector:A")}
    assert not all(released.values()), "country:ZA - sector:A - 4 known suppliers would give one firm's value"


def test_attack1_governor_statistics_leave_out_the_suppliers_it_knows(runner):
    values = spread(24, 70.0)
    club, suppliers, users, _ = build_club([("A", "ZA", 30, v) for v in values], consent=(0, 5, 11, 17))
    unknown = [v for i, v in enumerate(values) if i not in (0, 5, 11, 17)]
    out = show(runner, club, "all", users["governor"])
    assert out["stats"]["p50"] == stats.percentile(unknown, 0.5)
    assert out["stats"]["p25"] == stats.percentile(unknown, 0.25)
    assert out["n"] == 20  # the 20 firms it does not know


def test_attack1_revoking_consent_changes_the_governor_figures_at_once(runner):
    values = spread(24, 70.0)
    club, suppliers, users, _ = build_club([("A", "ZA", 30, v) for v in values], consent=(0, 5))
    before = show(runner, club, "all", users["governor"])
    db.session.execute(sa.delete(Consent).where(Consent.supplier_id == suppliers[5].id))
    db.session.commit()
    after = show(runner, club, "all", users["governor"])
    assert before["n"] == 22 and after["n"] == 23
    assert after["stats"]["mean"] == stats.mean([v for i, v in enumerate(values) if i != 0])


def test_attack5_a_banded_group_releases_no_histogram_and_no_certificate_share(db):
    bc = build_bench_club(16, code="BN", kpi_codes=("otd_pct",), close=False)
    for firm in bc.suppliers[:7]:
        make_certificate(firm, number=f"Q-{firm.id}")
    close_period(bc.club, MONTH)
    db.session.commit()
    viewer = Viewer.for_user(bc.users["member"], bc.club)
    detail = build_kpi_detail(viewer, bc.club, bc.kpis["otd_pct"], MONTH, "all")
    assert detail.stat.n == "10-19" and detail.stat.stats  # the statistics themselves are released
    assert detail.stat.histogram is None and "band" in detail.stat.histogram_note
    assert detail.shares and all(s.share is None for s in detail.shares)


def _segments(a, b):
    """Counts of two histograms between the bin edges they share (what a subtraction can isolate)."""
    edges = sorted({x["lo"] for x in a} & {x["lo"] for x in b} | {a[-1]["hi"]})
    out = []
    for lo, hi in zip(edges, edges[1:], strict=False):
        out.append((sum(x["count"] for x in a if lo <= x["lo"] < hi), sum(x["count"] for x in b if lo <= x["lo"] < hi)))
    return out


def test_attack6_club_histogram_minus_a_group_histogram_never_leaves_one_to_four_firms(db):
    # 30 firms: sector A (25) and sector B (5). Two B firms share the band [50, 70) with five A firms.
    a_values = [60.0 + i for i in range(5)] + [85.5 + 0.2 * i for i in range(20)]
    b_values = [61.5, 62.5, 97.2, 97.5, 98.1]
    firms = [("A", "ZA", 30, v) for v in a_values] + [("B", "ZA", 30, v) for v in b_values]
    club, _, users, kpi = build_club(firms)
    viewer = Viewer.for_user(users["member"], club)
    hists = {g: build_kpi_detail(viewer, club, kpi, MONTH, g).stat.histogram for g in ("all", "sector:A", "sector:B")}
    released = {g: h for g, h in hists.items() if h}
    for g in ("sector:A", "sector:B"):
        if "all" in released and g in released:
            for club_count, group_count in _segments(released["all"], released[g]):
                assert not 0 < club_count - group_count < 5, f"all - {g} leaves {club_count - group_count} firms"
    assert any(h for h in hists.values())  # the audit withholds, it does not blank everything


def _derivable(counts, total):
    """A withheld count follows from the total and the others when it is the only one withheld."""
    hidden = [c for c in counts if not isinstance(c, int)]
    return isinstance(total, int) and len(hidden) == 1


def test_attack7_club_report_stage_mix_never_gives_a_small_count_away(db):
    bc = build_bench_club(24, code="RS", kpi_codes=("otd_pct",), consenting=22)  # 23 linked pairs
    for supplier in bc.suppliers[:3]:
        db.session.add(StageChange(governor_id=bc.governor.id, supplier_id=supplier.id, stage=2,
                                   effective_month=MONTH, reason="test"))
    db.session.flush()
    report = build_report(bc.club, parse_span("2025-Q1"))
    counts = [r.count for r in report.stage_mix]
    assert not any(isinstance(c, int) and 0 < c < 5 for c in counts)
    assert not _derivable(counts, report.stage_pairs), (counts, report.stage_pairs)


def test_attack7_member_report_never_prints_or_implies_a_small_reporting_count(db):
    bc = build_bench_club(22, code="RC", kpi_codes=("otd_pct", "lead_time_days"), close=False)
    # Two firms submit nothing: 20 partial returns (2 of the 9 KPIs) and 2 missing ones.
    db.session.execute(sa.delete(KpiValue).where(KpiValue.firm_id.in_([bc.suppliers[1].id, bc.suppliers[2].id])))
    close_period(bc.club, MONTH)
    db.session.commit()
    report = build_report(bc.club, parse_span("2025-Q1"), firm=bc.suppliers[0])
    for _, counts in report.completeness:
        printed = list(counts.values())
        assert not any(isinstance(c, int) and 0 < c < 5 for c in printed), counts
        assert not _derivable(printed, report.n_suppliers), (counts, report.n_suppliers)


def test_attack8_a_republished_period_never_exposes_one_firms_correction(runner):
    bc = build_bench_club(14, code="RV", kpi_codes=("otd_pct",))
    member = bc.users["member"]
    groups = ("all", "sector:Castings", "country:ZA", "size:small")
    before = {g: show(runner, bc.club, g, member) for g in groups}
    reopen_period(bc.club, MONTH, "late correction")
    value = db.session.scalar(sa.select(KpiValue).where(KpiValue.firm_id == bc.suppliers[7].id))
    value.value = 42.4242
    close_period(bc.club, MONTH)
    db.session.commit()
    after = {g: show(runner, bc.club, g, member) for g in groups}
    for g in groups:
        assert not ("mean" in before[g]["stats"] and "mean" in after[g]["stats"]), f"{g}: mean before and after"
    assert any("correction" in s["reason"] for g in groups for s in after[g]["suppressed"])


def test_a_republication_without_changes_releases_the_same_figures(runner):
    bc = build_bench_club(14, code="RN", kpi_codes=("otd_pct",))
    before = show(runner, bc.club, "all", bc.users["member"])
    reopen_period(bc.club, MONTH, "nothing changed after all")
    close_period(bc.club, MONTH)
    db.session.commit()
    assert show(runner, bc.club, "all", bc.users["member"]) == before

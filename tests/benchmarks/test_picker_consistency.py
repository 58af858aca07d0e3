"""The group picker offers a group only when the page then shows it figures, and the page's per-group
second line never undoes what the exact audit released (seen on the demo club: a governor was offered
`country:ZA`, whose every KPI the complement check then suppressed, while the audit had withheld the
whole-club figures instead to keep that group).

Built from scratch: 25 suppliers, 23 in ZA and 2 in DE, 23 in Castings and 2 in Forging (both in ZA), so
the whole club differs from `country:ZA` by the two DE firms and from `sector:Castings` by the two Forging
firms; the governor knows its first 5 suppliers (ZA, Castings), so for it the groups differ by the same
firms. The whole club takes part in both differences, so the audit withholds it and keeps the two groups;
whatever it keeps must reach the viewer, and the picker must offer exactly the groups that show something.
"""
from __future__ import annotations

import sqlalchemy as sa

from benchclub.benchmarks import queries
from benchclub.benchmarks.disclosure import MEMBER, Viewer
from benchclub.extensions import db
from benchclub.models import Snapshot
from tests.factories import PASSWORD

from .helpers import build_bench_club


def _club():
    countries = ["ZA"] * 23 + ["DE"] * 2
    sectors = ["Castings"] * 21 + ["Forging"] * 2 + ["Castings"] * 2
    return build_bench_club(25, kpi_codes=("otd_pct", "inventory_turns"), countries=countries, sectors=sectors,
                            consenting=5)


def _snapshot(bc) -> Snapshot:
    return db.session.scalar(sa.select(Snapshot).where(Snapshot.club_id == bc.club.id, Snapshot.is_current.is_(True)))


def _released_by_group(bc, viewer) -> dict[str, set[str]]:
    """Group -> the KPI codes whose statistics this viewer receives, for every group with statistics."""
    snap = _snapshot(bc)
    out = {}
    for group in sorted(queries.snapshot_group_keys(snap)):
        stats = queries.release_for_snapshots([snap.id], group, viewer, bc.club)
        out[group] = {code for (_, code), rel in stats.items() if rel.released and "mean" in rel.stats}
    return out


def _viewers(bc):
    member = Viewer(MEMBER, bc.club.id, bc.suppliers[10].id)
    return {"member": member, "governor": Viewer.for_governor(bc.governor)}


def test_whole_club_and_country_never_both_reach_a_viewer(db):
    bc = _club()
    for who, viewer in _viewers(bc).items():
        released = _released_by_group(bc, viewer)
        for code in bc.kpis:
            for group, rest in (("country:ZA", "DE firms"), ("sector:Castings", "Forging firms")):
                both = code in released["all"] and code in released[group]
                assert not both, f"{who}: all - {group} isolates the two {rest} for {code}"


def test_the_audit_keeps_one_of_the_pair_and_the_viewer_receives_it(db):
    bc = _club()
    for who, viewer in _viewers(bc).items():
        released = _released_by_group(bc, viewer)
        for code in bc.kpis:
            for group in ("country:ZA", "sector:Castings"):
                kept = [g for g in ("all", group) if code in released[g]]
                assert kept, f"{who}: the audit released one of all/{group} for {code}, the page showed neither"


def test_every_offered_group_shows_figures_and_every_group_with_figures_is_offered(db):
    bc = _club()
    snap = _snapshot(bc)
    for who, viewer in _viewers(bc).items():
        released = _released_by_group(bc, viewer)
        offered = {key for key, _ in queries.group_choices(snap, viewer, bc.club)}
        showing = {g for g, codes in released.items() if codes}
        assert offered == showing, f"{who}: offered {sorted(offered)}, figures in {sorted(showing)}"


def test_the_governor_page_opens_on_a_group_with_figures(client):
    bc = _club()
    client.post("/login", data={"email": bc.users["governor"].email, "password": PASSWORD})
    html = client.get("/benchmarks/governor?kpi=otd_pct").get_data(as_text=True)
    assert "Suppressed: the rest of the club has fewer than 5" not in html


def test_a_club_figure_of_an_earlier_revision_is_never_paired_with_the_group_of_the_next(db):
    """Across revisions: revision 1 (every firm in Castings) can release the whole club and withhold
    `country:ZA`; after two ZA firms move to Forging, revision 2's audit would rather withhold the club and
    keep `country:ZA`. The club figure of revision 1 stays released for ever, and the two DE firms' values
    did not change, so revision 1's club minus revision 2's ZA group would be those two firms. Neither the
    audit nor the complement check may let that pair reach a viewer."""
    from benchclub.periods.services import close_period, reopen_period

    bc = build_bench_club(25, kpi_codes=("otd_pct", "inventory_turns"), countries=["ZA"] * 23 + ["DE"] * 2,
                          consenting=5)
    first = _snapshot(bc)
    for firm in bc.suppliers[21:23]:
        firm.sector = "Forging"
    reopen_period(bc.club, "2025-01", "sector corrected for two firms")
    close_period(bc.club, "2025-01")
    db.session.flush()
    second = _snapshot(bc)
    assert second.id != first.id
    for who, viewer in _viewers(bc).items():
        by_revision = {}
        for snap in (first, second):
            for group in ("all", "country:ZA"):
                stats = queries.release_for_snapshots([snap.id], group, viewer, bc.club)
                by_revision[(snap.revision, group)] = {c for (_, c), r in stats.items() if r.released and "mean" in r.stats}
        for code in bc.kpis:
            for club_rev, group_rev in ((1, 2), (2, 1), (1, 1), (2, 2)):
                both = code in by_revision[(club_rev, "all")] and code in by_revision[(group_rev, "country:ZA")]
                assert not both, f"{who}: club (rev {club_rev}) - country:ZA (rev {group_rev}) isolates the DE firms"

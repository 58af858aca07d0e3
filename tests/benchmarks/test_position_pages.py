"""The member's home page answers 'where do I stand': a bar per KPI, the weakest three, links to KPI pages."""
from benchclub.extensions import db
from benchclub.models import KpiValue

from .helpers import build_bench_club
from .test_attacks import login

CODES = ("otd_pct", "customer_reject_ppm", "internal_scrap_pct", "lead_time_days")


def test_member_home_shows_a_position_per_kpi_and_links_the_weakest_to_their_pages(client):
    bc = build_bench_club(12, kpi_codes=CODES)
    html = login(client, bc.users["member"]).get("/").get_data(as_text=True)
    assert "Where you stand" in html
    assert html.count('data-position="') == 9  # the whole catalogue; KPIs without data say so
    assert html.count('class="bc-qbar"') == len(CODES)
    weakest = html.split("data-weakest>")[1].split("</ol>")[0] if "data-weakest" in html else ""
    for link in weakest.split('href="')[1:]:
        assert link.startswith("/benchmarks/kpi/")
    assert "better than" in html


def test_member_home_says_when_nothing_is_published(client):
    bc = build_bench_club(12, kpi_codes=("otd_pct",), close=False)
    html = login(client, bc.users["member"]).get("/").get_data(as_text=True)
    assert "No benchmarks have been published yet" in html


def test_customer_measurement_appears_beside_own_value_where_it_differs(client):
    bc = build_bench_club(12, kpi_codes=("otd_pct",), close=False)
    kpi, period, me = bc.kpis["otd_pct"], bc.periods["2025-01"], bc.suppliers[0]
    own = db.session.query(KpiValue).filter_by(firm_id=me.id, kpi_id=kpi.id).one()
    db.session.add(KpiValue(firm_id=me.id, kpi_id=kpi.id, period_id=period.id, source_firm_id=bc.governor.id,
                            value=own.value - 7.0, is_nil=False))
    from benchclub.periods.services import close_period
    close_period(bc.club, "2025-01")
    db.session.commit()
    html = login(client, bc.users["member"]).get("/").get_data(as_text=True)
    assert f"Your customer {bc.governor.name} measured" in html
    board = client.get("/benchmarks/?sort=gap").get_data(as_text=True)
    assert "customer:" in board and "data-dashboard-cards" in board


def test_dashboard_sorts_by_gap_or_catalogue(client):
    bc = build_bench_club(12, kpi_codes=CODES)
    login(client, bc.users["member"])
    by_gap = client.get("/benchmarks/?sort=gap").get_data(as_text=True)
    catalogue = client.get("/benchmarks/?sort=catalogue").get_data(as_text=True)
    order = [s.split('"')[0] for s in by_gap.split('<tr data-kpi="')[1:]]
    assert len(order) == 9 and set(order[:4]) == set(CODES)  # KPIs with a released gap come first
    assert [s.split('"')[0] for s in catalogue.split('<tr data-kpi="')[1:]][0] == "inventory_turns"  # no data


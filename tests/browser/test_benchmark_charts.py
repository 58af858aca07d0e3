"""The member's KPI page draws its Plotly charts in a real browser, without script errors."""
from datetime import date

from benchclub.benchmarks.services import load_illustrative_comparator
from benchclub.extensions import db
from benchclub.models import Certificate
from benchclub.periods.services import close_period
from tests.benchmarks.helpers import build_bench_club
from tests.factories import PASSWORD

from .conftest import log_in

MONTHS = ("2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12")


def test_member_kpi_page_renders_its_charts(live_server, app, page, screenshot):
    bc = build_bench_club(24, months=MONTHS, kpi_codes=("otd_pct", "customer_reject_ppm", "inventory_turns"),
                          close=False)
    for i, firm in enumerate(bc.suppliers[:9]):
        db.session.add(Certificate(firm_id=firm.id, standard="ISO 9001" if i % 3 else "IATF 16949", number=f"C{i}",
                                   body="TUV", issued_on=date(2023, 1, 1), expires_on=date(2027, 1, 1)))
    for month in MONTHS:
        close_period(bc.club, month)
    load_illustrative_comparator(bc.club)
    db.session.commit()
    email = bc.users["member"].email
    db.session.close()  # hand the database to the live server's thread
    log_in(page, live_server, email, PASSWORD)
    page.goto(f"{live_server}/benchmarks/")
    assert page.locator("[data-dashboard-table] tbody tr").count() == 9  # every KPI; those without data say so
    screenshot("benchmarks_member_dashboard")
    page.goto(f"{live_server}/benchmarks/kpi/otd_pct")
    page.wait_for_selector(".js-plotly-plot .main-svg")
    assert page.locator(".js-plotly-plot").count() == 3  # certificate shares moved to their own page
    assert page.locator(".js-plotly-plot .legend").count() == 2  # curve and tail over time; bars say "you"
    own = page.evaluate("document.getElementById('distribution').data.filter(t => t.name === 'You')[0]")
    assert own["mode"] == "markers" and len(own["x"]) == 1  # a point on the curve, not a full-width line
    assert "\u25b2 better" in page.evaluate(
        "document.getElementById('distribution').layout.yaxis.title.text")
    screenshot("benchmarks_member_kpi")
    page.goto(f"{live_server}/benchmarks/certificates")
    page.wait_for_selector("#certificates .main-svg")
    screenshot("benchmarks_member_certificates")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server}/benchmarks/")
    assert page.locator("[data-dashboard-cards] .card").first.is_visible()
    assert not page.locator("[data-dashboard-table]").is_visible()  # cards, not a sideways table
    screenshot("benchmarks_member_dashboard_phone")
    assert page.console_errors == []


def test_facilitator_club_pages_render(live_server, app, page, screenshot):
    bc = build_bench_club(16, code="FC", months=MONTHS, kpi_codes=("otd_pct", "lead_time_days"))
    load_illustrative_comparator(bc.club)
    db.session.commit()
    email = bc.users["facilitator"].email
    db.session.close()  # hand the database to the live server's thread
    log_in(page, live_server, email, PASSWORD)
    page.goto(f"{live_server}/benchmarks/club")
    screenshot("benchmarks_club_view")
    overflow = page.evaluate("() => [...document.querySelectorAll('.table-responsive')].map(e => e.scrollWidth - e.clientWidth)")
    assert all(extra <= 1 for extra in overflow), overflow  # every column fits at 1280 px
    more = page.locator("a:has-text('more')")
    assert more.count() >= 1  # a long best-in-class or tail list is cut to 3 names, the rest one click away
    more.first.click()
    assert page.locator("h1").inner_text().startswith(("On-time delivery", "Delivery lead time"))
    page.goto(f"{live_server}/benchmarks/club/kpi/lead_time_days")
    page.wait_for_selector(".js-plotly-plot .main-svg")
    screenshot("benchmarks_club_kpi")
    assert page.console_errors == []

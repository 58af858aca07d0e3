"""Member benchmark pages are cached by published state: served again without rebuilding, revalidated
with 304, and never stale after a publication or an edit they show, nor shared between users."""
import pytest
import sqlalchemy as sa

from benchclub import pagecache
from benchclub.extensions import db
from benchclub.models import KpiDefinition, KpiValue
from benchclub.periods.services import close_period, open_period
from tests.sqlcount import count_statements

from .helpers import add_value, build_bench_club
from .test_attacks import login as _login


def login(client, user):
    """Log in and read the login flash away (a page showing a flash message is never cached)."""
    _login(client, user).get("/")
    return client


@pytest.fixture()
def cache_on(app):
    app.config["PAGE_CACHE"] = True
    app.extensions["page_cache"].clear()
    yield app.extensions["page_cache"]
    app.config["PAGE_CACHE"] = False
    app.extensions["page_cache"].clear()


@pytest.fixture()
def bench(db):
    return build_bench_club(12, kpi_codes=("otd_pct", "customer_reject_ppm"))


def test_second_visit_is_served_from_the_cache_with_far_fewer_statements(client, cache_on, bench):
    login(client, bench.users["member"])
    with count_statements() as first:
        one = client.get("/benchmarks/")
    with count_statements() as second:
        two = client.get("/benchmarks/")
    assert one.status_code == two.status_code == 200 and one.data == two.data
    assert one.headers["ETag"] and one.headers["ETag"] == two.headers["ETag"]
    assert "no-store" in two.headers["Cache-Control"]  # confidential pages are never stored by a browser
    assert second.count < first.count and not any("snapshot" in s.lower() for s in second.statements), second


def test_matching_if_none_match_gets_304_without_a_body(client, cache_on, bench):
    login(client, bench.users["member"])
    etag = client.get("/benchmarks/kpi/otd_pct").headers["ETag"].strip('"')
    resp = client.get("/benchmarks/kpi/otd_pct", headers={"If-None-Match": f'"{etag}"'})
    assert resp.status_code == 304 and resp.data == b""


def test_a_new_publication_changes_the_page(client, cache_on, bench):
    login(client, bench.users["member"])
    before = client.get("/benchmarks/")
    period = open_period(bench.club, "2025-02")
    for firm in bench.suppliers:
        for kpi in bench.kpis.values():
            add_value(firm, kpi, period, kpi.soft_min)
    db.session.flush()
    close_period(bench.club, "2025-02")
    db.session.commit()
    after = client.get("/benchmarks/")
    assert after.headers["ETag"] != before.headers["ETag"] and b"2025-02" in after.data


def test_renaming_a_kpi_changes_the_cached_page(client, cache_on, bench):
    login(client, bench.users["member"])
    assert b"Renamed delivery" not in client.get("/benchmarks/").data
    bench.kpis["otd_pct"].name = "Renamed delivery"
    db.session.commit()
    assert b"Renamed delivery" in client.get("/benchmarks/").data


def test_two_members_never_share_a_cached_page(client, cache_on, bench):
    from benchclub.models import Role
    from tests.factories import make_user

    other = make_user("second@bc.test", Role.MEMBER, firm=bench.suppliers[5])
    db.session.commit()
    mine = login(client, bench.users["member"]).get("/benchmarks/")
    theirs = login(client, other).get("/benchmarks/")
    assert mine.headers["ETag"] != theirs.headers["ETag"]
    assert b"member@bc.test" in mine.data and b"second@bc.test" in theirs.data and b"member@bc.test" not in theirs.data


def test_entering_kpi_values_does_not_invalidate_pages_but_other_changes_do(bench):
    start = pagecache.current_generation()
    period = open_period(bench.club, "2025-03")
    db.session.commit()
    after_open = pagecache.current_generation()
    add_value(bench.suppliers[0], bench.kpis["otd_pct"], period, 95.0)
    db.session.commit()
    db.session.execute(sa.insert(KpiValue), [dict(firm_id=bench.suppliers[1].id, kpi_id=bench.kpis["otd_pct"].id,
                                                  period_id=period.id, source_firm_id=bench.suppliers[1].id,
                                                  value=90.0, is_nil=False)])
    db.session.commit()
    assert after_open == start + 1 and pagecache.current_generation() == after_open
    ppm = bench.kpis["customer_reject_ppm"].id
    db.session.execute(sa.update(KpiDefinition).where(KpiDefinition.id == ppm).values(unit="defects per million"))
    db.session.commit()
    assert pagecache.current_generation() == after_open + 1

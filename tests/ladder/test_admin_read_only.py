"""Issue 13 item 5: the admin reaches every governor page read-only; its views are audited (DOMAIN §5 rule 8).

The access matrix (tests/access/ladder.py, benchmarks.py) checks the status codes per role; these tests
check what the pages hold: the governor's forms for its own staff, none for the admin, every admin POST
refused with nothing written, and one audit entry per admin view (none for the governor's own staff).
"""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from benchclub.extensions import db
from benchclub.ladder.services import ensure_default_ladder, get_current_ladder
from benchclub.ladder.targets import publish_target
from benchclub.ladder.visits import log_visit
from benchclub.models import AuditEntry, Target, Visit
from benchclub.periods.services import close_period
from benchclub.permissions import can_read_governor_pages, is_read_only_governor_view, must_audit_governor_view

from .helpers import put_value

GOVERNOR_PAGES = ["/ladder/", "/ladder/visits", "/ladder/targets", "/ladder/settings", "/benchmarks/governor",
                  "/kpis/measurements"]


def _governor_data(world):
    """GOV-1 has a target, a logged visit to Alpha Castings and its default ladder."""
    g1, a = world.firms["G1"], world.firms["A"]
    ensure_default_ladder(g1)
    publish_target(g1, "otd_pct", 97.5, "from Q3", actor=None)
    log_visit(g1, a, date(2025, 1, 20), "quality", "passed", purpose="Line audit", findings="5S fine", actor=None)
    db.session.commit()


def _view_entries() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "view",
                                                               AuditEntry.entity == "governor_page")))


@pytest.mark.parametrize("path", GOVERNOR_PAGES)
def test_admin_gets_a_governor_picker_that_opens_the_same_page(path, world, login_as):
    client = login_as("admin")
    page = client.get(path).get_data(as_text=True)
    assert "Governor pages (read-only)" in page
    for code in ("GOV-1", "GOV-2", "GOV-3"):
        assert f'{path}?governor={code}"' in page


def test_admin_reads_visits_targets_and_settings_without_any_form(world, login_as):
    _governor_data(world)
    client = login_as("admin")
    visits = client.get("/ladder/visits?governor=GOV-1").get_data(as_text=True)
    assert "Line audit" in visits and "5S fine" in visits and "data-read-only" in visits
    assert 'action="/ladder/visits"' not in visits and "/cadence" not in visits and "Log visit" not in visits
    assert f"/ladder/suppliers/{world.firms['A'].id}?governor=GOV-1" in visits
    targets = client.get("/ladder/targets?governor=GOV-1").get_data(as_text=True)
    assert "97.5" in targets and "from Q3" in targets and "data-read-only" in targets
    assert "/withdraw" not in targets and 'action="/ladder/targets"' not in targets
    settings = client.get("/ladder/settings?governor=GOV-1").get_data(as_text=True)
    assert "<fieldset" in settings and " disabled>" in settings and "data-read-only" in settings
    assert 'value="save"' not in settings and 'value="preview"' not in settings
    for path in GOVERNOR_PAGES:
        assert f'href="{path}?governor=GOV-1"' in settings  # the sub-navigation keeps the governor


def test_the_governor_keeps_its_forms_and_sees_no_read_only_badge(world, login_as):
    _governor_data(world)
    client = login_as("gov_consented")
    visits = client.get("/ladder/visits").get_data(as_text=True)
    assert 'action="/ladder/visits"' in visits and "/cadence" in visits and "data-read-only" not in visits
    targets = client.get("/ladder/targets").get_data(as_text=True)
    assert "/withdraw" in targets and 'action="/ladder/targets"' in targets
    settings = client.get("/ladder/settings").get_data(as_text=True)
    assert 'value="save"' in settings and " disabled>" not in settings


def test_every_admin_post_on_a_governor_page_is_refused_and_writes_nothing(world, login_as):
    _governor_data(world)
    g1, a = world.firms["G1"], world.firms["A"]
    target = db.session.scalar(sa.select(Target).where(Target.governor_id == g1.id))
    version = get_current_ladder(g1).version
    client = login_as("admin")
    posts = [
        ("/ladder/visits?governor=GOV-1", {"supplier_id": a.id, "visited_on": "2025-02-01",
                                           "visitor_role": "quality", "outcome": "passed"}),
        (f"/ladder/suppliers/{a.id}/cadence?governor=GOV-1", {"cadence": "weekly"}),
        ("/ladder/targets?governor=GOV-1", {"kpi_code": "otd_pct", "value": "99"}),
        (f"/ladder/targets/{target.id}/withdraw?governor=GOV-1", {}),
        ("/ladder/settings?governor=GOV-1", {"action": "save"}),
        ("/ladder/settings?governor=GOV-1", {"action": "preview"}),
        ("/ladder/evaluate?governor=GOV-1", {"period": "2025-01"}),
        ("/kpis/measurements?governor=GOV-1&supplier=SUP-A&month=2025-02", {"value-otd_pct": "97"}),
    ]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 403, url
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 1
    assert db.session.get(Target, target.id).value == 97.5
    assert get_current_ladder(g1).version == version
    assert _view_entries() == []  # refused before anything was read


def test_each_admin_view_of_a_governor_page_is_audited_and_the_governors_own_are_not(world, login_as):
    _governor_data(world)
    g1, a = world.firms["G1"], world.firms["A"]
    client = login_as("gov_consented")
    for path in GOVERNOR_PAGES + [f"/ladder/suppliers/{a.id}"]:
        assert client.get(path).status_code == 200, path
    assert _view_entries() == []
    client = login_as("admin")
    for path in GOVERNOR_PAGES:
        assert client.get(path).status_code == 200  # the picker names governors only: not audited
    assert _view_entries() == []
    pages = GOVERNOR_PAGES + [f"/ladder/suppliers/{a.id}"]
    for path in pages:
        assert client.get(f"{path}?governor=GOV-1").status_code == 200, path
    entries = _view_entries()
    assert len(entries) == len(pages)
    admin = world.users["admin"]
    assert all(e.actor_id == admin.id and e.club_id == g1.club_id and e.detail["governor"] == "GOV-1"
               for e in entries)
    assert {e.detail["page"] for e in entries} == {"tier dashboard", "visits", "targets", "ladder settings",
                                                   "benchmarks", "measurements", f"scorecard of {a.code}"}


def test_admin_sees_a_governors_benchmark_page_exactly_as_that_governor(world, login_as):
    a = world.firms["A"]
    put_value(a, "otd_pct", "2025-01", 93.5)
    db.session.commit()
    close_period(world.club, "2025-01")
    db.session.commit()
    url = "/benchmarks/governor?period=2025-01&kpi=otd_pct"
    g1_own = login_as("gov_consented").get(url).get_data(as_text=True)
    g2_own = login_as("gov_no_consent").get(url).get_data(as_text=True)
    admin = login_as("admin")
    g1_admin = admin.get(url + "&governor=GOV-1").get_data(as_text=True)
    g2_admin = admin.get(url + "&governor=GOV-2").get_data(as_text=True)
    assert "Alpha Castings" in g1_own and "93.5" in g1_own  # A consents to G1
    assert "Alpha Castings" in g1_admin and "93.5" in g1_admin
    assert "93.5" not in g2_own and "93.5" not in g2_admin  # ... and not to G2: the admin sees no more
    assert "/benchmarks/download" in g1_own
    admin_links = re.findall(r'href="(/benchmarks/download\.[a-z]+\?[^"]*)"', g1_admin)
    assert len(admin_links) == 2 and all("governor=GOV-1" in link for link in admin_links)  # the admin's copy
    assert 'name="governor" value="GOV-1"' in g1_admin  # the period picker keeps the governor


def test_admin_scorecard_offers_only_the_governors_a_supplier_is_linked_to(world, login_as):
    page = login_as("admin").get(f"/ladder/suppliers/{world.firms['A'].id}").get_data(as_text=True)
    assert "?governor=GOV-1" in page and "?governor=GOV-2" in page and "?governor=GOV-3" not in page


def test_read_only_policies(world):
    admin, g1_staff, g2_staff = world.users["admin"], world.users["gov_consented"], world.users["gov_no_consent"]
    g1 = world.firms["G1"]
    assert can_read_governor_pages(admin) and not can_read_governor_pages(g1_staff)
    assert not can_read_governor_pages(world.users["facilitator"]) and not can_read_governor_pages(
        world.users["member_a"])
    assert is_read_only_governor_view(admin, g1) and not is_read_only_governor_view(g1_staff, g1)
    assert is_read_only_governor_view(g2_staff, g1)
    assert must_audit_governor_view(admin, g1) and not must_audit_governor_view(g1_staff, g1)


def test_admin_reads_a_governors_measurements_with_that_governors_consent_and_no_form(world, login_as):
    a, g1 = world.firms["A"], world.firms["G1"]
    put_value(a, "otd_pct", "2025-02", 91.5)  # self-reported: A shares everything with G1, nothing with G2
    put_value(a, "otd_pct", "2025-02", 88.5, source=g1)  # G1's own measurement
    db.session.commit()
    client = login_as("admin")
    g1_page = client.get("/kpis/measurements?governor=GOV-1&supplier=SUP-A&month=2025-02").get_data(as_text=True)
    g2_page = client.get("/kpis/measurements?governor=gov-2&supplier=SUP-A&month=2025-02").get_data(as_text=True)
    assert "data-read-only" in g1_page and "Gamma Motors&#39;s measurements" in g1_page
    assert 'value="88.5"' in g1_page and "Supplier reported 91.5" in g1_page
    assert "Supplier reported" not in g2_page and 'value="88.5"' not in g2_page
    assert 'method="post" action="/kpis/measurements' not in g1_page and "Save measurements" not in g1_page
    assert 'name="governor" value="GOV-1"' in g1_page  # the supplier and month picker keeps the governor
    own = login_as("gov_consented").get("/kpis/measurements?supplier=SUP-A&month=2025-02").get_data(as_text=True)
    assert "Save measurements" in own and "data-read-only" not in own


def test_admin_downloads_a_governors_benchmarks_exactly_as_that_governor(world, login_as):
    """The governor's CSV/JSON download is part of its benchmark page: the admin gets the same file for
    ?governor=CODE (no more than that governor may see), a picker without a code, and an audit entry."""
    a = world.firms["A"]
    put_value(a, "otd_pct", "2025-01", 93.5)
    db.session.commit()
    close_period(world.club, "2025-01")
    db.session.commit()
    own = {fmt: login_as("gov_no_consent").get(f"/benchmarks/download.{fmt}?period=2025-01") for fmt in ("csv", "json")}
    admin = login_as("admin")
    before = len(_view_entries())
    for fmt in ("csv", "json"):
        got = admin.get(f"/benchmarks/download.{fmt}?period=2025-01&governor=GOV-2")
        assert got.status_code == 200 and own[fmt].status_code == 200
        assert got.get_data() == own[fmt].get_data()
        assert got.headers["Content-Disposition"] == own[fmt].headers["Content-Disposition"]
    assert len(_view_entries()) == before + 2
    picker = admin.get("/benchmarks/download.csv?period=2025-01").get_data(as_text=True)
    assert "/benchmarks/download.csv?governor=GOV-2" in picker
    page = admin.get("/benchmarks/governor?period=2025-01&governor=GOV-2").get_data(as_text=True)
    assert all("governor=GOV-2" in link for link in re.findall(r'href="(/benchmarks/download\.[a-z]+\?[^"]*)"', page))
    assert "/benchmarks/download.csv?" in page

"""The facilitator's club pages over HTTP: what a facilitator can do, and what it cannot."""
import re

import sqlalchemy as sa

from benchclub.models import AuditEntry, Firm, PeriodStatus, SupplyLink, User
from benchclub.periods.services import find_period
from tests.factories import PASSWORD


def test_admin_creates_a_club_and_sees_a_picker_on_club_pages(login_as, client, db):
    login_as("admin")
    resp = client.post("/clubs", data={"code": "C3", "name": "Third Club"}, follow_redirects=True)
    assert b"Club C3 created" in resp.data
    picker = client.get("/club/firms")
    assert b"Choose the club" in picker.data and b"/club/firms?club=C3" in picker.data
    assert client.get("/club/firms?club=NOPE").status_code == 404


def test_admin_cannot_create_a_duplicate_club(login_as, client):
    login_as("admin")
    resp = client.post("/clubs", data={"code": "C1", "name": "Again"})
    assert resp.status_code == 422 and b"already exists" in resp.data


def test_facilitator_sees_only_its_own_clubs_firms(login_as, client):
    login_as("facilitator")
    page = client.get("/club/firms?club=C2").data  # the parameter cannot switch a facilitator's club
    assert b"Alpha Castings" in page and b"Xi Boards" not in page


def test_facilitator_adds_a_firm_and_a_bad_country_is_shown_on_the_field(login_as, client, world, db):
    login_as("facilitator")
    bad = client.post("/club/firms/new", data={"code": "SUP-N", "name": "Nu", "kind": "supplier", "country": "ZAF",
                                               "sector": "Forging", "employees": "8"})
    assert bad.status_code == 422 and b"Use the two-letter ISO code" in bad.data
    bad = client.post("/club/firms/new", data={"code": "SUP-A", "name": "Nu", "kind": "supplier", "country": "ZA",
                                               "sector": "Forging", "employees": "8"})
    assert bad.status_code == 422 and b"already taken" in bad.data
    ok = client.post("/club/firms/new", data={"code": "SUP-N", "name": "Nu", "kind": "supplier", "country": "za",
                                              "sector": "Forging", "employees": "8"})
    assert ok.status_code == 302
    firm = db.session.scalar(sa.select(Firm).where(Firm.code == "SUP-N"))
    assert (firm.club_id, firm.country) == (world.club.id, "ZA")


def test_facilitator_edits_a_firm_but_not_its_code(login_as, client, world, db):
    login_as("facilitator")
    firm_id = world.firms["A"].id
    resp = client.post(f"/club/firms/{firm_id}/edit", data={"code": "HACK", "kind": "governor", "name": "Alpha Ltd",
                                                            "country": "ZA", "sector": "Castings", "employees": "45"})
    assert resp.status_code == 302
    db.session.expire_all()
    firm = db.session.get(Firm, firm_id)
    assert (firm.code, firm.kind.value, firm.name, firm.active) == ("SUP-A", "supplier", "Alpha Ltd", False)


def test_facilitator_links_a_supplier_and_changes_its_tier(login_as, client, world, db):
    login_as("facilitator")
    data = {"governor": world.firms["G3"].id, "supplier": world.firms["B"].id, "tier": 2}
    assert client.post("/club/links", data=data).status_code == 302
    assert client.post("/club/links", data={**data, "tier": 4}).status_code == 302
    link = db.session.scalar(sa.select(SupplyLink).where(SupplyLink.governor_id == world.firms["G3"].id))
    assert link.tier == 4
    page = client.get("/club/links").data.decode()
    assert "Epsilon Trucks" in page and "Tier 4" in page


def test_invitation_link_is_shown_and_lets_the_person_set_a_password(login_as, client, world, db):
    login_as("facilitator")
    resp = client.post("/club/users", data={"email": "new@beta.test", "name": "Nia", "role": "member",
                                            "firm": world.firms["B"].id})
    assert resp.status_code == 200
    link = re.search(r'value="(http://localhost/invite/[^"]+)"', resp.data.decode()).group(1)
    path = link.replace("http://localhost", "")
    client.post("/logout")
    assert client.post(path, data={"password": "a-long-password", "confirm": "a-long-password"}).status_code == 302
    assert client.post("/login", data={"email": "new@beta.test", "password": "a-long-password"}).status_code == 302


def test_invite_with_a_firm_of_the_wrong_kind_is_shown_on_the_firm_field(login_as, client, world):
    login_as("facilitator")
    resp = client.post("/club/users", data={"email": "g@x.test", "role": "governor", "firm": world.firms["A"].id})
    assert resp.status_code == 422 and b"must belong to a governor firm" in resp.data


def test_deactivated_user_cannot_log_in_until_reactivated(login_as, client, world, db):
    login_as("facilitator")
    uid = world.users["member_b"].id
    client.post(f"/club/users/{uid}/deactivate")
    client.post("/logout")
    assert client.post("/login", data={"email": "b@beta.test", "password": PASSWORD}).status_code == 401
    login_as("facilitator")
    client.post(f"/club/users/{uid}/reactivate")
    client.post("/logout")
    assert client.post("/login", data={"email": "b@beta.test", "password": PASSWORD}).status_code == 302


def test_facilitator_cannot_deactivate_itself(login_as, client, world, db):
    login_as("facilitator")
    resp = client.post(f"/club/users/{world.users['facilitator'].id}/deactivate", follow_redirects=True)
    assert b"cannot deactivate your own account" in resp.data
    assert db.session.get(User, world.users["facilitator"].id).active


def test_periods_page_opens_closes_and_reopens_with_a_reason(login_as, client, world, db):
    login_as("facilitator")
    page = client.get("/club/periods").data.decode()
    assert 'value="2025-03"' in page  # the next month is suggested
    assert client.post("/club/periods/open", data={"month": "2025-03"}).status_code == 302
    ask = client.post("/club/periods/2025-03/close")  # nobody reported: it asks first, with the count
    assert ask.status_code == 200 and b"2 of 2 firms" in ask.data
    db.session.expire_all()
    assert find_period(world.club, "2025-03").status == PeriodStatus.OPEN
    assert client.post("/club/periods/2025-03/close", data={"confirm_missing": "1"}).status_code == 200  # stale count
    assert client.post("/club/periods/2025-03/close", data={"confirm_missing": "2"}).status_code == 302
    missing = client.post("/club/periods/2025-03/reopen", data={"reason": ""})
    assert missing.status_code == 422 and b"Give a reason" in missing.data
    db.session.expire_all()
    assert find_period(world.club, "2025-03").status == PeriodStatus.CLOSED
    assert client.post("/club/periods/2025-03/reopen", data={"reason": "B sent late figures"}).status_code == 302
    db.session.expire_all()
    assert find_period(world.club, "2025-03").status == PeriodStatus.OPEN
    log = client.get("/club/audit?entity=period").data.decode()
    assert "B sent late figures" in log and "period 2025-03 reopened" in log


def test_opening_a_malformed_month_is_refused_on_the_field(login_as, client):
    login_as("facilitator")
    resp = client.post("/club/periods/open", data={"month": "March"})
    assert resp.status_code == 422 and b"YYYY-MM" in resp.data


def test_other_clubs_facilitator_cannot_close_this_clubs_period(login_as, client, world, db):
    login_as("other_facilitator")
    client.post("/club/periods/2025-01/close?club=C1")
    db.session.expire_all()
    assert find_period(world.club, "2025-01").status == PeriodStatus.OPEN


def test_facilitator_adds_and_edits_a_kpi(login_as, client, world, db):
    login_as("facilitator")
    data = {"code": "energy_kwh", "name": "Energy", "unit": "kWh per part", "direction": "lower",
            "hard_min": "0", "hard_max": "100", "soft_min": "20", "soft_max": "10", "active": "y"}
    bad = client.post("/club/kpis/new", data=data)
    assert bad.status_code == 422 and b"soft range must lie inside the hard range" in bad.data
    assert client.post("/club/kpis/new", data={**data, "soft_min": "0"}).status_code == 302
    page = client.get("/club/kpis").data.decode()
    assert "energy_kwh" in page and "kWh per part" in page


def test_audit_log_shows_who_changed_what(login_as, client, world):
    login_as("facilitator")
    client.post(f"/club/firms/{world.firms['B'].id}/edit", data={"name": "Beta Plastics SA", "country": "ZA",
                                                                 "sector": "Plastics", "employees": "120",
                                                                 "active": "y"})
    log = client.get("/club/audit").data.decode()
    assert "fac@club.test" in log and "Beta Plastics SA" in log and "SUP-B.name" in log


def test_audit_log_of_one_club_does_not_show_another(login_as, client, db, world):
    db.session.add(AuditEntry(club_id=world.other_club.id, action="update", entity="firm", summary="secret-x"))
    db.session.commit()
    login_as("facilitator")
    assert b"secret-x" not in client.get("/club/audit").data


def test_admin_works_on_the_club_it_chose(login_as, client):
    login_as("admin")
    page = client.get("/club/firms?club=C2").data.decode()
    assert "Xi Boards" in page and "Alpha Castings" not in page
    assert client.post("/club/periods/open?club=C2", data={"month": "2025-05"}).status_code == 302
    assert "2025-05" in client.get("/club/periods?club=C2").data.decode()
    assert "2025-05" not in client.get("/club/periods?club=C1").data.decode()

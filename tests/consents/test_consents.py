"""Consent (DOMAIN §6): a supplier decides per governor; changes take effect at once."""
import pytest
import sqlalchemy as sa

from benchclub.consents import services
from benchclub.errors import DomainError
from benchclub.models import AuditEntry, Consent
from benchclub.permissions import can_view_identified_kpis, consented_kpi_codes


def test_revoking_takes_effect_at_once_for_the_governor(login_as, client, world, db):
    gov, supplier = world.users["gov_consented"], world.firms["A"]
    assert can_view_identified_kpis(gov, supplier, "otd_pct")
    login_as("member_a")
    assert client.post(f"/consents/{world.firms['G1'].id}/revoke").status_code == 302
    db.session.expire_all()
    assert not can_view_identified_kpis(gov, supplier, "otd_pct")
    assert consented_kpi_codes(gov, supplier) == set()
    consent = db.session.scalar(sa.select(Consent).where(Consent.governor_id == world.firms["G1"].id))
    assert consent.revoked_at is not None  # the row is kept


def test_granting_chosen_kpis_shares_only_those(login_as, client, world, db):
    gov, supplier = world.users["gov_no_consent"], world.firms["A"]
    assert not can_view_identified_kpis(gov, supplier)
    login_as("member_a")
    resp = client.post(f"/consents/{world.firms['G2'].id}",
                       data={"scope": "chosen", "kpi_codes": ["otd_pct", "customer_reject_ppm"]})
    assert resp.status_code == 302
    db.session.expire_all()
    assert can_view_identified_kpis(gov, supplier, "otd_pct")
    assert not can_view_identified_kpis(gov, supplier, "internal_scrap_pct")
    assert consented_kpi_codes(gov, supplier) == {"otd_pct", "customer_reject_ppm"}


def test_regranting_after_revoke_clears_revocation_and_audits_both(world, db):
    member, supplier, gov = world.users["member_a"], world.firms["A"], world.firms["G1"]
    services.revoke_consent(supplier, gov, actor=member)
    consent = services.grant_consent(supplier, gov, kpi_codes=None, actor=member)
    assert consent.revoked_at is None and consent.all_kpis
    actions = db.session.execute(sa.select(AuditEntry.action, AuditEntry.old_value, AuditEntry.new_value)
                                 .where(AuditEntry.entity == "consent").order_by(AuditEntry.id)).all()
    assert actions == [("revoke", "all KPIs", "none"), ("grant", "none", "all KPIs")]


def test_choosing_no_kpi_or_unknown_kpis_is_refused(world):
    supplier, gov = world.firms["A"], world.firms["G2"]
    with pytest.raises(DomainError, match="Choose at least one KPI"):
        services.grant_consent(supplier, gov, kpi_codes=[], actor=None)
    with pytest.raises(DomainError, match="Unknown KPI"):
        services.grant_consent(supplier, gov, kpi_codes=["made_up"], actor=None)


def test_consent_for_an_unlinked_governor_is_refused(world):
    with pytest.raises(DomainError):
        services.grant_consent(world.firms["A"], world.firms["G3"], kpi_codes=None, actor=None)


def test_empty_choice_on_the_page_shows_the_error_on_that_governor(login_as, client, world, db):
    login_as("member_a")
    resp = client.post(f"/consents/{world.firms['G2'].id}", data={"scope": "chosen"})
    assert resp.status_code == 422 and b"Choose at least one KPI" in resp.data
    assert not can_view_identified_kpis(world.users["gov_no_consent"], world.firms["A"])


def test_page_lists_only_linked_governors_with_their_state(login_as, client, world):
    login_as("member_a")
    page = client.get("/consents").data.decode()
    assert "Gamma Motors" in page and "Delta Electric" in page and "Epsilon Trucks" not in page
    assert "sharing all KPIs" in page and "not sharing" in page
    login_as("member_b")
    assert "No customer (governor) is linked" in client.get("/consents").data.decode()


def test_unlinked_governor_id_is_not_found_and_nothing_is_written(login_as, client, world, db):
    login_as("member_a")
    assert client.post(f"/consents/{world.firms['G3'].id}", data={"scope": "all"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Consent.id))) == 1

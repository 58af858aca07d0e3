"""Issue 10, rule 8 gaps: identified views by the facilitator are audited; a governor without consent sees no certificates."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from benchclub.extensions import db
from benchclub.models import AuditEntry
from benchclub.workshops import services as workshop_services
from tests.factories import add_value, make_certificate


def _views(entity: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "view",
                                                               AuditEntry.entity == entity)))


def test_reading_the_audit_log_is_audited(client, world, login_as):
    login_as("facilitator")
    assert client.get("/club/audit?actor=fac&action=view").status_code == 200
    entries = _views("audit_log")
    assert len(entries) == 1 and entries[0].actor_id == world.users["facilitator"].id
    assert entries[0].club_id == world.club.id and entries[0].detail == {"actor": "fac", "action": "view"}


def test_reading_a_values_history_is_audited_for_the_facilitator_not_the_member(client, world, login_as):
    value = add_value(world, "A", "otd_pct", "2025-01", 96.5)
    db.session.commit()
    login_as("member_a")
    assert client.get(f"/kpis/values/{value.id}/history").status_code == 200
    assert _views("kpi_value") == []
    login_as("facilitator")
    assert client.get(f"/kpis/values/{value.id}/history").status_code == 200
    entries = _views("kpi_value")
    assert [(e.entity_id, e.actor_id) for e in entries] == [(value.id, world.users["facilitator"].id)]


def test_the_facilitators_workshop_page_is_audited(client, world, login_as):
    workshop = workshop_services.create_workshop(world.club, "otd_pct", "OTD clinic",
                                                 date.today() + timedelta(days=30), host=world.firms["A"],
                                                 invitees=[world.firms["B"]], actor=None)
    db.session.commit()
    login_as("facilitator")
    assert client.get(f"/workshops/{workshop.id}").status_code == 200
    assert [e.entity_id for e in _views("workshop")] == [workshop.id]


def test_audit_page_filters_by_actor_action_entity_and_dates(client, world, login_as):
    login_as("facilitator")
    client.get("/club/audit")  # one 'view' entry by the facilitator, dated today
    today = date.today()
    html = client.get(f"/club/audit?actor=fac%40club&action=view&entity=audit_log&since={today}&until={today}").text
    assert "fac@club.test" in html and "audit log" in html
    html = client.get(f"/club/audit?since={today + timedelta(days=1)}&entity=audit_log").text
    assert "with these filters" in html
    html = client.get("/club/audit?actor=nobody-like-this&entity=audit_log").text
    assert "with these filters" in html


def test_a_governor_without_consent_does_not_see_the_suppliers_certificates(client, world, login_as):
    make_certificate(world.firms["A"], "IATF 16949", number="CERT-SECRET-77")
    db.session.commit()
    a = world.firms["A"]
    page = login_as("gov_no_consent").get(f"/ladder/suppliers/{a.id}").text
    assert "IATF 16949" not in page and "certificates are not shown" in page
    page = login_as("gov_consented").get(f"/ladder/suppliers/{a.id}").text
    assert "IATF 16949" in page

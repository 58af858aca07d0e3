"""Certificates (If-Match on the certificate's version), ladder stages and workshop registration via the API."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from benchclub.extensions import db
from benchclub.ladder.services import record_stage_change
from benchclub.models import AuditEntry, RegistrationStatus
from benchclub.workshops.services import create_workshop
from tests.factories import certificate_of

CERT = {"standard": "iso 9001", "number": "Q-2002", "body": "TÜV", "issued_on": "2024-01-01",
        "expires_on": "2027-06-30", "evidence_note": "renewed"}


def test_certificate_update_needs_the_current_etag(call, world):
    cert = certificate_of(world)
    read = call("member_a", "GET", f"/api/v1/certificates/{cert.id}")
    etag = read.headers["ETag"]
    assert etag == read.get_json()["etag"] and read.get_json()["issued_on"] == "2024-01-01"
    assert call("member_a", "PUT", f"/api/v1/certificates/{cert.id}", json=CERT).status_code == 428
    ok = call("member_a", "PUT", f"/api/v1/certificates/{cert.id}", json=CERT, headers={"If-Match": etag})
    assert ok.status_code == 200 and ok.get_json()["standard"] == "ISO 9001" and ok.headers["ETag"] != etag
    stale = call("member_a", "PUT", f"/api/v1/certificates/{cert.id}", json={**CERT, "number": "Z"},
                 headers={"If-Match": etag})
    assert stale.status_code == 412
    assert db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "certificate",
                                                          AuditEntry.action == "update")).all()


def test_certificate_rules_come_back_as_field_errors(call, world):
    cert = certificate_of(world)
    resp = call("member_a", "PUT", f"/api/v1/certificates/{cert.id}", headers={"If-Match": "*"},
                json={**CERT, "expires_on": "2023-01-01"})
    assert resp.status_code == 422
    assert resp.get_json()["errors"] == [{"field": "expires_on", "reason": "The expiry date is before the issue date."}]
    bad_date = call("member_a", "PUT", f"/api/v1/certificates/{cert.id}", headers={"If-Match": "*"},
                    json={**CERT, "issued_on": "01/02/2024"})
    assert bad_date.status_code == 422 and bad_date.get_json()["errors"][0]["field"] == "issued_on"


def test_governor_reads_supplier_stages_and_history_member_reads_its_own(call, world):
    record_stage_change(world.firms["G1"], world.firms["A"], 2, "2025-01", "self-certified after audit", actor=None)
    db.session.commit()
    stages = call("gov_consented", "GET", "/api/v1/ladder/suppliers").get_json()["items"]
    assert [(s["supplier"], s["stage"], s["stage_name"], s["since"]) for s in stages] == [
        ("SUP-A", 2, "Self-certified", "2025-01")]
    history = call("gov_consented", "GET", "/api/v1/ladder/suppliers/SUP-A/history").get_json()
    assert [(h["stage"], h["effective_month"]) for h in history["items"]] == [(2, "2025-01")]
    assert call("gov_no_consent", "GET", "/api/v1/ladder/suppliers").get_json()["items"][0]["stage"] == 1
    mine = {s["governor"]: s for s in call("member_a", "GET", "/api/v1/ladder/me").get_json()["items"]}
    assert mine["GOV-1"]["stage"] == 2 and mine["GOV-2"]["stage"] == 1
    assert call("gov_consented", "GET", "/api/v1/ladder/suppliers/SUP-B/history").status_code == 404


def test_member_registers_once_and_a_full_workshop_waitlists(call, world):
    workshop = create_workshop(world.club, "otd_pct", "OTD clinic", date.today() + timedelta(days=20), actor=None,
                               capacity=1)
    db.session.commit()
    listed = call("member_a", "GET", "/api/v1/workshops").get_json()["items"]
    assert [(w["id"], w["my_registration"], w["held_on"]) for w in listed] == [
        (workshop.id, None, (date.today() + timedelta(days=20)).isoformat())]
    first = call("member_a", "POST", f"/api/v1/workshops/{workshop.id}/registration")
    assert first.status_code == 201 and first.get_json()["status"] == RegistrationStatus.REGISTERED.value
    assert call("member_a", "POST", f"/api/v1/workshops/{workshop.id}/registration").status_code == 409
    assert call("member_b", "POST", f"/api/v1/workshops/{workshop.id}/registration").get_json()["status"] == \
        RegistrationStatus.WAITLISTED.value
    assert call("member_x", "GET", "/api/v1/workshops").get_json()["items"] == []

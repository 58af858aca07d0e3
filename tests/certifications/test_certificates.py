"""Certificates: members record and correct their own; stale edits are refused; the facilitator sees expiry."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from benchclub.certifications import services
from benchclub.certifications.services import CertificateInput
from benchclub.errors import ConflictError, DomainError
from benchclub.models import AuditEntry, Certificate
from tests.factories import make_certificate

TODAY = date.today()


def _form(**over):
    data = {"standard": "ISO 9001", "number": "Q-77", "body": "SGS", "issued_on": "2024-03-01",
            "expires_on": "2027-02-28", "evidence_note": "Main plant"}
    return {**data, **over}


def test_member_adds_a_certificate_and_sees_its_status(login_as, client, db):
    login_as("member_a")
    resp = client.post("/certificates/new", data=_form(expires_on=(TODAY + timedelta(days=30)).isoformat()),
                       follow_redirects=True)
    page = resp.data.decode()
    assert "ISO 9001 certificate Q-77 saved" in page and ">expiring<" in page
    assert db.session.scalar(sa.select(AuditEntry.summary).where(AuditEntry.entity == "certificate")) \
        == "SUP-A ISO 9001 Q-77"


@pytest.mark.parametrize("over, message", [
    ({"expires_on": "2023-01-01"}, b"expiry date is before the issue date"),
    ({"standard": "ISO 27001"}, b"Not a valid choice"),
    ({"issued_on": "01/03/2024"}, b"Give the issue date"),
    ({"number": ""}, b"This field is required"),
])
def test_bad_certificate_input_is_refused_with_a_message(login_as, client, db, over, message):
    login_as("member_a")
    resp = client.post("/certificates/new", data=_form(**over))
    assert resp.status_code == 422 and message in resp.data
    assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 0


def test_edit_is_audited_field_by_field(login_as, client, world, db):
    cert = make_certificate(world.firms["A"])
    db.session.commit()
    login_as("member_a")
    resp = client.post(f"/certificates/{cert.id}/edit",
                       data=_form(number="Q-1001", body="SGS", issued_on="2024-01-01", expires_on="2028-01-01",
                                  evidence_note="", version=cert.version))
    assert resp.status_code == 302
    updates = db.session.execute(sa.select(AuditEntry.summary, AuditEntry.old_value, AuditEntry.new_value)
                                 .where(AuditEntry.action == "update")).all()
    assert updates == [("SUP-A ISO 9001 expires_on", "2027-01-01", "2028-01-01")]


def test_a_stale_edit_is_refused_not_silently_saved(login_as, client, world, db):
    cert = make_certificate(world.firms["A"])
    db.session.commit()
    stale_version = cert.version
    services.update_certificate(cert, CertificateInput("ISO 9001", "Q-1001", "TUV", cert.issued_on, cert.expires_on),
                                expected_version=stale_version, actor=None)
    db.session.commit()
    login_as("member_a")
    resp = client.post(f"/certificates/{cert.id}/edit", data=_form(body="Bureau Veritas", version=stale_version))
    assert resp.status_code == 409
    assert b"Someone else changed this certificate" in resp.data and b"Saved now" in resp.data
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).body == "TUV"


def test_update_service_raises_conflict_on_old_version(world):
    cert = make_certificate(world.firms["A"])
    with pytest.raises(ConflictError):
        services.update_certificate(cert, CertificateInput("ISO 9001", "Q", "B", cert.issued_on, cert.expires_on),
                                    expected_version=cert.version - 1, actor=None)


def test_member_cannot_edit_another_firms_certificate(login_as, client, world, db):
    cert = make_certificate(world.firms["A"])
    db.session.commit()
    login_as("member_b")
    assert client.post(f"/certificates/{cert.id}/edit", data=_form(version=cert.version)).status_code == 403
    assert b"Q-1001" not in client.get("/certificates").data


def test_delete_removes_and_audits(login_as, client, world, db):
    cert = make_certificate(world.firms["A"])
    db.session.commit()
    login_as("member_a")
    assert client.post(f"/certificates/{cert.id}/delete").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 0
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.entity == "certificate")
                             .order_by(AuditEntry.id.desc()).limit(1)) == "delete"


def test_certificates_are_only_for_suppliers(world):
    with pytest.raises(DomainError):
        make_certificate(world.firms["G1"])


def test_facilitator_sees_expiring_and_expired_certificates_of_its_club_only(login_as, client, world, db):
    make_certificate(world.firms["A"], number="SOON", expires=TODAY + timedelta(days=60))
    make_certificate(world.firms["B"], "ISO 14001", number="GONE", expires=TODAY - timedelta(days=1),
                     issued=date(2020, 1, 1))
    make_certificate(world.firms["B"], number="LATER", expires=TODAY + timedelta(days=200))
    make_certificate(world.firms["X"], number="OTHER-CLUB", expires=TODAY + timedelta(days=10))
    db.session.commit()
    login_as("facilitator")
    page = client.get("/club/certificates").data.decode()
    assert "SOON" in page and "GONE" in page
    assert "LATER" not in page and "OTHER-CLUB" not in page
    assert db.session.scalar(sa.select(AuditEntry.summary).where(AuditEntry.action == "view")) \
        == "expiring certificates list"


def test_home_panels_show_member_expiry_and_facilitator_count(login_as, client, world, db):
    make_certificate(world.firms["A"], number="SOON", expires=TODAY + timedelta(days=60))
    make_certificate(world.firms["A"], "IATF 16949", number="FINE", expires=TODAY + timedelta(days=400))
    db.session.commit()
    login_as("member_a")
    home = client.get("/").data.decode()
    assert "SOON" in home and "FINE" not in home
    login_as("member_b")
    assert "No certificates recorded yet" in client.get("/").data.decode()
    login_as("facilitator")
    home = client.get("/").data.decode()
    assert "expiring within 90 days" in home


def test_count_expiring_excludes_expired(world, db):
    make_certificate(world.firms["A"], number="SOON", expires=TODAY + timedelta(days=90))
    make_certificate(world.firms["A"], number="GONE", expires=TODAY - timedelta(days=1), issued=date(2020, 1, 1))
    assert services.count_expiring(world.club.id, TODAY) == 1
    assert len(services.list_expiring(world.club, TODAY)) == 2

"""Certificates: add, edit (optimistic locking), delete, list, and the club-wide expiry watch."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from ..audit import record
from ..errors import ConflictError, DomainError
from ..extensions import db
from ..models import DEFAULT_STANDARDS, Certificate, Club, Firm, User
from ..models.certification import EXPIRING_WITHIN_DAYS

FIELDS = ("standard", "number", "body", "issued_on", "expires_on", "evidence_note")


@dataclass
class CertificateInput:
    """The fields a member (or an import row) gives for one certificate."""

    standard: str
    number: str
    body: str
    issued_on: date | None
    expires_on: date | None
    evidence_note: str = ""


def canonical_standard(text: str) -> str:
    """The offered standard matching the text (case and spacing ignored), or a clear error."""
    wanted = " ".join((text or "").split()).lower()
    for standard in DEFAULT_STANDARDS:
        if standard.lower() == wanted:
            return standard
    raise DomainError(f"'{text}' is not one of the standards offered: {', '.join(DEFAULT_STANDARDS)}.",
                      field="standard")


def validate(data: CertificateInput) -> CertificateInput:
    """Check a certificate's fields; return them normalised."""
    standard = canonical_standard(data.standard)
    number, body = (data.number or "").strip(), (data.body or "").strip()
    if not number:
        raise DomainError("Give the certificate number.", field="number")
    if not body:
        raise DomainError("Give the certification body that issued it.", field="body")
    if data.issued_on is None:
        raise DomainError("Give the issue date.", field="issued_on")
    if data.expires_on is None:
        raise DomainError("Give the expiry date.", field="expires_on")
    if data.expires_on < data.issued_on:
        raise DomainError("The expiry date is before the issue date.", field="expires_on")
    return CertificateInput(standard, number[:80], body[:120], data.issued_on, data.expires_on,
                            (data.evidence_note or "").strip())


def _check_firm(firm: Firm) -> None:
    if not firm.is_supplier:
        raise DomainError(f"{firm.code} is a governor; certificates are recorded for supplier firms.", field="firm")


def add_certificate(firm: Firm, data: CertificateInput, *, actor: User | None) -> Certificate:
    """Record a new certificate of a supplier firm."""
    _check_firm(firm)
    clean = validate(data)
    cert = Certificate(firm=firm, **{f: getattr(clean, f) for f in FIELDS})
    db.session.add(cert)
    db.session.flush()
    record(actor, "create", "certificate", cert.id, club_id=firm.club_id,
           summary=f"{firm.code} {clean.standard} {clean.number}", new=f"{clean.issued_on} to {clean.expires_on}")
    return cert


def update_certificate(cert: Certificate, data: CertificateInput, *, expected_version: int | None,
                       actor: User | None) -> Certificate:
    """Change a certificate; refuse when someone saved it since the editor loaded it."""
    if expected_version is not None and expected_version != cert.version:
        raise ConflictError("Someone else changed this certificate since you opened it. "
                            "Its current details are shown; check them and save again.", field="version")
    clean = validate(data)
    for attr in FIELDS:
        old, new = getattr(cert, attr), getattr(clean, attr)
        if old != new:
            record(actor, "update", "certificate", cert.id, club_id=cert.firm.club_id,
                   summary=f"{cert.firm.code} {cert.standard} {attr}", old=old, new=new)
            setattr(cert, attr, new)
    db.session.flush()
    return cert


def delete_certificate(cert: Certificate, *, actor: User | None) -> None:
    """Remove a certificate recorded by mistake; the audit log keeps what it said."""
    record(actor, "delete", "certificate", cert.id, club_id=cert.firm.club_id,
           summary=f"{cert.firm.code} {cert.standard} {cert.number}",
           old=f"{cert.standard} {cert.number} {cert.body} {cert.issued_on} to {cert.expires_on}")
    db.session.delete(cert)
    db.session.flush()


def list_certificates(firm: Firm) -> list[Certificate]:
    """A firm's certificates, soonest expiry first."""
    query = sa.select(Certificate).where(Certificate.firm_id == firm.id)
    return list(db.session.scalars(query.order_by(Certificate.expires_on, Certificate.standard)))


def list_expiring(club: Club, today: date, *, within_days: int = EXPIRING_WITHIN_DAYS) -> list[Certificate]:
    """Every certificate of the club's firms that has expired or expires within `within_days`."""
    limit = today + timedelta(days=within_days)
    query = (
        sa.select(Certificate).join(Firm, Certificate.firm_id == Firm.id)
        .where(Firm.club_id == club.id, Certificate.expires_on <= limit)
        .order_by(Certificate.expires_on, Firm.code)
    )
    return list(db.session.scalars(query))


def count_expiring(club_id: int, today: date, *, within_days: int = EXPIRING_WITHIN_DAYS) -> int:
    """How many certificates of the club expire within `within_days` (not yet expired)."""
    query = (
        sa.select(sa.func.count(Certificate.id)).join(Firm, Certificate.firm_id == Firm.id)
        .where(Firm.club_id == club_id, Certificate.expires_on >= today,
               Certificate.expires_on <= today + timedelta(days=within_days))
    )
    return db.session.scalar(query) or 0

"""Certificates held by firms (ISO 9001 and friends)."""
from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import utcnow
from .club import Firm

EXPIRING_WITHIN_DAYS = 90
DEFAULT_STANDARDS = (
    "ISO 9001",
    "IATF 16949",
    "ISO 14001",
    "ISO 45001",
    "SA8000",
    "FSSC 22000 / HACCP",
    "VDA 6.3",
)


class CertificateStatus(str, enum.Enum):
    NOT_YET_VALID = "not yet valid"
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"


def certificate_status(issued_on: date, expires_on: date, on: date) -> CertificateStatus:
    """Valid between issue and expiry, expiring within 90 days of expiry, expired after."""
    if on < issued_on:
        return CertificateStatus.NOT_YET_VALID
    if on > expires_on:
        return CertificateStatus.EXPIRED
    if on >= expires_on - timedelta(days=EXPIRING_WITHIN_DAYS):
        return CertificateStatus.EXPIRING
    return CertificateStatus.VALID


class Certificate(db.Model):
    """A firm's certificate against a standard, with its validity dates."""

    __tablename__ = "certificates"
    __table_args__ = (sa.CheckConstraint("expires_on >= issued_on", name="dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"), index=True)
    standard: Mapped[str] = mapped_column(sa.String(60))
    number: Mapped[str] = mapped_column(sa.String(80))
    body: Mapped[str] = mapped_column(sa.String(120))
    issued_on: Mapped[date] = mapped_column(sa.Date)
    expires_on: Mapped[date] = mapped_column(sa.Date)
    evidence_note: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    firm: Mapped[Firm] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def status_on(self, on: date) -> CertificateStatus:
        return certificate_status(self.issued_on, self.expires_on, on)

    def is_valid_on(self, on: date) -> bool:
        """Valid or expiring both count as holding the certificate."""
        return self.status_on(on) in (CertificateStatus.VALID, CertificateStatus.EXPIRING)

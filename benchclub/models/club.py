"""Clubs, firms and the supply links between governors and their suppliers."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import utcnow

# Disclosure defaults (DOMAIN §5); a club may only raise them.
DEFAULT_MIN_FIRMS = 5
DEFAULT_MIN_FIRMS_TAILS = 10
DEFAULT_EXACT_N_FROM = 20


class FirmKind(str, enum.Enum):
    """A firm is an SME supplier or a governing lead firm."""

    SUPPLIER = "supplier"
    GOVERNOR = "governor"


class VisitCadence(str, enum.Enum):
    """How often a governor means to visit a supplier."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


SIZE_BANDS = (("micro", 0, 9), ("small", 10, 49), ("medium", 50, 249), ("large", 250, None))


def size_band_for(employees: int | None) -> str | None:
    """Size band from head count (micro <10, small 10-49, medium 50-249, large 250+)."""
    if employees is None:
        return None
    for name, low, high in SIZE_BANDS:
        if employees >= low and (high is None or employees <= high):
            return name
    return None


class Club(db.Model):
    """A benchmarking club run by a facilitator."""

    __tablename__ = "clubs"
    __table_args__ = (
        sa.CheckConstraint(f"min_firms >= {DEFAULT_MIN_FIRMS}", name="min_firms_floor"),
        sa.CheckConstraint(f"min_firms_tails >= {DEFAULT_MIN_FIRMS_TAILS}", name="min_firms_tails_floor"),
        sa.CheckConstraint(f"exact_n_from >= {DEFAULT_EXACT_N_FROM}", name="exact_n_from_floor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    min_firms: Mapped[int] = mapped_column(default=DEFAULT_MIN_FIRMS)
    min_firms_tails: Mapped[int] = mapped_column(default=DEFAULT_MIN_FIRMS_TAILS)
    exact_n_from: Mapped[int] = mapped_column(default=DEFAULT_EXACT_N_FROM)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # IANA zone in which the club's pages show times (stored in UTC); dates are the same everywhere
    time_zone: Mapped[str] = mapped_column(sa.String(40), default="UTC", server_default="UTC")

    firms: Mapped[list[Firm]] = relationship(back_populates="club", order_by="Firm.code")

    def __repr__(self) -> str:
        return f"<Club {self.code}>"


class Firm(db.Model):
    """An SME supplier or a governor firm; belongs to exactly one club."""

    __tablename__ = "firms"

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(sa.ForeignKey("clubs.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[FirmKind] = mapped_column(sa.Enum(FirmKind, native_enum=False, length=16))
    country: Mapped[str] = mapped_column(sa.String(2))
    sector: Mapped[str] = mapped_column(sa.String(80))
    employees: Mapped[int | None] = mapped_column(default=None)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    club: Mapped[Club] = relationship(back_populates="firms")

    @property
    def size_band(self) -> str | None:
        """Derived from employees so it can never disagree with them."""
        return size_band_for(self.employees)

    @property
    def is_supplier(self) -> bool:
        return self.kind == FirmKind.SUPPLIER

    @property
    def is_governor(self) -> bool:
        return self.kind == FirmKind.GOVERNOR

    def __repr__(self) -> str:
        return f"<Firm {self.code}>"


class SupplyLink(db.Model):
    """A governor's link to one of its suppliers, with the supplier's tier in that chain."""

    __tablename__ = "supply_links"
    __table_args__ = (
        sa.UniqueConstraint("governor_id", "supplier_id"),
        sa.CheckConstraint("tier BETWEEN 1 AND 4", name="tier_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    governor_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"), index=True)
    tier: Mapped[int] = mapped_column()
    visit_cadence: Mapped[VisitCadence | None] = mapped_column(
        sa.Enum(VisitCadence, native_enum=False, length=16), default=None
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    governor: Mapped[Firm] = relationship(foreign_keys=[governor_id])
    supplier: Mapped[Firm] = relationship(foreign_keys=[supplier_id])

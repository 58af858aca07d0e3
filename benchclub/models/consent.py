"""A supplier's consent for a governor to see its identified self-reported KPIs (DOMAIN §6)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import utcnow
from .club import Firm


class Consent(db.Model):
    """One row per supplier and governor; revoking keeps the row with revoked_at set."""

    __tablename__ = "consents"
    __table_args__ = (sa.UniqueConstraint("supplier_id", "governor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"), index=True)
    governor_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"), index=True)
    all_kpis: Mapped[bool] = mapped_column(default=True)
    kpi_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    granted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), default=None)

    supplier: Mapped[Firm] = relationship(foreign_keys=[supplier_id])
    governor: Mapped[Firm] = relationship(foreign_keys=[governor_id])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def covers(self, kpi_code: str) -> bool:
        """True when this live consent lets the governor see that KPI."""
        return self.is_active and (self.all_kpis or kpi_code in (self.kpi_codes or []))

"""KPI catalogue, periods and the monthly values firms and governors report."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import utcnow
from .club import Club, Firm
from .user import User


class Direction(str, enum.Enum):
    """Whether a higher or a lower value is better."""

    HIGHER = "higher"
    LOWER = "lower"


class PeriodStatus(str, enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class KpiDefinition(db.Model):
    """One KPI in a club's catalogue (DOMAIN §3)."""

    __tablename__ = "kpi_definitions"
    __table_args__ = (sa.UniqueConstraint("club_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(sa.ForeignKey("clubs.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(120))
    unit: Mapped[str] = mapped_column(sa.String(60))
    direction: Mapped[Direction] = mapped_column(sa.Enum(Direction, native_enum=False, length=8))
    definition: Mapped[str] = mapped_column(sa.Text, default="")
    hard_min: Mapped[float] = mapped_column(sa.Float)
    hard_max: Mapped[float] = mapped_column(sa.Float)
    soft_min: Mapped[float] = mapped_column(sa.Float)
    soft_max: Mapped[float] = mapped_column(sa.Float)
    governor_measurable: Mapped[bool] = mapped_column(default=False)
    # Fixed histogram bin edges (DOMAIN §5 rule 4), ascending.
    bin_edges: Mapped[list[float]] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    club: Mapped[Club] = relationship()

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER

    def __repr__(self) -> str:
        return f"<KPI {self.code}>"


class Period(db.Model):
    """A calendar month of a club, open for entry until the facilitator closes it."""

    __tablename__ = "periods"
    __table_args__ = (sa.UniqueConstraint("club_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(sa.ForeignKey("clubs.id"), index=True)
    month: Mapped[str] = mapped_column(sa.String(7))  # YYYY-MM
    status: Mapped[PeriodStatus] = mapped_column(
        sa.Enum(PeriodStatus, native_enum=False, length=8), default=PeriodStatus.OPEN
    )
    due_on: Mapped[date] = mapped_column(sa.Date)
    opened_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), default=None)
    # How often the period was reopened: the close after a reopening publishes a new benchmark revision.
    reopen_count: Mapped[int] = mapped_column(default=0, server_default="0")

    club: Mapped[Club] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status == PeriodStatus.OPEN

    def __repr__(self) -> str:
        return f"<Period {self.month} {self.status.value}>"


class KpiValue(db.Model):
    """A firm's value for one KPI and month, self-reported or measured by a governor.

    `source_firm_id` equals `firm_id` for a self-reported value and names the governor otherwise;
    keeping it non-null lets the unique constraint hold on every database.
    """

    __tablename__ = "kpi_values"
    __table_args__ = (
        sa.UniqueConstraint("firm_id", "kpi_id", "period_id", "source_firm_id"),
        sa.CheckConstraint("(is_nil AND value IS NULL) OR (NOT is_nil AND value IS NOT NULL)", name="nil_xor_value"),
        sa.Index("ix_kpi_values_period_kpi", "period_id", "kpi_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"), index=True)
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("kpi_definitions.id"))
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("periods.id"))
    source_firm_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"))
    value: Mapped[float | None] = mapped_column(sa.Float, default=None)
    is_nil: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    flagged: Mapped[bool] = mapped_column(default=False)  # outside the soft range
    version: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    firm: Mapped[Firm] = relationship(foreign_keys=[firm_id])
    source_firm: Mapped[Firm] = relationship(foreign_keys=[source_firm_id])
    kpi: Mapped[KpiDefinition] = relationship()
    period: Mapped[Period] = relationship()
    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_self_reported(self) -> bool:
        return self.source_firm_id == self.firm_id

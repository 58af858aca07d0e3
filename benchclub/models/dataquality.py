"""The facilitator's data-quality desk: decisions on questionable values, and when each month was submitted."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import utcnow
from .club import Firm
from .kpi import KpiDefinition, Period
from .user import User


class CheckKind(str, enum.Enum):
    """Why a value is on the desk."""

    SOFT_RANGE = "soft_range"  # outside the KPI's soft range (DOMAIN §3)
    JUMP = "jump"  # far from the firm's own recent months
    DISAGREEMENT = "disagreement"  # a governor measured something else than the firm reported


class CheckStatus(str, enum.Enum):
    ACCEPTED = "accepted"
    QUERIED = "queried"
    ANSWERED = "answered"


class DataCheck(db.Model):
    """The facilitator's decision on one questionable value: accepted, or queried (and the member's answer).

    `value` is the value decided on: if the firm changes it later, the item returns to the queue.
    """

    __tablename__ = "data_checks"
    __table_args__ = (sa.UniqueConstraint("firm_id", "period_id", "kpi_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"), index=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("periods.id"), index=True)
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("kpi_definitions.id"))
    kind: Mapped[CheckKind] = mapped_column(sa.Enum(CheckKind, native_enum=False, length=16))
    status: Mapped[CheckStatus] = mapped_column(sa.Enum(CheckStatus, native_enum=False, length=16))
    value: Mapped[float | None] = mapped_column(sa.Float, default=None)
    question: Mapped[str] = mapped_column(sa.Text, default="")
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), default=None)

    firm: Mapped[Firm] = relationship()
    period: Mapped[Period] = relationship()
    kpi: Mapped[KpiDefinition] = relationship()
    decided_by: Mapped[User | None] = relationship()


class MonthSubmission(db.Model):
    """When a firm first entered a month and when it was first complete: timeliness (on time, late, missing)."""

    __tablename__ = "month_submissions"
    __table_args__ = (sa.UniqueConstraint("firm_id", "period_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"), index=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("periods.id"), index=True)
    first_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), default=None)

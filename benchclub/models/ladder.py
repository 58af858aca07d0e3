"""Governor supplier ladders: stages and criteria as data, evaluations, stage history, visits, targets."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import utcnow
from .club import Firm
from .user import User


class CriterionKind(str, enum.Enum):
    """The kinds of ladder criteria a governor can configure."""

    KPI_THRESHOLD = "kpi_threshold"  # params: kpi_code, op ("<=" or ">="), threshold, months
    CERTIFICATE = "certificate"  # params: standards (any of)
    MONTHS_AT_STAGE = "months_at_stage"  # params: months (at the previous stage)
    VISIT = "visit"  # params: visitor_role, outcome, months
    ACTIONS_COMPLETED = "actions_completed"  # params: count, months
    WORKSHOPS_ATTENDED = "workshops_attended"  # params: count, months


class Recommendation(str, enum.Enum):
    PROMOTE = "promote"
    HOLD = "hold"
    DEMOTE = "demote"


class DecisionStatus(str, enum.Enum):
    """Where a recommendation stands; a hold is recorded as NOTED because there is nothing to decide."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"
    NOTED = "noted"


class VisitorRole(str, enum.Enum):
    MATERIALS = "materials"
    QUALITY = "quality"


class VisitOutcome(str, enum.Enum):
    PASSED = "passed"
    FOLLOW_UP = "follow-up"
    FAILED = "failed"


class Ladder(db.Model):
    """One version of a governor's ladder; editing creates a new version."""

    __tablename__ = "ladders"
    __table_args__ = (sa.UniqueConstraint("governor_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    governor_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    is_current: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    # the latest closed period when this version was saved: it applies only to later periods (None: from the start)
    effective_after: Mapped[str | None] = mapped_column(sa.String(7), default=None)

    stages: Mapped[list[LadderStage]] = relationship(
        back_populates="ladder", cascade="all, delete-orphan", order_by="LadderStage.number"
    )
    criteria: Mapped[list[LadderCriterion]] = relationship(
        back_populates="ladder", cascade="all, delete-orphan", order_by="LadderCriterion.id"
    )


class LadderStage(db.Model):
    __tablename__ = "ladder_stages"
    __table_args__ = (sa.UniqueConstraint("ladder_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ladder_id: Mapped[int] = mapped_column(sa.ForeignKey("ladders.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    ladder: Mapped[Ladder] = relationship(back_populates="stages")


class LadderCriterion(db.Model):
    """An entry criterion of a stage, with its parameters as JSON (see CriterionKind)."""

    __tablename__ = "ladder_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    ladder_id: Mapped[int] = mapped_column(sa.ForeignKey("ladders.id", ondelete="CASCADE"), index=True)
    stage_number: Mapped[int] = mapped_column()
    kind: Mapped[CriterionKind] = mapped_column(sa.Enum(CriterionKind, native_enum=False, length=32))
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    ladder: Mapped[Ladder] = relationship(back_populates="criteria")


class LadderEvaluation(db.Model):
    """A recommendation for one supplier and period, waiting for (or given) the governor's decision."""

    __tablename__ = "ladder_evaluations"
    __table_args__ = (sa.Index("ix_ladder_evaluations_pair", "governor_id", "supplier_id", "period_month"),
                      # each evaluation first reads the governor's pending ones (0012_ladder_pending_index)
                      sa.Index("ix_ladder_evaluations_status", "governor_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    governor_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"))
    supplier_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"))
    ladder_id: Mapped[int] = mapped_column(sa.ForeignKey("ladders.id"))
    period_month: Mapped[str] = mapped_column(sa.String(7))
    current_stage: Mapped[int] = mapped_column()
    recommendation: Mapped[Recommendation] = mapped_column(sa.Enum(Recommendation, native_enum=False, length=16))
    target_stage: Mapped[int] = mapped_column()
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # the engine's one-line explanation
    status: Mapped[DecisionStatus] = mapped_column(
        sa.Enum(DecisionStatus, native_enum=False, length=16), default=DecisionStatus.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), default=None)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    governor: Mapped[Firm] = relationship(foreign_keys=[governor_id])
    supplier: Mapped[Firm] = relationship(foreign_keys=[supplier_id])
    ladder: Mapped[Ladder] = relationship()
    decided_by: Mapped[User | None] = relationship()


class StageChange(db.Model):
    """The supplier's stage history with one governor; the latest row is the current stage."""

    __tablename__ = "stage_changes"
    __table_args__ = (sa.Index("ix_stage_changes_pair", "governor_id", "supplier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    governor_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"))
    supplier_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"))
    stage: Mapped[int] = mapped_column()
    effective_month: Mapped[str] = mapped_column(sa.String(7))
    evaluation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ladder_evaluations.id"), default=None)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    decided_by: Mapped[User | None] = relationship()


class Visit(db.Model):
    """A governor's visit to a supplier's plant."""

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    governor_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"), index=True)
    visited_on: Mapped[date] = mapped_column(sa.Date)
    visitor_role: Mapped[VisitorRole] = mapped_column(sa.Enum(VisitorRole, native_enum=False, length=16))
    purpose: Mapped[str] = mapped_column(sa.String(200), default="")
    findings: Mapped[str] = mapped_column(sa.Text, default="")
    outcome: Mapped[VisitOutcome] = mapped_column(sa.Enum(VisitOutcome, native_enum=False, length=16))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    governor: Mapped[Firm] = relationship(foreign_keys=[governor_id])
    supplier: Mapped[Firm] = relationship(foreign_keys=[supplier_id])


class Target(db.Model):
    """A target value a governor publishes to its suppliers for one KPI."""

    __tablename__ = "targets"
    __table_args__ = (sa.UniqueConstraint("governor_id", "kpi_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    governor_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"), index=True)
    kpi_code: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[float] = mapped_column(sa.Float)
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    governor: Mapped[Firm] = relationship()

"""The audit log: every change to a value, and every identified view by a facilitator."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import utcnow
from .user import User


class AuditEntry(db.Model):
    """Who did what, when, to which record, from which old value to which new one, and why."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    club_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clubs.id"), default=None, index=True)
    action: Mapped[str] = mapped_column(sa.String(40))  # create, update, delete, view, close, reopen...
    entity: Mapped[str] = mapped_column(sa.String(40))  # kpi_value, certificate, period, ...
    entity_id: Mapped[int | None] = mapped_column(default=None)
    summary: Mapped[str] = mapped_column(sa.String(400), default="")
    old_value: Mapped[str | None] = mapped_column(sa.Text, default=None)
    new_value: Mapped[str | None] = mapped_column(sa.Text, default=None)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    detail: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, default=None)

    actor: Mapped[User | None] = relationship()

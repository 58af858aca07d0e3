"""Operational tables: the page-cache generation and background job records."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import utcnow


class PageGeneration(db.Model):
    """One counter, bumped in the same transaction as any change a cached page could show."""

    __tablename__ = "page_generation"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class JobStatus(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    """A background task someone started: what it is, how far it got, and where its result is."""

    __tablename__ = "jobs"
    __table_args__ = (sa.Index("ix_jobs_owner_created", "owner_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(200))
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    club_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clubs.id"), default=None)
    status: Mapped[JobStatus] = mapped_column(sa.Enum(JobStatus, native_enum=False, length=8),
                                              default=JobStatus.QUEUED)
    progress: Mapped[int] = mapped_column(default=0)  # percent
    message: Mapped[str] = mapped_column(sa.Text, default="")
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    result_url: Mapped[str | None] = mapped_column(sa.String(400), default=None)
    result_path: Mapped[str | None] = mapped_column(sa.String(400), default=None)  # a file under instance/jobs
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), default=None)

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

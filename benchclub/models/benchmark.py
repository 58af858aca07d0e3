"""International comparators and frozen benchmark snapshots (aggregates only)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import utcnow
from .club import Club
from .kpi import Period


class Comparator(db.Model):
    """An international reference distribution, e.g. a European survey of a given year."""

    __tablename__ = "comparators"
    __table_args__ = (sa.UniqueConstraint("club_id", "name", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(sa.ForeignKey("clubs.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    region: Mapped[str] = mapped_column(sa.String(80))
    year: Mapped[int] = mapped_column()
    source: Mapped[str] = mapped_column(sa.String(300))
    sample_size: Mapped[int | None] = mapped_column(default=None)
    illustrative: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    values: Mapped[list[ComparatorValue]] = relationship(
        back_populates="comparator", cascade="all, delete-orphan", order_by="ComparatorValue.kpi_code"
    )


class ComparatorValue(db.Model):
    """A comparator's quantiles for one KPI; any of them may be unknown."""

    __tablename__ = "comparator_values"
    __table_args__ = (sa.UniqueConstraint("comparator_id", "kpi_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comparator_id: Mapped[int] = mapped_column(sa.ForeignKey("comparators.id", ondelete="CASCADE"))
    kpi_code: Mapped[str] = mapped_column(sa.String(40))
    p10: Mapped[float | None] = mapped_column(sa.Float, default=None)
    p25: Mapped[float | None] = mapped_column(sa.Float, default=None)
    p50: Mapped[float | None] = mapped_column(sa.Float, default=None)
    p75: Mapped[float | None] = mapped_column(sa.Float, default=None)
    p90: Mapped[float | None] = mapped_column(sa.Float, default=None)

    comparator: Mapped[Comparator] = relationship(back_populates="values")


class Snapshot(db.Model):
    """A published, frozen set of benchmark aggregates for one club and closed period."""

    __tablename__ = "snapshots"
    __table_args__ = (sa.UniqueConstraint("period_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(sa.ForeignKey("clubs.id"), index=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("periods.id"), index=True)
    revision: Mapped[int] = mapped_column(default=1)
    is_current: Mapped[bool] = mapped_column(default=True)
    published_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # What the release audit needs later (a governor's view on request, a republication): each supplier's
    # groups, the active firms, certificate holders, bin edges and the keys of the figures released.
    frozen: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, default=None)

    period: Mapped[Period] = relationship()
    club: Mapped[Club] = relationship()


class SnapshotStat(db.Model):
    """Raw aggregates of one KPI over one peer group. Disclosure rules are applied on read."""

    __tablename__ = "snapshot_stats"
    __table_args__ = (sa.UniqueConstraint("snapshot_id", "kpi_code", "group_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(sa.ForeignKey("snapshots.id", ondelete="CASCADE"), index=True)
    kpi_code: Mapped[str] = mapped_column(sa.String(40))
    group_key: Mapped[str] = mapped_column(sa.String(120))
    n: Mapped[int] = mapped_column()
    p10: Mapped[float | None] = mapped_column(sa.Float, default=None)
    p25: Mapped[float | None] = mapped_column(sa.Float, default=None)
    p50: Mapped[float | None] = mapped_column(sa.Float, default=None)
    p75: Mapped[float | None] = mapped_column(sa.Float, default=None)
    p90: Mapped[float | None] = mapped_column(sa.Float, default=None)
    mean: Mapped[float | None] = mapped_column(sa.Float, default=None)
    # Counts per fixed bin, already merged so that no released bin holds 1 or 2 firms.
    histogram: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON, default=None)
    # Set at publication when members and governors may not see this group (rules 1 and 3, and
    # groups that differ from another released group by 1-4 firms); None when releasable.
    withheld: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    # The release audit's reasons for withholding the exact n and the histogram (None when released).
    n_withheld: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    histogram_withheld: Mapped[str | None] = mapped_column(sa.String(300), default=None)


class SnapshotFirm(db.Model):
    """A firm's frozen value and percentile rank within one group of a snapshot.

    Only ever shown to that firm itself, to the facilitator, or to a consented governor.
    """

    __tablename__ = "snapshot_firms"
    __table_args__ = (
        sa.UniqueConstraint("snapshot_id", "kpi_code", "group_key", "firm_id"),
        # Every read names its snapshot(s): a firm's rows are found by (snapshot, firm), and a close's
        # ~225,000 new rows (5,000 firms) land at the end of this index instead of all over a
        # (firm, kpi) index. The unique constraint's leading column serves the foreign key.
        sa.Index("ix_snapshot_firms_snapshot_firm", "snapshot_id", "firm_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(sa.ForeignKey("snapshots.id", ondelete="CASCADE"))
    kpi_code: Mapped[str] = mapped_column(sa.String(40))
    group_key: Mapped[str] = mapped_column(sa.String(120))
    firm_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"))
    value: Mapped[float] = mapped_column(sa.Float)
    percentile_rank: Mapped[int | None] = mapped_column(default=None)


class SnapshotCertShare(db.Model):
    """How many firms of a group hold a valid certificate of a standard at period end."""

    __tablename__ = "snapshot_cert_shares"
    __table_args__ = (sa.UniqueConstraint("snapshot_id", "group_key", "standard"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(sa.ForeignKey("snapshots.id", ondelete="CASCADE"), index=True)
    group_key: Mapped[str] = mapped_column(sa.String(120))
    standard: Mapped[str] = mapped_column(sa.String(60))
    n_firms: Mapped[int] = mapped_column()
    n_holding: Mapped[int] = mapped_column()
    # Why members and governors may not see this group's shares (None when releasable).
    withheld: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    # Why the group's exact firm count is withheld (None when released or shown as a band anyway).
    n_withheld: Mapped[str | None] = mapped_column(sa.String(300), default=None)

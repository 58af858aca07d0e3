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


# Peer-group dimensions besides "all" (benchmarks.snapshots.group_keys_for): a key is "<dimension>:<value>".
GROUP_DIMENSIONS = ("sector", "size", "tier", "country")


class SnapshotFirm(db.Model):
    """A firm's frozen value of one KPI in a snapshot, with its percentile rank in each of its peer groups.

    One row per (snapshot, KPI, firm): the firm is in group "all" and in the group of each dimension whose
    column holds a value (sector "Castings" = group "sector:Castings"; NULL: in no group of that dimension);
    `rank_<dimension>` is its rank there. Only ever shown to that firm itself, to the facilitator, or to a
    consented governor. `benchmarks.queries` expands a row into one (group, rank) item per group on read.
    """

    __tablename__ = "snapshot_firms"
    __table_args__ = (
        sa.UniqueConstraint("snapshot_id", "kpi_code", "firm_id"),
        # Every read names its snapshot(s): a firm's rows are found by (snapshot, firm), and a close's
        # ~45,000 new rows (5,000 firms x 9 KPIs) land at the end of this index. The unique constraint's
        # leading column serves the foreign key and the reads of one group of a snapshot.
        sa.Index("ix_snapshot_firms_snapshot_firm", "snapshot_id", "firm_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(sa.ForeignKey("snapshots.id", ondelete="CASCADE"))
    kpi_code: Mapped[str] = mapped_column(sa.String(40))
    firm_id: Mapped[int] = mapped_column(sa.ForeignKey("firms.id"))
    value: Mapped[float] = mapped_column(sa.Float)
    rank_all: Mapped[int | None] = mapped_column(default=None)
    sector: Mapped[str | None] = mapped_column(sa.String(120), default=None)
    rank_sector: Mapped[int | None] = mapped_column(default=None)
    size: Mapped[str | None] = mapped_column(sa.String(120), default=None)
    rank_size: Mapped[int | None] = mapped_column(default=None)
    tier: Mapped[str | None] = mapped_column(sa.String(120), default=None)
    rank_tier: Mapped[int | None] = mapped_column(default=None)
    country: Mapped[str | None] = mapped_column(sa.String(120), default=None)
    rank_country: Mapped[int | None] = mapped_column(default=None)

    @staticmethod
    def dimension_of(group_key: str) -> tuple[str, str]:
        """'sector:Castings' -> ('sector', 'Castings'); 'all' -> ('all', ''); a key of no known dimension
        (e.g. typed into a URL) -> ('', key): no firm is in it."""
        if group_key == "all":
            return "all", ""
        dim, colon, value = group_key.partition(":")
        return (dim, value) if colon and dim in GROUP_DIMENSIONS else ("", group_key)

    @classmethod
    def in_group(cls, group_key: str) -> sa.ColumnElement[bool]:
        """SQL condition: the row's firm was in this group of its snapshot."""
        dim, value = cls.dimension_of(group_key)
        if not dim:
            return sa.false()
        return sa.true() if dim == "all" else getattr(cls, dim) == value

    @classmethod
    def rank_in(cls, group_key: str) -> sa.ColumnElement[int | None]:
        """The rank column of the group's dimension (NULL for a key of no known dimension)."""
        dim = cls.dimension_of(group_key)[0]
        return getattr(cls, f"rank_{dim}") if dim else sa.null()

    @staticmethod
    def group_ranks(row: Any) -> list[tuple[str, int | None]]:
        """(group key, percentile rank) of every group the firm of a row (model or selected columns) was in,
        "all" first."""
        out = [("all", row.rank_all)]
        for dim in GROUP_DIMENSIONS:
            value = getattr(row, dim)
            if value is not None:
                out.append((f"{dim}:{value}", getattr(row, f"rank_{dim}")))
        return out


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

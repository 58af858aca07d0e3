"""Test data for workshops: frozen benchmark snapshots written directly, suppliers, workshops.

Snapshots are created here (not by the benchmark publisher) so these tests depend only on the
snapshot tables, exactly what suggestions and impact read.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import sqlalchemy as sa

from benchclub.benchmarks.stats import percentile
from benchclub.clubs.services import create_firm
from benchclub.extensions import db
from benchclub.models import (
    Club,
    Firm,
    FirmKind,
    HostStatus,
    Period,
    PeriodStatus,
    Snapshot,
    SnapshotFirm,
    SnapshotStat,
)
from benchclub.workshops import services

from ..factories import make_user  # noqa: F401  (re-exported for the tests)


def suppliers(club: Club, count: int, prefix: str = "S") -> list[Firm]:
    """`count` supplier firms named S01, S02, ... in the club."""
    return [create_firm(club, f"{prefix}{i:02d}", f"Supplier {prefix}{i:02d}", FirmKind.SUPPLIER, "ZA", "Castings", 40)
            for i in range(1, count + 1)]


def closed_period(club: Club, month: str) -> Period:
    """A closed period without sending period_closed (so no other publisher runs)."""
    period = db.session.scalar(sa.select(Period).where(Period.club_id == club.id, Period.month == month))
    if period is None:
        period = Period(club_id=club.id, month=month, due_on=date(int(month[:4]), int(month[5:]), 28))
        db.session.add(period)
    period.status = PeriodStatus.CLOSED
    db.session.flush()
    return period


def publish(club: Club, month: str, kpi_code: str, values: Mapping[Firm, float]) -> Snapshot:
    """Close `month` and write its current snapshot for one KPI over the 'all' group."""
    period = closed_period(club, month)
    snapshot = db.session.scalar(sa.select(Snapshot).where(Snapshot.period_id == period.id,
                                                           Snapshot.is_current.is_(True)))
    if snapshot is None:
        snapshot = Snapshot(club_id=club.id, period_id=period.id, revision=1, is_current=True)
        db.session.add(snapshot)
        db.session.flush()
    numbers = list(values.values())
    db.session.add(SnapshotStat(snapshot_id=snapshot.id, kpi_code=kpi_code, group_key="all", n=len(numbers),
                                p25=percentile(numbers, 0.25), p50=percentile(numbers, 0.5),
                                p75=percentile(numbers, 0.75)))
    for firm, value in values.items():
        db.session.add(SnapshotFirm(snapshot_id=snapshot.id, kpi_code=kpi_code, firm_id=firm.id, value=value))
    db.session.flush()
    return snapshot


def months(start: str, count: int) -> list[str]:
    """`count` consecutive months from `start` (YYYY-MM)."""
    y, m = int(start[:4]), int(start[5:])
    out = []
    for _ in range(count):
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def agreed_workshop(club: Club, host: Firm | None, *, held_on: date, capacity: int = 10, invitees=(), actor=None,
                    kpi_code: str = "otd_pct", title: str = "OTD workshop"):
    """A planned workshop whose host has already agreed (published to the club)."""
    workshop = services.create_workshop(club, kpi_code, title, held_on, host=host, capacity=capacity,
                                        invitees=invitees, actor=actor)
    if host is not None:
        workshop.host_status = HostStatus.AGREED
        db.session.flush()
    return workshop

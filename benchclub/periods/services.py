"""Periods: open, close (freeze, publish, evaluate), reopen with a reason (DOMAIN §4)."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import sqlalchemy as sa

from ..audit import record
from ..errors import DomainError
from ..events import period_closed
from ..extensions import db
from ..models import Club, Period, PeriodStatus, User

# Month arithmetic lives in the kernel (benchclub.months); these names stay importable from here.
from ..months import month_end as month_end
from ..months import month_start as month_start
from ..months import next_month as next_month
from ..months import previous_month as previous_month

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class PeriodClosedError(DomainError):
    """The period is closed: its values are frozen."""


class PeriodNotOpenedError(DomainError):
    """The facilitator has not opened this period yet."""


def parse_month(text: str) -> str:
    """Validate 'YYYY-MM' and return it unchanged; anything else is a clear error."""
    text = (text or "").strip()
    if not MONTH_RE.match(text):
        raise DomainError(f"'{text}' is not a period: write the month as YYYY-MM, for example 2025-03.", field="period")
    year = int(text[:4])
    if not 1990 <= year <= 2100:
        raise DomainError(f"'{text}' is outside the years BenchClub accepts (1990-2100).", field="period")
    return text


def default_due_date(month: str) -> date:
    """The 15th of the following month."""
    return month_start(next_month(month)).replace(day=15)


def find_period(club: Club, month: str) -> Period | None:
    """The club's period for a month, or None (the month text is validated first)."""
    return db.session.scalar(sa.select(Period).where(Period.club_id == club.id, Period.month == parse_month(month)))


def get_period(club: Club, month: str) -> Period:
    """The club's period for a month, or PeriodNotOpenedError."""
    period = find_period(club, month)
    if period is None:
        raise PeriodNotOpenedError(f"Period {month} has not been opened in club {club.code}.", field="period")
    return period


def get_open_period(club: Club, month: str) -> Period:
    """The period if it is open for entry; otherwise a clear error."""
    period = get_period(club, month)
    if not period.is_open:
        raise PeriodClosedError(f"Period {month} is closed; its values can no longer be changed.", field="period")
    return period


def list_periods(club: Club) -> list[Period]:
    """All periods of a club, newest first."""
    return list(db.session.scalars(sa.select(Period).where(Period.club_id == club.id).order_by(Period.month.desc())))


def latest_closed_period(club: Club) -> Period | None:
    """The club's most recent closed period, or None."""
    return db.session.scalar(
        sa.select(Period).where(Period.club_id == club.id, Period.status == PeriodStatus.CLOSED)
        .order_by(Period.month.desc()).limit(1)
    )


def open_period(club: Club, month: str, *, actor: User | None = None, due_on: date | None = None) -> Period:
    """Open a month for entry; refuses a month that already exists."""
    month = parse_month(month)
    if find_period(club, month) is not None:
        raise DomainError(f"Period {month} already exists in club {club.code}.", field="period")
    period = Period(club_id=club.id, month=month, status=PeriodStatus.OPEN, due_on=due_on or default_due_date(month))
    db.session.add(period)
    db.session.flush()
    record(actor, "open", "period", period.id, club_id=club.id, summary=f"period {month} opened")
    return period


def close_period(club: Club, month: str, *, actor: User | None = None) -> Period:
    """Freeze the month, then let subscribers publish benchmarks and run ladder evaluations."""
    period = get_period(club, month)
    if not period.is_open:
        raise PeriodClosedError(f"Period {month} is already closed.", field="period")
    period.status = PeriodStatus.CLOSED
    period.closed_at = datetime.now(UTC)
    record(actor, "close", "period", period.id, club_id=club.id, summary=f"period {month} closed")
    db.session.flush()
    period_closed.send(period, actor=actor, reopened=bool(period.reopen_count))
    db.session.flush()
    return period


def reopen_period(club: Club, month: str, reason: str, *, actor: User | None = None) -> Period:
    """Reopen a closed month for corrections; the reason is mandatory and logged."""
    period = get_period(club, month)
    if period.is_open:
        raise DomainError(f"Period {month} is already open.", field="period")
    if not (reason or "").strip():
        raise DomainError("Give a reason for reopening a closed period.", field="reason")
    period.status = PeriodStatus.OPEN
    period.closed_at = None
    period.reopen_count = (period.reopen_count or 0) + 1
    record(actor, "reopen", "period", period.id, club_id=club.id, summary=f"period {month} reopened",
           reason=reason.strip())
    db.session.flush()
    return period


def list_closed_months(club: Club | int, up_to: str | None = None, *, newest_first: bool = False,
                       limit: int | None = None) -> list[str]:
    """The one closed-months query: a club's closed periods, optionally up to (and including) a month."""
    club_id = club if isinstance(club, int) else club.id
    query = sa.select(Period.month).where(Period.club_id == club_id, Period.status == PeriodStatus.CLOSED)
    if up_to:
        query = query.where(Period.month <= up_to)
    query = query.order_by(Period.month.desc() if newest_first else Period.month)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))

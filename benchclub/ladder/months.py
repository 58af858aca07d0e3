"""Ladder windows and visit cadence: pure, no database (month arithmetic itself is benchclub.months)."""
from __future__ import annotations

from datetime import date, timedelta

from ..months import month_end as month_end_date
from ..months import month_from_index as month_from_index
from ..months import month_index as month_index
from ..months import shift_month


def window_start_date(period: str, months: int) -> date:
    """First day of the N-month window that ends with `period` (inclusive)."""
    return date.fromisoformat(shift_month(period, -(months - 1)) + "-01")


CADENCE_DAYS = {"weekly": 7, "fortnightly": 14}


def next_visit_due(last: date, cadence: str) -> date:
    """When the next visit is due after `last` for a weekly, fortnightly or monthly cadence."""
    if cadence in CADENCE_DAYS:
        return last + timedelta(days=CADENCE_DAYS[cadence])
    year, month = (last.year + 1, 1) if last.month == 12 else (last.year, last.month + 1)
    day = min(last.day, month_end_date(f"{year:04d}-{month:02d}").day)
    return date(year, month, day)

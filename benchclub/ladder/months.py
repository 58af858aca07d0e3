"""Month arithmetic and visit cadence for the ladder: pure, no database."""
from __future__ import annotations

from datetime import date, timedelta


def month_index(month: str) -> int:
    """'2025-03' -> a running month number, so months can be subtracted."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_from_index(index: int) -> str:
    """The inverse of month_index."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def shift_month(month: str, delta: int) -> str:
    """The month `delta` months after (negative: before) `month`."""
    return month_from_index(month_index(month) + delta)


def month_end_date(month: str) -> date:
    """The last day of a month."""
    return date.fromisoformat(shift_month(month, 1) + "-01") - timedelta(days=1)


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

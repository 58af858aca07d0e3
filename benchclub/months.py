"""Month arithmetic on 'YYYY-MM' strings, one copy for every feature: pure, no database, no Flask."""
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


def next_month(month: str) -> str:
    """The month after, e.g. '2025-12' -> '2026-01'."""
    return shift_month(month, 1)


def previous_month(month: str) -> str:
    """The month before, e.g. '2025-01' -> '2024-12'."""
    return shift_month(month, -1)


def month_start(month: str) -> date:
    """The first day of a 'YYYY-MM' month."""
    return date(int(month[:4]), int(month[5:7]), 1)


def month_end(month: str) -> date:
    """The last day of a 'YYYY-MM' month."""
    return month_start(next_month(month)) - timedelta(days=1)


def months_back(period: str, n: int) -> list[str]:
    """The n calendar months ending with `period`, oldest first."""
    return [shift_month(period, -i) for i in range(n - 1, -1, -1)]

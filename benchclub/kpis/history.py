"""A firm's own recent history of a KPI, and when a new value moves far from it (a 'big jump').

The entry page warns about a big jump as the member types and asks for a comment; the facilitator's
data-quality desk lists the big jumps of the open months. Both use `is_big_jump`, so they agree.
"""
from __future__ import annotations

import statistics

import sqlalchemy as sa

from ..extensions import db
from ..models import Firm, KpiDefinition, KpiValue, Period

HISTORY_MONTHS = 6
JUMP_RELATIVE = 0.25  # a quarter of the usual value ...
JUMP_SPAN = 0.05  # ... or a twentieth of the KPI's soft range, whichever is larger


def jump_threshold(usual: float, kpi: KpiDefinition) -> float:
    """How far a value may move from the firm's usual value before it counts as a big jump."""
    return max(abs(usual) * JUMP_RELATIVE, (kpi.soft_max - kpi.soft_min) * JUMP_SPAN)


def is_big_jump(value: float | None, usual: float | None, kpi: KpiDefinition) -> bool:
    """True when a value is far from the firm's own usual value (median of its recent months)."""
    if value is None or usual is None:
        return False
    return abs(value - usual) > jump_threshold(usual, kpi)


def usual_values(firm: Firm, period: Period, months: int = HISTORY_MONTHS) -> dict[int, float]:
    """KPI id -> median of the firm's own values in the `months` months before `period` (nil returns skipped)."""
    rows = db.session.execute(
        sa.select(KpiValue.kpi_id, KpiValue.value).join(Period, Period.id == KpiValue.period_id)
        .where(KpiValue.firm_id == firm.id, KpiValue.source_firm_id == firm.id, KpiValue.is_nil.is_(False),
               Period.club_id == period.club_id, Period.month < period.month,
               Period.month >= _months_back(period.month, months)))
    by_kpi: dict[int, list[float]] = {}
    for kpi_id, value in rows:
        by_kpi.setdefault(kpi_id, []).append(value)
    return {k: statistics.median(v) for k, v in by_kpi.items() if v}


def _months_back(month: str, count: int) -> str:
    year, mon = (int(x) for x in month.split("-"))
    index = year * 12 + (mon - 1) - count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"

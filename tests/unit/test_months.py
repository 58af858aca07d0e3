"""Month arithmetic exists once (benchclub.months); the periods service and the ladder use that copy."""
from __future__ import annotations

from datetime import date

from benchclub import months
from benchclub.ladder import months as ladder_months
from benchclub.periods import services as periods


def test_months_step_across_year_ends_and_leap_days():
    assert (months.next_month("2025-12"), months.previous_month("2025-01")) == ("2026-01", "2024-12")
    assert months.shift_month("2025-03", -15) == "2023-12"
    assert (months.month_start("2024-02"), months.month_end("2024-02")) == (date(2024, 2, 1), date(2024, 2, 29))
    assert months.months_back("2025-02", 3) == ["2024-12", "2025-01", "2025-02"]
    assert months.month_index("2025-03") - months.month_index("2024-03") == 12


def test_the_periods_service_and_the_ladder_use_the_one_copy():
    assert periods.next_month is months.next_month and periods.month_end is months.month_end
    assert ladder_months.shift_month is months.shift_month and ladder_months.month_end_date is months.month_end

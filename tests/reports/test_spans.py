"""Report spans: quarters and years as months."""
import pytest

from benchclub.errors import DomainError
from benchclub.reports.spans import parse_span, spans_for_months


def test_quarter_covers_its_three_months():
    span = parse_span("2025-q3")
    assert span.code == "2025-Q3" and span.label == "Q3 2025"
    assert span.months == ("2025-07", "2025-08", "2025-09")


def test_year_covers_twelve_months():
    span = parse_span("2026")
    assert span.first == "2026-01" and span.last == "2026-12" and len(span.months) == 12


@pytest.mark.parametrize("bad", ["", "2025-Q5", "2025-Q0", "25-Q1", "2025-07", "Q3 2025", "1800"])
def test_bad_spans_are_refused_with_a_clear_message(bad):
    with pytest.raises(DomainError, match="report period|outside the years"):
        parse_span(bad)


def test_spans_for_months_lists_quarters_and_years_newest_first():
    spans = [s.code for s in spans_for_months(["2025-11", "2026-01"])]
    assert spans == ["2026", "2026-Q1", "2025", "2025-Q4"]

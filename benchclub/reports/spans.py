"""Report spans: a quarter `YYYY-Qn` or a year `YYYY`, as a list of months. Pure, no database."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import DomainError

SPAN_RE = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4]))?$")


@dataclass(frozen=True)
class ReportSpan:
    """The months a report covers, with a label for people and a slug for file names."""

    code: str
    label: str
    months: tuple[str, ...]

    @property
    def first(self) -> str:
        return self.months[0]

    @property
    def last(self) -> str:
        return self.months[-1]


def parse_span(text: str) -> ReportSpan:
    """'2025-Q3' -> July..September 2025; '2025' -> January..December 2025."""
    text = (text or "").strip().upper()
    match = SPAN_RE.match(text)
    if not match:
        raise DomainError(f"'{text}' is not a report period: write a quarter as YYYY-Qn (2025-Q3) or a year as YYYY.",
                          field="period")
    year = int(match["year"])
    if not 1990 <= year <= 2100:
        raise DomainError(f"'{text}' is outside the years BenchClub accepts (1990-2100).", field="period")
    if match["quarter"]:
        q = int(match["quarter"])
        months = tuple(f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1))
        return ReportSpan(f"{year}-Q{q}", f"Q{q} {year}", months)
    return ReportSpan(str(year), str(year), tuple(f"{year}-{m:02d}" for m in range(1, 13)))


def spans_for_months(months: list[str]) -> list[ReportSpan]:
    """Every quarter and year that contains at least one of the given months, newest first."""
    codes: set[str] = set()
    for month in months:
        year, mon = int(month[:4]), int(month[5:7])
        codes.add(f"{year}-Q{(mon - 1) // 3 + 1}")
        codes.add(str(year))
    spans = [parse_span(code) for code in codes]
    return sorted(spans, key=lambda s: (s.last, len(s.months)), reverse=True)

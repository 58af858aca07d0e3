"""Pure replay of the default CGL ladder (DOMAIN §7) over the generated history.

The demo's stage history is what a governor would have approved month by month, so the ladder pages
and a later evaluation agree with the data. Stage 4 needs a year at stage 3, which nobody reaches.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from ..months import month_end
from .activity import CertRow, VisitRow
from .history import SELF, ValueRow

#: stage -> (customer_reject_ppm at most, otd_pct at least), in each of the last 6 months
MONTHLY = {2: (500.0, 95.0), 3: (50.0, 98.0)}
QUALITY_STANDARDS = ("ISO 9001", "IATF 16949")
FIRST_STAGE_REASON = "Newly linked supplier: deliveries are inspected at goods-in."


class StageRow(NamedTuple):
    """A supplier's stage with one governor from a month on, and why."""

    governor: str
    supplier: str
    stage: int
    month: str
    reason: str


class Evidence:
    """Look-ups over the generated rows: the governor's measurement wins over the self-report."""

    def __init__(self, values: list[ValueRow], certs: list[CertRow], visits: list[VisitRow]):
        self.values = {(r.firm, r.kpi, r.month, r.source): r.value for r in values}
        self.certs = certs
        self.passed = [(v.governor, v.supplier, v.visited_on) for v in visits
                       if v.role == "quality" and v.outcome == "passed"]

    def value(self, governor: str, supplier: str, kpi: str, month: str) -> float | None:
        """The value the ladder uses: governor's own measurement where it exists, else self-reported."""
        measured = self.values.get((supplier, kpi, month, governor))
        if measured is not None:
            return measured
        return self.values.get((supplier, kpi, month, SELF))

    def month_ok(self, stage: int, governor: str, supplier: str, month: str) -> bool:
        """Whether one month meets a stage's monthly thresholds (a missing value fails)."""
        max_ppm, min_otd = MONTHLY[stage]
        ppm = self.value(governor, supplier, "customer_reject_ppm", month)
        otd = self.value(governor, supplier, "otd_pct", month)
        return ppm is not None and otd is not None and ppm <= max_ppm and otd >= min_otd

    def certified(self, supplier: str, on: date) -> bool:
        """A valid ISO 9001 or IATF 16949 certificate on that date."""
        return any(c.firm == supplier and c.standard in QUALITY_STANDARDS and c.issued_on <= on <= c.expires_on
                   for c in self.certs)

    def visited(self, governor: str, supplier: str, on: date) -> bool:
        """A passed quality visit by this governor within the twelve months up to that date."""
        return any(g == governor and s == supplier and on - timedelta(days=365) < d <= on
                   for g, s, d in self.passed)


def _may_promote(ev: Evidence, target: int, pair: tuple[str, str], window: tuple[str, ...], months_at: int) -> bool:
    governor, supplier = pair
    if len(window) < 6 or not all(ev.month_ok(target, governor, supplier, m) for m in window[-6:]):
        return False
    if target == 2:
        on = month_end(window[-1])
        return ev.certified(supplier, on) and ev.visited(governor, supplier, on)
    return months_at >= 6


def _must_demote(ev: Evidence, stage: int, pair: tuple[str, str], window: tuple[str, ...]) -> bool:
    governor, supplier = pair
    if not ev.certified(supplier, month_end(window[-1])):
        return True
    return len(window) >= 3 and not any(ev.month_ok(stage, governor, supplier, m) for m in window[-3:])


def climb(ev: Evidence, governor: str, supplier: str, closed: tuple[str, ...]) -> list[StageRow]:
    """One supplier's approved stage changes with one governor, starting at stage 1 in the first month."""
    rows = [StageRow(governor, supplier, 1, closed[0], FIRST_STAGE_REASON)]
    stage, since = 1, 0
    for i, month in enumerate(closed):
        window = closed[: i + 1]
        if stage >= 2 and _must_demote(ev, stage, (governor, supplier), window):
            stage, since = stage - 1, i
            rows.append(StageRow(governor, supplier, stage, month, "Demotion approved: criteria no longer held."))
        elif stage < 3 and _may_promote(ev, stage + 1, (governor, supplier), window, i - since):
            stage, since = stage + 1, i
            rows.append(StageRow(governor, supplier, stage, month,
                                 f"Promotion approved: stage {stage} criteria met for six months."))
    return rows


def stage_history(ev: Evidence, links: list[tuple[str, str, int]], closed: tuple[str, ...]) -> list[StageRow]:
    """Every linked supplier's stage history, in link order."""
    rows: list[StageRow] = []
    for governor, supplier, _tier in links:
        rows.extend(climb(ev, governor, supplier, closed))
    return rows

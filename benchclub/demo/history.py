"""Pure generation of the demo club's monthly KPI history (no database, one explicit random.Random).

Every supplier has a latent *score* per KPI, from 0 (weak) to 1 (world class). Scores improve month by
month towards the best, and a weak firm has further to go, so it improves faster: the median rises and
the tail shortens, as in the South African club (DOMAIN §1). A KPI model turns a score into a value.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..months import next_month

SELF = "self"
CEILING = 0.97  # the best score a firm's trend approaches
NOISE = 0.035  # month-to-month wobble of a score
GOVERNOR_MEASURED = ("customer_reject_ppm", "otd_pct", "lead_time_days")

Scores = dict[str, dict[str, list[float]]]  # firm code -> KPI code -> score per month


class ValueRow(NamedTuple):
    """One KpiValue to store: self-reported (source == SELF) or measured by a governor (its code)."""

    firm: str
    kpi: str
    month: str
    source: str
    value: float | None
    comment: str = ""
    flagged: bool = False

    @property
    def is_nil(self) -> bool:
        """A nil return carries no value (never 0)."""
        return self.value is None


@dataclass(frozen=True)
class Calendar:
    """The demo's fixed months: a run of closed months and the open one after them."""

    closed: tuple[str, ...]
    open_month: str

    @property
    def months(self) -> tuple[str, ...]:
        """Closed months then the open month, oldest first."""
        return (*self.closed, self.open_month)


def make_calendar(spec: dict[str, Any]) -> Calendar:
    """The closed months from the first month on, then the open month (checked to follow them)."""
    months = [spec["first_month"]]
    while len(months) < spec["closed_months"]:
        months.append(next_month(months[-1]))
    if next_month(months[-1]) != spec["open_month"]:
        raise ValueError("demo calendar: the open month must follow the last closed month")
    return Calendar(tuple(months), spec["open_month"])


def _clamp(x: float, low: float, high: float) -> float:
    return max(low, min(high, x))


def firm_bases(rng: random.Random, suppliers: list[dict[str, Any]], profiles: dict[str, float]) -> dict[str, float]:
    """Each firm's starting capability: a wide spread with a long weak tail; larger firms a bit better.
    `profiles` pins the few stars and laggards the demo story needs."""
    bases = {}
    for firm in suppliers:
        size_effect = 0.05 * (len(str(firm["employees"])) - 2)  # 1-digit, 2-digit or 3-digit head count
        drawn = _clamp(0.33 + size_effect + rng.gauss(0, 0.18), 0.03, 0.88)
        bases[firm["code"]] = profiles.get(firm["code"], drawn)
    return bases


def trend_scores(rng: random.Random, bases: dict[str, float], kpis: list[str], n_months: int,
                 n_closed: int, pinned: frozenset[str] = frozenset()) -> Scores:
    """Smooth improvement paths: score(t) = start + (ceiling - start) x firm's pace x t."""
    scores: Scores = {}
    for code, base in bases.items():
        pace = rng.uniform(0.3, 0.65)
        spread = 0.03 if code in pinned else 0.12  # a pinned firm is consistently strong or weak
        per_kpi = {}
        for kpi in kpis:
            start = _clamp(base + rng.gauss(0, spread), 0.0, 0.92)
            per_kpi[kpi] = [start + (CEILING - start) * pace * (i / (n_closed - 1)) for i in range(n_months)]
        scores[code] = per_kpi
    return scores


def boost(scores: Scores, firm: str, kpi: str, from_index: int, lift: float = 0.10, ramp: int = 4) -> None:
    """Lift a firm's trend on one KPI after a workshop it attended, phased in over a few months."""
    path = scores[firm][kpi]
    for i in range(from_index, len(path)):
        path[i] = min(CEILING + 0.02, path[i] + lift * min(1.0, (i - from_index + 1) / ramp))


def score_to_value(model: dict[str, Any], score: float, soft: tuple[float, float]) -> float:
    """Interpolate between the model's bad and good values, then keep inside the KPI's soft range."""
    s = _clamp(score, -0.1, 1.0)
    bad, good = model["bad"], model["good"]
    if model["scale"] == "linear":
        value = bad + (good - bad) * s
    elif model["scale"] == "log":
        value = bad * (good / bad) ** s
    else:  # "gap": the distance to 100 shrinks on a log scale (on-time delivery)
        value = 100 - bad * (good / bad) ** s
    return round(_clamp(value, *soft), model["decimals"])


def self_values(rng: random.Random, scores: Scores, calendar: Calendar, models: dict[str, Any],
                soft: dict[str, tuple[float, float]]) -> dict[tuple[str, str, str], float]:
    """Every supplier's self-reported value for every KPI and month, before gaps are applied."""
    values = {}
    for firm, per_kpi in scores.items():
        for kpi, path in per_kpi.items():
            for month, score in zip(calendar.months, path, strict=True):
                values[(firm, kpi, month)] = score_to_value(models[kpi], score + rng.gauss(0, NOISE), soft[kpi])
    return values


def governor_view(rng: random.Random, kpi: str, reported: float) -> float:
    """What the customer measures at goods-in: a little worse than the supplier's own figure."""
    if kpi == "customer_reject_ppm":
        return round(reported * rng.uniform(1.0, 1.4) + rng.uniform(0, 12))
    if kpi == "otd_pct":
        return round(max(0.0, 100 - (100 - reported) * rng.uniform(1.1, 1.8) - rng.uniform(0, 0.5)), 1)
    return round(reported * rng.uniform(1.0, 1.3) + 0.2, 1)  # lead_time_days


def governor_rows(rng: random.Random, links: list[tuple[str, str, int]], months: tuple[str, ...],
                  values: dict[tuple[str, str, str], float]) -> list[ValueRow]:
    """Each governor's own measurements of its linked suppliers for the governor-measurable KPIs."""
    rows = []
    for governor, supplier, _tier in links:
        for month in months:
            for kpi in GOVERNOR_MEASURED:
                measured = governor_view(rng, kpi, values[(supplier, kpi, month)])
                rows.append(ValueRow(supplier, kpi, month, governor, measured))
    return rows


def _gap_index(gaps: list[dict[str, Any]]) -> tuple[set[tuple[str, str]], dict[tuple[str, str], Any]]:
    """(firm, month) pairs with no return at all, and (firm, month) -> KPIs filed as nil returns."""
    skipped: set[tuple[str, str]] = set()
    nil: dict[tuple[str, str], Any] = {}
    for gap in gaps:
        for month in gap["months"]:
            if gap["kind"] == "skip":
                skipped.add((gap["firm"], month))
            else:
                nil[(gap["firm"], month)] = gap["kpis"]
    return skipped, nil


def self_rows(values: dict[tuple[str, str, str], float], gaps: list[dict[str, Any]],
              notable: list[dict[str, Any]], filers: set[str], open_month: str) -> list[ValueRow]:
    """Self-reported rows after skipped months, nil returns, notable outliers and a half-filled open month."""
    skipped, nil = _gap_index(gaps)
    special = {(n["firm"], n["kpi"], n["month"]): n for n in notable}
    rows = []
    for (firm, kpi, month), value in values.items():
        if (firm, month) in skipped or (month == open_month and firm not in filers):
            continue
        nil_kpis = nil.get((firm, month), ())
        if nil_kpis == "all" or kpi in nil_kpis:
            rows.append(ValueRow(firm, kpi, month, SELF, None))
        elif (firm, kpi, month) in special:
            note = special[(firm, kpi, month)]
            rows.append(ValueRow(firm, kpi, month, SELF, float(note["value"]), note["comment"], True))
        else:
            rows.append(ValueRow(firm, kpi, month, SELF, value))
    return rows

"""What a governor may see of a supplier's ladder checklist (DOMAIN §6): pure, no database.

A criterion resting on a KPI the supplier has not shared with the governor shows the governor only its
outcome over the whole window (met or not met): no month-by-month verdicts, no values, no count of
months met, no shortfall. Months the governor measured itself stay visible (the value is its own).
Months without the governor's own measurement all look alike, whether the supplier reported a value,
filed a nil return or reported nothing, so their look never depends on the hidden data.

Together with ladder versions that take effect only from the next period close (services.ladder_in_force)
and monthly verdicts frozen at each month's own close (rules.month_threshold), this means an edited
threshold never re-tests a closed month's unshared value: each month is judged once per criterion.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from .facts import Criterion, SupplierFacts
from .rules import monthly_value, passes, window_months

WITHHELD_NOTE = ("rests on self-reported values not shared with you: only the outcome over the whole "
                 "window is shown")


def is_shared(kpi_code: str | None, shared: set[str] | None) -> bool:
    """True when the governor may see this KPI's self-reported values (`shared` None means every KPI)."""
    return shared is None or (kpi_code is not None and kpi_code in shared)


def governor_criteria(criteria: Sequence[Mapping[str, Any]], shared: set[str] | None) -> list[dict[str, Any]]:
    """The checklist as a governor may see it: criteria on unshared KPIs reduced to their window outcome."""
    return [_governor_criterion(dict(c), shared) for c in criteria]


def _governor_criterion(c: dict[str, Any], shared: set[str] | None) -> dict[str, Any]:
    params = c.get("params") or {}
    if c.get("kind") == "kpi_threshold" and not is_shared(params.get("kpi_code"), shared):
        window = f"the last {int(params.get('months', len(c.get('months', []))))} months"
        outcome = "Met in every month of" if c.get("met") else "Not met over"
        return {**c, "months": [_visible_month(m) for m in c.get("months", [])], "shortfall": None,
                "detail": f"{outcome} {window}; {WITHHELD_NOTE}.", "withheld": True}
    if c.get("kind") == "monthly_held" and _rests_on_unshared(params, shared):
        detail = ("No run of failing months that would demote" if c.get("met")
                  else "Failed in each of the last months counted (demotion)")
        return {**c, "shortfall": None, "detail": f"{detail}; {WITHHELD_NOTE}.", "withheld": True}
    return c


def _rests_on_unshared(params: Mapping[str, Any], shared: set[str] | None) -> bool:
    """A retention check over several KPIs; evaluations stored before it named them count as unshared."""
    if shared is None:
        return False
    codes = params.get("kpi_codes")
    return codes is None or any(not is_shared(code, shared) for code in codes)


def _visible_month(month: Mapping[str, Any]) -> dict[str, Any]:
    """A month of an unshared criterion: shown in full only when the governor measured it itself."""
    if month.get("source") == "governor":
        return dict(month)
    return {"month": month["month"], "hidden": True}


def governor_at_risk(risk_months: Sequence[tuple[str, str | None]], certificate_risk: bool,
                     shared: set[str] | None) -> bool:
    """At risk as far as the governor can tell: a failing latest month counts only when it is visible to it."""
    return certificate_risk or any(source == "governor" or is_shared(code, shared) for code, source in risk_months)


MET, NOT_MET, CANNOT_TELL = "met", "not met", "cannot tell"


def visible_facts(facts: SupplierFacts, shared: set[str] | None) -> SupplierFacts:
    """The supplier's facts without the self-reported values it has not shared with this governor."""
    return replace(facts, self_values={key: v for key, v in facts.self_values.items() if is_shared(key[0], shared)})


def preview_outcome(criterion: Criterion, facts: SupplierFacts, period: str, shared: set[str] | None) -> str:
    """A candidate KPI threshold tried on the data the governor may see only (own measurements, shared KPIs).

    A month the governor may not see is unknown, whatever the supplier reported: "not met" when a visible
    month fails, "cannot tell" when only unknown months could decide, "met" when every month is visible
    and passes. The caller passes `visible_facts`, so unshared values are not even at hand.
    """
    code, op, threshold = criterion.params["kpi_code"], criterion.params["op"], float(criterion.params["threshold"])
    unknown = False
    for month in window_months(facts.closed_months, period, int(criterion.params["months"])):
        value, source, _ = monthly_value(facts, code, month)
        if source != "governor" and not is_shared(code, shared):
            unknown = True
        elif month not in facts.closed_months or value is None or not passes(value, op, threshold):
            return NOT_MET
    return CANNOT_TELL if unknown else MET

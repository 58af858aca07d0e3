"""Promotion candidates at the next close: suppliers that the next period close would promote if the coming month
meets the monthly thresholds (and any one outstanding record, such as a visit, is logged this month).

A supplier still months away (six months at its stage to go, or two failed months inside a six-month window)
is not a candidate at the next close: the window can only lose its oldest month at one close.
"""
from __future__ import annotations

from .rules import HOLD, Assessment, CriterionResult


def within_one_close(result: CriterionResult) -> bool:
    """Whether an unmet criterion can be met at the next close."""
    if result.met:
        return True
    if result.shortfall != 1:
        return False
    if result.kind == "kpi_threshold":
        # one more good month helps only if the failing month is the oldest, which drops out of the window
        failing = [e for e in result.months if e.status != "met"]
        return bool(result.months) and len(failing) == 1 and failing[0] is result.months[0]
    return True  # one more month at stage, one visit, one certificate, one action or workshop


def is_next_close_candidate(assessment: Assessment) -> bool:
    """Held now, with every unmet entry criterion of the next stage within one close."""
    unmet = assessment.unmet
    return (assessment.recommendation == HOLD and bool(assessment.entry) and bool(unmet)
            and all(within_one_close(c) for c in unmet))

"""The ladder rules engine as it was before it was batched per period (kept as the tests' reference).

A plain per-supplier, per-criterion, per-month implementation of DOMAIN §7, copied from
benchclub/ladder/rules.py before `evaluate_many` shared each period's windows and thresholds across
suppliers. tests/ladder/test_rules_reference.py checks the engine against it on random suppliers.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import date, timedelta
from typing import Any

from benchclub.ladder.facts import Criterion, LadderRules, StageFact, SupplierFacts
from benchclub.ladder.months import month_end_date, month_index, shift_month, window_start_date
from benchclub.ladder.rules import DEMOTE, DEMOTION_MONTHS, HOLD, PROMOTE, Assessment, CriterionResult, MonthEvidence


def criteria_dicts(assessment: Assessment) -> list[dict[str, Any]]:
    """Every criterion as JSON-ready dicts (retention checks first, then the next stage's)."""
    return [_result_dict(r) for r in (*assessment.retention, *assessment.entry)]


def _result_dict(result: CriterionResult) -> dict[str, Any]:
    data = {f.name: getattr(result, f.name) for f in fields(result)}
    data["params"] = dict(result.params)
    data["months"] = [{f.name: getattr(m, f.name) for f in _MONTH_FIELDS
                       if f.name != "threshold" or getattr(m, f.name) is not None} for m in result.months]
    return data


_MONTH_FIELDS = fields(MonthEvidence)


# --- the engine -------------------------------------------------------------------------------


def current_stage(history: Sequence[StageFact], period: str) -> tuple[int, str | None]:
    """The stage in force in `period` and the month it took effect (stage 1 when never changed).

    The one place that decides it: `history` is oldest first, and of two changes that take effect
    in the same month the later one is in force.
    """
    in_force = [h for h in history if h.effective_month <= period]
    if not in_force:
        return 1, None
    _, latest = max(enumerate(in_force), key=lambda item: (item[1].effective_month, item[0]))
    return latest.stage, latest.effective_month


def evaluate(ladder: LadderRules, facts: SupplierFacts, period: str,
             kpi_labels: Mapping[str, str] | None = None, kpi_units: Mapping[str, str] | None = None) -> Assessment:
    """Promote (one stage only), hold or demote, with every criterion and its evidence.

    `kpi_labels` and `kpi_units` (code -> name, code -> short unit) only word the criteria.
    """
    labels = {**(kpi_labels or {}), **{f"{code}:unit": unit for code, unit in (kpi_units or {}).items()}}
    stage, since = current_stage(facts.stage_history, period)
    since = since or facts.linked_month
    months_at = month_index(period) - month_index(since) + 1 if since and since <= period else 0
    retention = _retention_checks(ladder, facts, period, stage, months_at, labels)
    nxt = stage + 1
    entry = tuple(_check(c, facts, period, months_at, labels) for c in ladder.criteria_for(nxt)) \
        if nxt <= ladder.top else ()
    failed_retention = [r for r in retention if not r.met]
    if stage > 1 and failed_retention:
        recommendation, target = DEMOTE, stage - 1
        reason = "; ".join(r.detail for r in failed_retention)
    elif entry and all(r.met for r in entry):
        recommendation, target = PROMOTE, nxt
        reason = f"every entry criterion of stage {nxt} ({ladder.stage_name(nxt)}) is met"
    else:
        recommendation, target = HOLD, stage
        reason = f"{len([r for r in entry if not r.met])} of {len(entry)} criteria for stage {nxt} not yet met" \
            if entry else "at the top of the ladder"
    risk_months, certificate_risk = _risks(ladder, facts, period, stage)
    return Assessment(
        period=period, ladder_version=ladder.version, current_stage=stage, months_at_stage=months_at,
        recommendation=recommendation, target_stage=target, entry=entry, retention=retention,
        at_risk=recommendation != DEMOTE and bool(risk_months or certificate_risk), reason=reason,
        risk_months=risk_months if recommendation != DEMOTE else (),
        certificate_risk=certificate_risk and recommendation != DEMOTE,
    )


def _check(c: Criterion, facts: SupplierFacts, period: str, months_at: int, labels: Mapping[str, str],
           purpose: str = "entry") -> CriterionResult:
    checker = _CHECKERS[c.kind]
    return checker(c, facts, period, months_at, labels, purpose)


def _retention_checks(ladder: LadderRules, facts: SupplierFacts, period: str, stage: int, months_at: int,
                      labels: Mapping[str, str]) -> tuple[CriterionResult, ...]:
    """What keeps a supplier at its stage: monthly criteria not failed 3 months running, certificates held."""
    if stage <= 1:
        return ()
    checks: list[CriterionResult] = []
    monthly = [c for c in ladder.criteria_for(stage) if c.kind == "kpi_threshold"]
    if monthly and months_at >= DEMOTION_MONTHS:
        checks.append(_monthly_held(monthly, facts, period, stage, labels))
    for s in range(2, stage + 1):
        for c in ladder.criteria_for(s):
            if c.kind == "certificate":
                checks.append(_check(c, facts, period, months_at, labels, purpose="retention"))
    return tuple(checks)


def _monthly_held(monthly: list[Criterion], facts: SupplierFacts, period: str, stage: int,
                  labels: Mapping[str, str]) -> CriterionResult:
    """Failed when some monthly criterion of the stage failed in each of the last 3 closed months."""
    months = window_months(facts.closed_months, period, DEMOTION_MONTHS)
    failing = [m for m in months if not all(_month_met(c, facts, m) for c in monthly)]
    met = len(failing) < DEMOTION_MONTHS
    detail = (f"stage {stage} monthly criteria failed in {len(failing)} of the last {DEMOTION_MONTHS} months"
              + ("" if met else " (demotion after 3 failing months)"))
    codes = sorted({c.params["kpi_code"] for c in monthly})
    return CriterionResult(stage=stage, kind="monthly_held", purpose="retention", met=met, detail=detail,
                           name=f"Stage {stage} monthly criteria not failed {DEMOTION_MONTHS} months running",
                           params={"months": DEMOTION_MONTHS, "kpi_codes": codes}, shortfall=0 if met else 1)


def _risks(ladder: LadderRules, facts: SupplierFacts, period: str,
           stage: int) -> tuple[tuple[tuple[str, str | None], ...], bool]:
    """Monthly criteria of the current stage failing in the latest month (kpi, source); a required certificate expiring."""
    if stage <= 1:
        return (), False
    monthly = [c for c in ladder.criteria_for(stage) if c.kind == "kpi_threshold"]
    latest = window_months(facts.closed_months, period, 1)
    failing = tuple((c.params["kpi_code"], monthly_value(facts, c.params["kpi_code"], latest[0])[1])
                    for c in monthly if latest and not _month_met(c, facts, latest[0]))
    on = month_end_date(period)
    expiring = any(c.kind == "certificate" and not _certificate_held(c, facts, on + timedelta(days=90))
                   for s in range(2, stage + 1) for c in ladder.criteria_for(s))
    return failing, expiring


# --- monthly KPI thresholds -------------------------------------------------------------------


def window_months(closed_months: Sequence[str], period: str, n: int) -> list[str]:
    """The last n closed months up to the period, padded back with earlier calendar months if too few."""
    months = sorted(m for m in set(closed_months) if m <= period)[-n:]
    first = months[0] if months else shift_month(period, 1)
    padding = [shift_month(first, -i) for i in range(n - len(months), 0, -1)]
    return padding + months


def monthly_value(facts: SupplierFacts, kpi: str, month: str) -> tuple[float | None, str | None, bool]:
    """(value, source, is_nil): the governor's measurement where preferred and present, else self-reported."""
    if kpi in facts.governor_preferred:
        gov = facts.governor_values.get((kpi, month))
        if gov is not None:
            return gov, "governor", False
    if (kpi, month) in facts.self_values:
        value = facts.self_values[(kpi, month)]
        return value, ("self" if value is not None else None), value is None
    if (kpi, month) in facts.governor_values:  # only a governor nil return: no evidence
        return None, None, True
    return None, None, False


def passes(value: float, op: str, threshold: float) -> bool:
    """A value against a threshold: at or below for "<=", at or above for ">="."""
    return value <= threshold if op == "<=" else value >= threshold


def month_threshold(c: Criterion, month: str) -> float:
    """The threshold a month is judged against: the one in force when that month closed."""
    return float(c.month_thresholds.get(month, c.params["threshold"]))


def _month_met(c: Criterion, facts: SupplierFacts, month: str) -> bool:
    value, _, _ = monthly_value(facts, c.params["kpi_code"], month)
    return value is not None and month in facts.closed_months and passes(value, c.params["op"],
                                                                            month_threshold(c, month))


def _month_evidence(c: Criterion, facts: SupplierFacts, month: str) -> MonthEvidence:
    value, source, nil = monthly_value(facts, c.params["kpi_code"], month)
    if month not in facts.closed_months:
        return MonthEvidence(month, None, None, "missing")
    threshold = month_threshold(c, month)
    earlier = threshold if threshold != float(c.params["threshold"]) else None
    if value is None:
        return MonthEvidence(month, None, None, "nil return" if nil else "missing", earlier)
    status = "met" if passes(value, c.params["op"], threshold) else "not met"
    return MonthEvidence(month, value, source, status, earlier)


def kpi_criterion_name(params: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """'On-time delivery >= 95 in each of the last 6 months'."""
    label = labels.get(params["kpi_code"], params["kpi_code"])
    sign = "\u2264" if params["op"] == "<=" else "\u2265"
    return f"{label} {sign} {_amount(params, labels)} in each of the last {int(params['months'])} months"


def _amount(params: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """'500 ppm', '95%' or plain '500' when the unit is not known."""
    unit = labels.get(f"{params['kpi_code']}:unit", "")
    return f"{float(params['threshold']):g}" + ("" if not unit else unit if unit == "%" else f" {unit}")


def _kpi_threshold(c: Criterion, facts: SupplierFacts, period: str, months_at: int, labels: Mapping[str, str],
                   purpose: str) -> CriterionResult:
    n = int(c.params["months"])
    evidence = tuple(_month_evidence(c, facts, m) for m in window_months(facts.closed_months, period, n))
    good = sum(1 for e in evidence if e.status == "met")
    side = "at or below" if c.params["op"] == "<=" else "at or above"
    detail = f"{good} of the last {n} months {side} {_amount(c.params, labels)}"
    missing, nils = _count(evidence, "missing"), _count(evidence, "nil return")
    notes = ([f"{missing} without a value"] if missing else []) + \
        ([f"{nils} nil return{'s' if nils > 1 else ''}"] if nils else [])
    if good < n:
        detail += f"; {n - good} more needed" + (f" ({', '.join(notes)})" if notes else "")
    return CriterionResult(stage=c.stage, kind=c.kind, name=kpi_criterion_name(c.params, labels), met=good == n,
                           detail=detail, purpose=purpose, params=c.params, months=evidence, shortfall=n - good)


def _count(evidence: Sequence[MonthEvidence], status: str) -> int:
    return sum(1 for e in evidence if e.status == status)


# --- records: certificates, visits, actions, workshops, time at stage ------------------------


def _certificate_held(c: Criterion, facts: SupplierFacts, on: date) -> bool:
    standards = set(c.params["standards"])
    return any(f.standard in standards and f.issued_on <= on <= f.expires_on for f in facts.certificates)


def _certificate(c: Criterion, facts: SupplierFacts, period: str, months_at: int, labels: Mapping[str, str],
                 purpose: str) -> CriterionResult:
    """Valid (or expiring, which is still valid) on the last day of the evaluated period."""
    on = month_end_date(period)
    standards = list(c.params["standards"])
    wanted = " or ".join(standards)
    held = [f for f in facts.certificates if f.standard in standards and f.issued_on <= on <= f.expires_on]
    if held:
        best = max(held, key=lambda f: f.expires_on)
        expiring = best.expires_on - on <= timedelta(days=90)
        detail = f"{best.standard} valid until {best.expires_on.isoformat()}" + (" (expiring)" if expiring else "")
    else:
        past = [f for f in facts.certificates if f.standard in standards and f.expires_on < on]
        detail = (f"{max(past, key=lambda f: f.expires_on).standard} expired on "
                  f"{max(f.expires_on for f in past).isoformat()}") if past else f"no valid {wanted} certificate"
    name = f"Valid {wanted} certificate"
    return CriterionResult(stage=c.stage, kind=c.kind, name=name, met=bool(held), detail=detail, purpose=purpose,
                           params=c.params, shortfall=0 if held else 1)


def _visit(c: Criterion, facts: SupplierFacts, period: str, months_at: int, labels: Mapping[str, str],
           purpose: str) -> CriterionResult:
    n, role, outcome = int(c.params["months"]), c.params["visitor_role"], c.params["outcome"]
    start, end = window_start_date(period, n), month_end_date(period)
    hits = sorted(v.visited_on for v in facts.visits
                  if v.visitor_role == role and v.outcome == outcome and start <= v.visited_on <= end)
    detail = (f"{role} visit {outcome} on {hits[-1].isoformat()}" if hits
              else f"no {role} visit with outcome {outcome} since {start.isoformat()}")
    return CriterionResult(stage=c.stage, kind=c.kind, name=f"A {role} visit with outcome {outcome} in the last "
                           f"{n} months", met=bool(hits), detail=detail, purpose=purpose, params=c.params,
                           shortfall=0 if hits else 1)


def _counted(what: str, dates: Sequence[date], c: Criterion, period: str, purpose: str) -> CriterionResult:
    n, k = int(c.params["months"]), int(c.params["count"])
    start, end = window_start_date(period, n), month_end_date(period)
    got = sum(1 for d in dates if start <= d <= end)
    detail = f"{got} of {k} {what} since {start.isoformat()}" + (f"; {k - got} more needed" if got < k else "")
    return CriterionResult(stage=c.stage, kind=c.kind, name=f"At least {k} {what} in the last {n} months",
                           met=got >= k, detail=detail, purpose=purpose, params=c.params, shortfall=max(0, k - got))


def _actions(c: Criterion, facts: SupplierFacts, period: str, months_at: int, labels: Mapping[str, str],
             purpose: str) -> CriterionResult:
    return _counted("improvement actions completed", facts.actions_completed, c, period, purpose)


def _workshops(c: Criterion, facts: SupplierFacts, period: str, months_at: int, labels: Mapping[str, str],
               purpose: str) -> CriterionResult:
    return _counted("best-in-class workshops attended", facts.workshops_attended, c, period, purpose)


def _months_at_stage(c: Criterion, facts: SupplierFacts, period: str, months_at: int, labels: Mapping[str, str],
                     purpose: str) -> CriterionResult:
    n = int(c.params["months"])
    unit = "month" if months_at == 1 else "months"
    detail = f"{months_at} {unit} at stage {c.stage - 1}" + (f"; {n - months_at} more needed" if months_at < n else "")
    return CriterionResult(stage=c.stage, kind=c.kind, name=f"At least {n} months at stage {c.stage - 1}",
                           met=months_at >= n, detail=detail, purpose=purpose, params=c.params,
                           shortfall=max(0, n - months_at))


_CHECKERS = {
    "kpi_threshold": _kpi_threshold,
    "certificate": _certificate,
    "visit": _visit,
    "actions_completed": _actions,
    "workshops_attended": _workshops,
    "months_at_stage": _months_at_stage,
}

"""The ladder rules engine (DOMAIN §7): pure functions over plain data, no database.

Given a ladder (stages and criteria as data) and one supplier's facts (monthly values, certificates,
visits, stage history, completed actions, attended workshops), `evaluate` says whether to promote,
hold or demote, and lists every criterion with its evidence month by month.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .facts import CertificateFact, Criterion, LadderRules, Stage, StageFact, SupplierFacts, VisitFact
from .months import month_end_date, month_index, shift_month, window_start_date

__all__ = ["CertificateFact", "Criterion", "LadderRules", "Stage", "StageFact", "SupplierFacts", "VisitFact",
           "evaluate", "evaluate_many", "current_stage", "monthly_value"]

PROMOTE, HOLD, DEMOTE = "promote", "hold", "demote"
DEMOTION_MONTHS = 3


# --- outputs ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthEvidence:
    """One month of a monthly criterion: the value used, where it came from, and the verdict."""

    month: str
    value: float | None
    source: str | None  # "governor", "self" or None
    status: str  # "met", "not met", "nil return", "missing"
    threshold: float | None = None  # set when the month was judged against an earlier version's threshold


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """A criterion checked against the evidence; `purpose` is "entry" (next stage) or "retention"."""

    stage: int
    kind: str
    name: str
    met: bool
    detail: str
    purpose: str = "entry"
    params: Mapping[str, Any] = field(default_factory=dict)
    months: tuple[MonthEvidence, ...] = ()
    shortfall: int = 0


@dataclass(frozen=True, slots=True)
class Assessment:
    """The engine's answer for one supplier and period."""

    period: str
    ladder_version: int
    current_stage: int
    months_at_stage: int
    recommendation: str
    target_stage: int
    entry: tuple[CriterionResult, ...]
    retention: tuple[CriterionResult, ...]
    at_risk: bool
    reason: str
    # why at risk, for views that may only use some evidence: (kpi_code, source) of each monthly criterion
    # of the current stage failing in the latest month, and whether a required certificate is expiring
    risk_months: tuple[tuple[str, str | None], ...] = ()
    certificate_risk: bool = False

    @property
    def unmet(self) -> list[CriterionResult]:
        """The next stage's criteria not yet met."""
        return [c for c in self.entry if not c.met]

    @property
    def is_promotion_candidate(self) -> bool:
        """All entry criteria of the next stage met but one."""
        return self.recommendation == HOLD and len(self.entry) > 1 and len(self.unmet) == 1

    def criteria_dicts(self) -> list[dict[str, Any]]:
        """Every criterion as JSON-ready dicts (retention checks first, then the next stage's)."""
        return [result_dict(r) for r in (*self.retention, *self.entry)]


def result_dict(result: CriterionResult) -> dict[str, Any]:
    # Built field by field (same keys, same order as the dataclass fields): asdict() deep-copied every
    # field, and a loop over fields() was still most of serialising a 5,000-supplier evaluation.
    return {"stage": result.stage, "kind": result.kind, "name": result.name, "met": result.met,
            "detail": result.detail, "purpose": result.purpose, "params": dict(result.params),
            "months": [month_dict(m) for m in result.months], "shortfall": result.shortfall}


def month_dict(m: MonthEvidence) -> dict[str, Any]:
    if m.threshold is None:
        return {"month": m.month, "value": m.value, "source": m.source, "status": m.status}
    return {"month": m.month, "value": m.value, "source": m.source, "status": m.status, "threshold": m.threshold}


# --- the engine -------------------------------------------------------------------------------


def current_stage(history: Sequence[StageFact], period: str) -> tuple[int, str | None]:
    """The stage in force in `period` and the month it took effect (stage 1 when never changed).

    The one place that decides it: `history` is oldest first, and of two changes that take effect
    in the same month the later one is in force.
    """
    latest: StageFact | None = None
    for h in history:  # oldest first: a later change of the same month wins
        if h.effective_month <= period and (latest is None or h.effective_month >= latest.effective_month):
            latest = h
    if latest is None:
        return 1, None
    return latest.stage, latest.effective_month


def evaluate(ladder: LadderRules, facts: SupplierFacts, period: str,
             kpi_labels: Mapping[str, str] | None = None, kpi_units: Mapping[str, str] | None = None) -> Assessment:
    """Promote (one stage only), hold or demote, with every criterion and its evidence.

    `kpi_labels` and `kpi_units` (code -> name, code -> short unit) only word the criteria.
    """
    return evaluate_many(ladder, [facts], period, kpi_labels, kpi_units)[0]


def evaluate_many(ladder: LadderRules, suppliers: Sequence[SupplierFacts], period: str,
                  kpi_labels: Mapping[str, str] | None = None,
                  kpi_units: Mapping[str, str] | None = None) -> list[Assessment]:
    """`evaluate` for many suppliers of one ladder and period, in their order.

    What is the same for every supplier (the windows of closed months, each month's threshold and
    verdict wording, criterion names, the period's dates) is worked out once per period (`PeriodRules`),
    then each supplier costs one look-up per KPI and month of evidence.
    """
    labels = {**(kpi_labels or {}), **{f"{code}:unit": unit for code, unit in (kpi_units or {}).items()}}
    contexts: dict[int, PeriodRules] = {}
    out = []
    for facts in suppliers:
        closed = facts.closed_months  # the club's closed months: one shared list when loaded together
        ctx = contexts.get(id(closed))
        if ctx is None or ctx.closed_months is not closed:
            ctx = contexts[id(closed)] = PeriodRules(ladder, closed, period, labels)
        out.append(ctx.evaluate(facts))
    return out


class KpiPlan:
    """A monthly KPI criterion laid out over its window for one period: per month (month, key, threshold,
    earlier threshold, and the evidence of a month without a value), plus the criterion's wording."""

    __slots__ = ("criterion", "code", "op_le", "n", "slots", "name", "side", "amount")

    def __init__(self, c: Criterion, ctx: PeriodRules) -> None:
        self.criterion = c
        self.code = code = c.params["kpi_code"]
        self.op_le = c.params["op"] == "<="
        self.n = int(c.params["months"])
        base = float(c.params["threshold"])
        self.slots = []
        for m in ctx.window(self.n):
            if m not in ctx.closed:
                self.slots.append((m, None, None, None, MonthEvidence(m, None, None, "missing"), None))
                continue
            threshold = month_threshold(c, m)
            earlier = threshold if threshold != base else None
            self.slots.append((m, (code, m), threshold, earlier, MonthEvidence(m, None, None, "missing", earlier),
                               MonthEvidence(m, None, None, "nil return", earlier)))
        self.name = kpi_criterion_name(c.params, ctx.labels)
        self.side = "at or below" if self.op_le else "at or above"
        self.amount = _amount(c.params, ctx.labels)


def recommend(ladder: LadderRules, stage: int, failed_retention: Sequence[str], entry_total: int,
              entry_unmet: int) -> tuple[str, int, str]:
    """(recommendation, target stage, reason) of a supplier at `stage`: demote when a retention criterion
    failed (above stage 1), promote when every entry criterion of the next stage is met, else hold. The one
    rule for the engine (`PeriodRules.evaluate`) and the close's batch (`batch._Batch.decide`)."""
    nxt = stage + 1
    if stage > 1 and failed_retention:
        return DEMOTE, stage - 1, "; ".join(failed_retention)
    if entry_total and not entry_unmet:
        return PROMOTE, nxt, f"every entry criterion of stage {nxt} ({ladder.stage_name(nxt)}) is met"
    reason = f"{entry_unmet} of {entry_total} criteria for stage {nxt} not yet met" if entry_total \
        else "at the top of the ladder"
    return HOLD, stage, reason


class PeriodRules:
    """Everything about one ladder, period and list of closed months that does not depend on the supplier."""

    def __init__(self, ladder: LadderRules, closed_months: Sequence[str], period: str,
                 labels: Mapping[str, str]) -> None:
        self.ladder, self.closed_months, self.period, self.labels = ladder, closed_months, period, labels
        self.closed = frozenset(closed_months)
        self.end = month_end_date(period)
        self.period_index = month_index(period)
        self._windows: dict[int, list[str]] = {}
        self._stage_criteria: dict[int, list[Criterion]] = {}
        self._kpi: dict[int, KpiPlan] = {}
        self._starts: dict[int, date] = {}
        self._top: int | None = None

    # -- per-period look-ups, each computed on first use ----------------------------------------

    def window(self, n: int) -> list[str]:
        months = self._windows.get(n)
        if months is None:
            months = self._windows[n] = window_months(self.closed_months, self.period, n)
        return months

    def criteria_for(self, stage: int) -> list[Criterion]:
        found = self._stage_criteria.get(stage)
        if found is None:
            found = self._stage_criteria[stage] = self.ladder.criteria_for(stage)
        return found

    def kpi(self, c: Criterion) -> KpiPlan:
        plan = self._kpi.get(id(c))
        if plan is None or plan.criterion is not c:
            plan = self._kpi[id(c)] = KpiPlan(c, self)
        return plan

    def start(self, n: int) -> date:
        found = self._starts.get(n)
        if found is None:
            found = self._starts[n] = window_start_date(self.period, n)
        return found

    @property
    def top(self) -> int:
        if self._top is None:
            self._top = self.ladder.top
        return self._top

    # -- one supplier ---------------------------------------------------------------------------

    def evaluate(self, facts: SupplierFacts) -> Assessment:
        period, ladder = self.period, self.ladder
        stage, since = current_stage(facts.stage_history, period)
        since = since or facts.linked_month
        months_at = self.period_index - month_index(since) + 1 if since and since <= period else 0
        retention = self._retention_checks(facts, stage, months_at)
        nxt = stage + 1
        entry = tuple(self.check(c, facts, months_at, "entry") for c in self.criteria_for(nxt)) \
            if nxt <= self.top else ()
        recommendation, target, reason = recommend(ladder, stage, [r.detail for r in retention if not r.met],
                                                   len(entry), sum(1 for r in entry if not r.met))
        risk_months, certificate_risk = self._risks(facts, stage)
        return Assessment(
            period=period, ladder_version=ladder.version, current_stage=stage, months_at_stage=months_at,
            recommendation=recommendation, target_stage=target, entry=entry, retention=retention,
            at_risk=recommendation != DEMOTE and bool(risk_months or certificate_risk), reason=reason,
            risk_months=risk_months if recommendation != DEMOTE else (),
            certificate_risk=certificate_risk and recommendation != DEMOTE,
        )

    def check(self, c: Criterion, facts: SupplierFacts, months_at: int, purpose: str) -> CriterionResult:
        if c.kind == "kpi_threshold":
            return self._kpi_threshold(self.kpi(c), facts, purpose)
        return _CHECKERS[c.kind](c, facts, self, months_at, purpose)

    def _retention_checks(self, facts: SupplierFacts, stage: int, months_at: int) -> tuple[CriterionResult, ...]:
        """What keeps a supplier at its stage: monthly criteria not failed 3 months running, certificates held."""
        if stage <= 1:
            return ()
        checks: list[CriterionResult] = []
        monthly = [c for c in self.criteria_for(stage) if c.kind == "kpi_threshold"]
        if monthly and months_at >= DEMOTION_MONTHS:
            checks.append(self._monthly_held(monthly, facts, stage))
        for s in range(2, stage + 1):
            for c in self.criteria_for(s):
                if c.kind == "certificate":
                    checks.append(self.check(c, facts, months_at, "retention"))
        return tuple(checks)

    def _monthly_held(self, monthly: list[Criterion], facts: SupplierFacts, stage: int) -> CriterionResult:
        """Failed when some monthly criterion of the stage failed in each of the last 3 closed months."""
        failing = [m for m in self.window(DEMOTION_MONTHS)
                   if not all(self._month_met(c, facts, m) for c in monthly)]
        return held_result(monthly, stage, len(failing))

    def _month_met(self, c: Criterion, facts: SupplierFacts, month: str) -> bool:
        value, _, _ = monthly_value(facts, c.params["kpi_code"], month)
        return value is not None and month in self.closed and passes(value, c.params["op"], month_threshold(c, month))

    def _risks(self, facts: SupplierFacts, stage: int) -> tuple[tuple[tuple[str, str | None], ...], bool]:
        """Monthly criteria of the current stage failing in the latest month (kpi, source); a required
        certificate expiring."""
        if stage <= 1:
            return (), False
        monthly = [c for c in self.criteria_for(stage) if c.kind == "kpi_threshold"]
        latest = self.window(1)
        failing = tuple((c.params["kpi_code"], monthly_value(facts, c.params["kpi_code"], latest[0])[1])
                        for c in monthly if latest and not self._month_met(c, facts, latest[0]))
        soon = self.end + timedelta(days=90)
        expiring = any(c.kind == "certificate" and not _certificate_held(c, facts, soon)
                       for s in range(2, stage + 1) for c in self.criteria_for(s))
        return failing, expiring

    def _kpi_threshold(self, plan: KpiPlan, facts: SupplierFacts, purpose: str) -> CriterionResult:
        """Each month of the window: the value used (governor's where preferred), its source and verdict."""
        preferred = plan.code in facts.governor_preferred
        own, measured = facts.self_values, facts.governor_values
        op_le = plan.op_le
        evidence = []
        good = missing = nils = 0
        for month, key, threshold, earlier, no_value, nil_return in plan.slots:
            value, source = _month_value(key, preferred, own, measured)
            if source == "nil":
                evidence.append(nil_return)
                nils += 1
            elif source == "missing":
                evidence.append(no_value)
                missing += 1
            elif value <= threshold if op_le else value >= threshold:
                evidence.append(MonthEvidence(month, value, source, "met", earlier))
                good += 1
            else:
                evidence.append(MonthEvidence(month, value, source, "not met", earlier))
        return kpi_result(plan, good, missing, nils, purpose, tuple(evidence))


def kpi_result(plan: KpiPlan, good: int, missing: int, nils: int, purpose: str,
               months: tuple[MonthEvidence, ...]) -> CriterionResult:
    """A monthly KPI criterion's result from its counts of months met, without a value and nil returns."""
    n = plan.n
    c = plan.criterion
    return CriterionResult(stage=c.stage, kind=c.kind, name=plan.name, met=good == n,
                           detail=threshold_detail(plan, good, missing, nils), purpose=purpose,
                           params=c.params, months=months, shortfall=n - good)


def held_result(monthly: Sequence[Criterion], stage: int, failing: int) -> CriterionResult:
    """The retention check of a stage's monthly criteria, from how many of the last 3 months failed."""
    met = failing < DEMOTION_MONTHS
    detail = (f"stage {stage} monthly criteria failed in {failing} of the last {DEMOTION_MONTHS} months"
              + ("" if met else " (demotion after 3 failing months)"))
    codes = sorted({c.params["kpi_code"] for c in monthly})
    return CriterionResult(stage=stage, kind="monthly_held", purpose="retention", met=met, detail=detail,
                           name=f"Stage {stage} monthly criteria not failed {DEMOTION_MONTHS} months running",
                           params={"months": DEMOTION_MONTHS, "kpi_codes": codes}, shortfall=0 if met else 1)


def _month_value(key, preferred: bool, own: dict, measured: dict) -> tuple:
    """One month's value and its source: "governor" (where preferred), "self", "nil" (a nil return, no
    evidence) or "missing" (no closed month, or no value)."""
    if key is None:  # not a closed month
        return None, "missing"
    value = measured.get(key) if preferred else None
    if value is not None:
        return value, "governor"
    if key in own:
        return own[key], ("self" if own[key] is not None else "nil")
    return None, ("nil" if key in measured else "missing")  # only a governor nil return: no evidence


def threshold_detail(plan: KpiPlan, good: int, missing: int, nils: int) -> str:
    """'g of the last n months <side> <amount>', with what is still needed and why."""
    n = plan.n
    detail = f"{good} of the last {n} months {plan.side} {plan.amount}"
    if good < n:
        notes = ([f"{missing} without a value"] if missing else []) + \
            ([f"{nils} nil return{'s' if nils > 1 else ''}"] if nils else [])
        detail += f"; {n - good} more needed" + (f" ({', '.join(notes)})" if notes else "")
    return detail


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


def kpi_criterion_name(params: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """'On-time delivery >= 95 in each of the last 6 months'."""
    label = labels.get(params["kpi_code"], params["kpi_code"])
    sign = "\u2264" if params["op"] == "<=" else "\u2265"
    return f"{label} {sign} {_amount(params, labels)} in each of the last {int(params['months'])} months"


def _amount(params: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """'500 ppm', '95%' or plain '500' when the unit is not known."""
    unit = labels.get(f"{params['kpi_code']}:unit", "")
    return f"{float(params['threshold']):g}" + ("" if not unit else unit if unit == "%" else f" {unit}")


# --- records: certificates, visits, actions, workshops, time at stage ------------------------


def _certificate_held(c: Criterion, facts: SupplierFacts, on: date) -> bool:
    standards = set(c.params["standards"])
    return any(f.standard in standards and f.issued_on <= on <= f.expires_on for f in facts.certificates)


def _certificate(c: Criterion, facts: SupplierFacts, ctx: PeriodRules, months_at: int, purpose: str) -> CriterionResult:
    """Valid (or expiring, which is still valid) on the last day of the evaluated period."""
    on = ctx.end
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


def _visit(c: Criterion, facts: SupplierFacts, ctx: PeriodRules, months_at: int, purpose: str) -> CriterionResult:
    n, role, outcome = int(c.params["months"]), c.params["visitor_role"], c.params["outcome"]
    start, end = ctx.start(n), ctx.end
    hits = sorted(v.visited_on for v in facts.visits
                  if v.visitor_role == role and v.outcome == outcome and start <= v.visited_on <= end)
    detail = (f"{role} visit {outcome} on {hits[-1].isoformat()}" if hits
              else f"no {role} visit with outcome {outcome} since {start.isoformat()}")
    return CriterionResult(stage=c.stage, kind=c.kind, name=f"A {role} visit with outcome {outcome} in the last "
                           f"{n} months", met=bool(hits), detail=detail, purpose=purpose, params=c.params,
                           shortfall=0 if hits else 1)


def _counted(what: str, dates: Sequence[date], c: Criterion, ctx: PeriodRules, purpose: str) -> CriterionResult:
    n, k = int(c.params["months"]), int(c.params["count"])
    start, end = ctx.start(n), ctx.end
    got = sum(1 for d in dates if start <= d <= end)
    detail = f"{got} of {k} {what} since {start.isoformat()}" + (f"; {k - got} more needed" if got < k else "")
    return CriterionResult(stage=c.stage, kind=c.kind, name=f"At least {k} {what} in the last {n} months",
                           met=got >= k, detail=detail, purpose=purpose, params=c.params, shortfall=max(0, k - got))


def _actions(c: Criterion, facts: SupplierFacts, ctx: PeriodRules, months_at: int, purpose: str) -> CriterionResult:
    return _counted("improvement actions completed", facts.actions_completed, c, ctx, purpose)


def _workshops(c: Criterion, facts: SupplierFacts, ctx: PeriodRules, months_at: int, purpose: str) -> CriterionResult:
    return _counted("best-in-class workshops attended", facts.workshops_attended, c, ctx, purpose)


def _months_at_stage(c: Criterion, facts: SupplierFacts, ctx: PeriodRules, months_at: int,
                     purpose: str) -> CriterionResult:
    n = int(c.params["months"])
    unit = "month" if months_at == 1 else "months"
    detail = f"{months_at} {unit} at stage {c.stage - 1}" + (f"; {n - months_at} more needed" if months_at < n else "")
    return CriterionResult(stage=c.stage, kind=c.kind, name=f"At least {n} months at stage {c.stage - 1}",
                           met=months_at >= n, detail=detail, purpose=purpose, params=c.params,
                           shortfall=max(0, n - months_at))


_CHECKERS = {
    "certificate": _certificate,
    "visit": _visit,
    "actions_completed": _actions,
    "workshops_attended": _workshops,
    "months_at_stage": _months_at_stage,
}

"""The ladder rules for every supplier of one governor at once, as the rows a period close stores (DOMAIN §7).

`evaluate_stored` answers, for each supplier, what `rules.evaluate` answers and `evaluation` stores: the
stage in force, the recommendation, the target stage, the reason, and the criteria as the JSON text that
`json.dumps(Assessment.criteria_dicts())` gives. Monthly KPI criteria and the retention check are worked
out per criterion across all suppliers with numpy; certificates, visits, actions, workshops and time at
stage go through the engine's own checkers, called only for suppliers that have such records (the others
share one answer). tests/ladder/test_batch_reference.py compares it with the engine on random suppliers.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .facts import Criterion, LadderRules, SupplierFacts
from .months import month_index
from .rules import (
    DEMOTION_MONTHS,
    CriterionResult,
    KpiPlan,
    MonthEvidence,
    PeriodRules,
    current_stage,
    held_result,
    kpi_result,
    month_dict,
    month_threshold,
    recommend,
    result_dict,
)

#: (stage, recommendation, target stage, reason, criteria as JSON text), one per supplier
StoredRow = tuple[int, str, int, str, str]
NONE, NIL, SELF, GOVERNOR = 0, 1, 2, 3  # where a month's value comes from (SupplierFacts semantics)


@dataclass(slots=True)
class KpiColumn:
    """One KPI and month for every supplier, by position: a row exists, it is a nil return, its value."""

    present: np.ndarray  # bool
    nil: np.ndarray  # bool
    value: np.ndarray  # float, 0 where there is no value


@dataclass
class Suppliers:
    """`SupplierFacts` of many suppliers of one governor, by position, sharing the club's closed months and
    the KPIs measured by the governor; certificates, visits, stage history, actions and workshops are kept
    (as SupplierFacts without values) only for positions that have any."""

    count: int
    closed_months: Sequence[str]
    governor_preferred: frozenset[str]
    linked_months: Sequence[str | None]
    self_values: dict[tuple[str, str], KpiColumn] = field(default_factory=dict)
    governor_values: dict[tuple[str, str], KpiColumn] = field(default_factory=dict)
    records: dict[int, SupplierFacts] = field(default_factory=dict)


def from_facts(suppliers: Sequence[SupplierFacts]) -> Suppliers:
    """Many suppliers' facts by position (they must share closed months and governor-measured KPIs)."""
    first = suppliers[0]
    n = len(suppliers)
    out = Suppliers(n, first.closed_months, first.governor_preferred, [f.linked_month for f in suppliers])
    for pos, f in enumerate(suppliers):
        assert list(f.closed_months) == list(first.closed_months) and f.governor_preferred == first.governor_preferred
        for values, columns in ((f.self_values, out.self_values), (f.governor_values, out.governor_values)):
            for key, value in values.items():
                column = columns.get(key)
                if column is None:
                    column = columns[key] = KpiColumn(np.zeros(n, bool), np.zeros(n, bool), np.zeros(n))
                column.present[pos], column.nil[pos] = True, value is None
                column.value[pos] = 0.0 if value is None else value
        if f.certificates or f.visits or f.stage_history or f.actions_completed or f.workshops_attended:
            out.records[pos] = SupplierFacts(f.closed_months, certificates=f.certificates, visits=f.visits,
                                             stage_history=f.stage_history, actions_completed=f.actions_completed,
                                             workshops_attended=f.workshops_attended)
    return out


def evaluate_stored(ladder: LadderRules, suppliers: Suppliers, period: str,
                    kpi_labels: Mapping[str, str] | None = None,
                    kpi_units: Mapping[str, str] | None = None) -> list[StoredRow]:
    """What `evaluate_many` would store for each supplier, in their order."""
    labels = {**(kpi_labels or {}), **{f"{code}:unit": unit for code, unit in (kpi_units or {}).items()}}
    batch = _Batch(PeriodRules(ladder, suppliers.closed_months, period, labels), suppliers)
    stages, months_at = batch.stages()
    out: list = [None] * suppliers.count
    keys = stages * 2 + (months_at >= DEMOTION_MONTHS)
    for key in np.unique(keys).tolist():
        idx = np.flatnonzero(keys == key)
        batch.decide(key // 2, idx, months_at[idx], out)
    return out


@dataclass(slots=True)
class _Checked:
    """One criterion for a group of suppliers: met, its JSON text and detail, one per supplier."""

    met: list[bool]
    texts: list[str]
    details: list[str]


class _Batch:
    """One ladder, period and set of suppliers: each KPI month's source and value is worked out once."""

    def __init__(self, ctx: PeriodRules, suppliers: Suppliers) -> None:
        self.ctx, self.sup = ctx, suppliers
        self.empty = SupplierFacts(suppliers.closed_months, governor_preferred=suppliers.governor_preferred)
        self._sources: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._texts: dict[tuple, object] = {}

    def stages(self) -> tuple[np.ndarray, np.ndarray]:
        """Every supplier's stage in force and months at it (counted from the link when never changed)."""
        sup, period = self.sup, self.ctx.period
        stage = np.ones(sup.count, dtype=np.int64)
        since = list(sup.linked_months)
        for pos, facts in sup.records.items():
            if facts.stage_history:
                stage[pos], when = current_stage(facts.stage_history, period)
                since[pos] = when or since[pos]
        counted: dict[str | None, int] = {}
        for month in set(since):
            counted[month] = self.ctx.period_index - month_index(month) + 1 if month and month <= period else 0
        return stage, np.array([counted[m] for m in since], dtype=np.int64)

    def decide(self, stage: int, idx: np.ndarray, months_at: np.ndarray, out: list) -> None:
        """Recommendation, reason and criteria of a group of suppliers at one stage."""
        ctx, nxt = self.ctx, stage + 1
        retention = self._retention(stage, idx, months_at)
        entry = [self._check(c, idx, months_at, "entry") for c in ctx.criteria_for(nxt)] if nxt <= ctx.top else []
        unmet = np.zeros(len(idx), dtype=np.int64)
        for e in entry:
            unmet += ~np.array(e.met)
        decided = {k: recommend(ctx.ladder, stage, (), len(entry), k) for k in set(unmet.tolist())}  # no demotion
        checked = retention + entry
        texts = ["[" + ", ".join(t) + "]" for t in zip(*(c.texts for c in checked), strict=True)] if checked else ["[]"] * len(idx)
        for j, (pos, k) in enumerate(zip(idx.tolist(), unmet.tolist(), strict=True)):
            failed = [r.details[j] for r in retention if not r.met[j]] if stage > 1 else ()
            out[pos] = (stage, *(recommend(ctx.ladder, stage, failed, len(entry), k) if failed else decided[k]), texts[j])

    def _retention(self, stage: int, idx: np.ndarray, months_at: np.ndarray) -> list[_Checked]:
        """`PeriodRules._retention_checks` for a group whose months at stage are all >= 3 or all < 3."""
        if stage <= 1:
            return []
        ctx, checks = self.ctx, []
        monthly = [c for c in ctx.criteria_for(stage) if c.kind == "kpi_threshold"]
        if monthly and len(idx) and months_at[0] >= DEMOTION_MONTHS:
            checks.append(self._held(monthly, stage, idx))
        for s in range(2, stage + 1):
            checks.extend(self._check(c, idx, months_at, "retention") for c in ctx.criteria_for(s)
                          if c.kind == "certificate")
        return checks

    def _check(self, c: Criterion, idx: np.ndarray, months_at: np.ndarray, purpose: str) -> _Checked:
        if c.kind == "kpi_threshold":
            return self._kpi(self.ctx.kpi(c), idx, purpose)
        if c.kind == "months_at_stage":
            return self._by_months_at(c, months_at, purpose)
        return self._records(c, idx, purpose)

    # -- criteria read from records: the engine's checkers --------------------------------------

    def _encoded(self, c: Criterion, result: CriterionResult) -> tuple[bool, str, str]:
        key = (id(c), result.purpose, result.met, result.detail, result.shortfall)
        found = self._texts.get(key)
        if found is None:
            found = self._texts[key] = (result.met, json.dumps(result_dict(result)), result.detail)
        return found  # type: ignore[return-value]

    def _records(self, c: Criterion, idx: np.ndarray, purpose: str) -> _Checked:
        """Certificates, visits, actions, workshops: one shared answer for suppliers without records."""
        check, records = self.ctx.check, self.sup.records
        none = self._encoded(c, check(c, self.empty, 0, purpose))
        answers = [none if (f := records.get(pos)) is None else self._encoded(c, check(c, f, 0, purpose))
                   for pos in idx.tolist()] if records else [none] * len(idx)
        return _Checked(*(list(column) for column in zip(*answers, strict=True))) if answers else _Checked([], [], [])

    def _by_months_at(self, c: Criterion, months_at: np.ndarray, purpose: str) -> _Checked:
        answers = {m: self._encoded(c, self.ctx.check(c, self.empty, m, purpose)) for m in set(months_at.tolist())}
        rows = [answers[m] for m in months_at.tolist()]
        return _Checked(*(list(column) for column in zip(*rows, strict=True))) if rows else _Checked([], [], [])

    # -- monthly KPI criteria -------------------------------------------------------------------

    def sources(self, key: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
        """Every supplier's source (NONE, NIL, SELF, GOVERNOR) and value for a KPI and month, as
        `rules._month_value`: the governor's value where preferred, else the supplier's own (or its nil
        return), else a governor's row alone counts as a nil return."""
        found = self._sources.get(key)
        if found is not None:
            return found
        own, measured = self.sup.self_values.get(key), self.sup.governor_values.get(key)
        source, value = np.zeros(self.sup.count, dtype=np.int8), np.zeros(self.sup.count)
        if measured is not None:
            source[measured.present] = NIL
        if own is not None:
            source[own.present] = np.where(own.nil[own.present], NIL, SELF)
            value[own.present] = own.value[own.present]
        if measured is not None and key[0] in self.sup.governor_preferred:
            use = measured.present & ~measured.nil
            source[use], value[use] = GOVERNOR, measured.value[use]
        found = self._sources[key] = (source, value)
        return found

    def _kpi(self, plan: KpiPlan, idx: np.ndarray, purpose: str) -> _Checked:
        """A monthly KPI criterion for a group: months met, without a value and nil, and each month's text."""
        k = len(idx)
        good, missing, nils = (np.zeros(k, dtype=np.int64) for _ in range(3))
        columns = []
        for month, key, threshold, earlier, no_value, nil_return in plan.slots:
            if key is None:  # not a closed month
                missing += 1
                columns.append([json.dumps(month_dict(no_value))] * k)
                continue
            source, value = (a[idx] for a in self.sources(key))
            met = (source >= SELF) & ((value <= threshold) if plan.op_le else (value >= threshold))
            good += met
            missing += source == NONE
            nils += source == NIL
            columns.append(self._month_texts(month, earlier, (no_value, nil_return), source * 2 + met, value))
        months = [", ".join(t) for t in zip(*columns, strict=True)] if columns else [""] * k
        counts = (good * (plan.n + 1) + missing) * (plan.n + 1) + nils
        encoded = {}
        for count, g, m, n in zip(*(a.tolist() for a in (counts, good, missing, nils)), strict=True):
            if count not in encoded:
                encoded[count] = self._kpi_text(plan, purpose, g, m, n)
        parts = [encoded[count] for count in counts.tolist()]
        return _Checked([p[0] for p in parts], [p[1] + t + p[2] for p, t in zip(parts, months, strict=True)],
                        [p[3] for p in parts])

    def _kpi_text(self, plan: KpiPlan, purpose: str, good: int, missing: int, nils: int) -> tuple:
        """(met, JSON text up to the months, JSON text after them, detail) of a KPI criterion's result."""
        result = kpi_result(plan, good, missing, nils, purpose, ())
        head, _, tail = json.dumps(result_dict(result)).partition('"months": []')
        return result.met, head + '"months": [', "]" + tail, result.detail

    def _month_texts(self, month: str, earlier: float | None, fixed: tuple[MonthEvidence, MonthEvidence],
                     codes: np.ndarray, value: np.ndarray) -> list[str]:
        """Each supplier's JSON text of one month's evidence; codes are source * 2 + met."""
        texts: dict[int, object] = {NONE * 2: json.dumps(month_dict(fixed[0])), NIL * 2: json.dumps(month_dict(fixed[1]))}
        for source, name in ((SELF, "self"), (GOVERNOR, "governor")):
            for met, status in ((0, "not met"), (1, "met")):
                text = json.dumps(month_dict(MonthEvidence(month, None, name, status, earlier)))
                head, _, tail = text.partition('"value": null')
                texts[source * 2 + met] = (head + '"value": ', tail)
        number = float.__repr__ if np.isfinite(value).all() else json.dumps  # json writes floats by repr
        return [t if type(t := texts[c]) is str else t[0] + number(v) + t[1]  # type: ignore[index]
                for c, v in zip(codes.tolist(), value.tolist(), strict=True)]

    def _held(self, monthly: list[Criterion], stage: int, idx: np.ndarray) -> _Checked:
        """The stage's monthly criteria not failed in each of the last 3 closed months."""
        failing = np.zeros(len(idx), dtype=np.int64)
        for month in self.ctx.window(DEMOTION_MONTHS):
            held = np.ones(len(idx), dtype=bool)
            for c in monthly:
                held &= self._month_met(c, month, idx)
            failing += ~held
        answers = {f: self._encoded(monthly[0], held_result(monthly, stage, f)) for f in set(failing.tolist())}
        rows = [answers[f] for f in failing.tolist()]
        return _Checked(*(list(column) for column in zip(*rows, strict=True))) if rows else _Checked([], [], [])

    def _month_met(self, c: Criterion, month: str, idx: np.ndarray) -> np.ndarray:
        if month not in self.ctx.closed:
            return np.zeros(len(idx), dtype=bool)
        source, value = (a[idx] for a in self.sources((c.params["kpi_code"], month)))
        threshold = month_threshold(c, month)
        return (source >= SELF) & ((value <= threshold) if c.params["op"] == "<=" else (value >= threshold))

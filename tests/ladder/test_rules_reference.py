"""The batched rules engine (evaluate_many) against the plain per-supplier reference, and the two ways of
reading the evidence (by supplier id, or through the governor's links) against each other."""
from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest

from benchclub.clubs.services import create_firm, link_supplier
from benchclub.extensions import db
from benchclub.ladder import evaluation
from benchclub.ladder.defaults import DEFAULT_CRITERIA, DEFAULT_STAGES
from benchclub.ladder.months import shift_month
from benchclub.ladder.rules import (
    CertificateFact,
    Criterion,
    LadderRules,
    Stage,
    StageFact,
    SupplierFacts,
    VisitFact,
    evaluate,
    evaluate_many,
)
from benchclub.models import FirmKind

from . import reference_rules as reference
from .helpers import SIX_MONTHS, give_certificate, give_visit, put_value, ready_for_stage_2

CODES = ("customer_reject_ppm", "otd_pct", "lead_time_days")
STANDARDS = ("ISO 9001", "IATF 16949", "ISO 14001", "ISO 45001")
MONTHS = [shift_month("2025-12", -i) for i in range(29, -1, -1)]  # 2023-07 .. 2025-12


def random_ladder(rng: random.Random) -> LadderRules:
    """The default ladder with random thresholds, windows, operators, earlier thresholds and stage names."""
    criteria = []
    for stage, kind, params in DEFAULT_CRITERIA:
        params = dict(params)
        frozen: dict[str, float] = {}
        if kind == "kpi_threshold":
            params["kpi_code"] = rng.choice(CODES)
            params["op"] = rng.choice(("<=", ">="))
            params["threshold"] = rng.choice((50.0, 95.0, 500.0, 97.5, 3.0))
            params["months"] = rng.choice((1, 3, 6, 12))
            frozen = {m: rng.choice((40.0, 96.0, 450.0, params["threshold"])) for m in rng.sample(MONTHS, 8)}
        elif "months" in params:
            params["months"] = rng.choice((1, 3, 6, 12, 24))
        if "count" in params:
            params["count"] = rng.choice((0, 1, 2, 3))
        criteria.append(Criterion(stage, kind, params, frozen))
    if rng.random() < 0.2:
        criteria = [c for c in criteria if rng.random() < 0.7]
    stages = tuple(Stage(n, rng.choice((name, f"Stage {n}"))) for n, name, _ in DEFAULT_STAGES)
    return LadderRules(rng.randint(1, 4), stages, tuple(criteria))


def random_value(rng: random.Random) -> float | None:
    return rng.choice((None, 0.0, 40.0, 96.0, 97.5, 120.0, 499.0, 500.0, 900.0, 3.0, round(rng.uniform(0, 1000), 3)))


def random_day(rng: random.Random) -> date:
    return date(2023, 1, 1) + timedelta(days=rng.randint(0, 1500))


def strong_values(ladder: LadderRules) -> dict[tuple[str, str], float]:
    """Every month of every KPI at a value meeting every criterion on it, where one exists."""
    values = {}
    for code in CODES:
        for m in MONTHS:
            bounds = [(c.params["op"], float(c.month_thresholds.get(m, c.params["threshold"])))
                      for c in ladder.criteria if c.kind == "kpi_threshold" and c.params["kpi_code"] == code]
            low = max((t for op, t in bounds if op == ">="), default=None)
            high = min((t for op, t in bounds if op == "<="), default=None)
            values[(code, m)] = low if low is not None and (high is None or low <= high) else (high or 0.0)
    return values


def strong_facts(ladder: LadderRules, closed: list[str], period: str) -> SupplierFacts:
    """A supplier that meets what it can: values, every certificate, visits, actions and workshops."""
    end = date.fromisoformat(period + "-01")
    return SupplierFacts(
        closed_months=closed, self_values=strong_values(ladder),
        certificates=[CertificateFact(s, date(2020, 1, 1), date(2030, 1, 1)) for s in STANDARDS],
        visits=[VisitFact(end, role, "passed") for role in ("quality", "materials")],
        actions_completed=[end] * 3, workshops_attended=[end] * 3, linked_month="2020-01")


def random_facts(rng: random.Random, closed: list[str]) -> SupplierFacts:
    """A supplier with values (some nil), governor measurements, certificates, visits, history and records."""
    months = rng.sample(MONTHS, rng.randint(0, len(MONTHS)))
    own = {(rng.choice(CODES), m): random_value(rng) for m in months}
    measured = {(rng.choice(CODES), m): random_value(rng) for m in rng.sample(MONTHS, rng.randint(0, 12))}
    certificates = [CertificateFact(rng.choice(STANDARDS), day, day + timedelta(days=rng.choice((30, 400, 1100))))
                    for day in (random_day(rng) for _ in range(rng.randint(0, 4)))]
    visits = [VisitFact(random_day(rng), rng.choice(("quality", "materials")), rng.choice(("passed", "failed")))
              for _ in range(rng.randint(0, 3))]
    history = [StageFact(rng.randint(1, 4), rng.choice(MONTHS)) for _ in range(rng.randint(0, 4))]
    history.sort(key=lambda h: h.effective_month)
    return SupplierFacts(
        closed_months=closed, self_values=own, governor_values=measured, certificates=certificates, visits=visits,
        stage_history=history, actions_completed=[random_day(rng) for _ in range(rng.randint(0, 3))],
        workshops_attended=[random_day(rng) for _ in range(rng.randint(0, 2))],
        linked_month=rng.choice((None, "2023-01", rng.choice(MONTHS))),
        governor_preferred=frozenset(rng.sample(CODES, rng.randint(0, 3))))


@pytest.mark.parametrize("seed", range(40))
def test_evaluate_many_equals_the_per_supplier_reference_on_random_suppliers(seed):
    rng = random.Random(seed)
    ladder = random_ladder(rng)
    club_closed = sorted(rng.sample(MONTHS, rng.randint(0, len(MONTHS))))
    other_closed = sorted(rng.sample(MONTHS, rng.randint(0, 10)))  # a supplier whose facts name other months
    period = rng.choice(MONTHS)
    suppliers = [random_facts(rng, other_closed if rng.random() < 0.1 else club_closed) for _ in range(25)]
    suppliers += [strong_facts(ladder, club_closed, period)]
    labels = rng.choice((None, {"customer_reject_ppm": "Customer rejects", "otd_pct": "On-time delivery"}))
    units = rng.choice((None, {"customer_reject_ppm": "ppm", "otd_pct": "%"}))
    batched = evaluate_many(ladder, suppliers, period, labels, units)
    expected = [reference.evaluate(ladder, f, period, labels, units) for f in suppliers]
    assert batched == expected
    assert [evaluate(ladder, f, period, labels, units) for f in suppliers] == expected
    for got, want in zip(batched, expected, strict=True):
        assert got.criteria_dicts() == reference.criteria_dicts(want)
        assert json.dumps(got.criteria_dicts()) == json.dumps(reference.criteria_dicts(want))  # same key order


def test_the_random_cases_cover_every_recommendation_and_evidence_status():
    seen_recommendations, seen_status = set(), set()
    for seed in range(40):
        rng = random.Random(seed)
        ladder = random_ladder(rng)
        closed = sorted(rng.sample(MONTHS, rng.randint(0, len(MONTHS))))
        period = rng.choice(MONTHS)
        suppliers = [random_facts(rng, closed) for _ in range(25)] + [strong_facts(ladder, closed, period)]
        for a in evaluate_many(ladder, suppliers, period):
            seen_recommendations.add(a.recommendation)
            seen_status |= {(m.status, m.source, m.threshold is not None)
                            for c in (*a.entry, *a.retention) for m in c.months}
    assert seen_recommendations == {"promote", "hold", "demote"}
    assert {s for s, _, _ in seen_status} == {"met", "not met", "nil return", "missing"}
    assert {src for _, src, _ in seen_status} == {"governor", "self", None}
    assert {earlier for _, _, earlier in seen_status} == {True, False}


def test_reading_through_the_links_loads_the_same_facts_as_reading_by_id(world, monkeypatch):
    a, b, g1, g2 = (world.firms[k] for k in ("A", "B", "G1", "G2"))
    link_supplier(g1, b, 1)
    idle = create_firm(world.club, "SUP-IDLE", "Idle Stampings", FirmKind.SUPPLIER, "ZA", "Stampings", 30)
    link_supplier(g1, idle, 1)
    ready_for_stage_2(world.club, a, [g1, g2], months=SIX_MONTHS)
    ready_for_stage_2(world.club, b, [g1], months=SIX_MONTHS, otd=90.0)
    put_value(a, "customer_reject_ppm", "2025-05", 30.0, source=g1)
    put_value(b, "otd_pct", "2025-04", None, source=g1)
    give_certificate(b, "ISO 14001")
    give_certificate(idle, "ISO 9001")
    give_visit(g2, b)  # another governor's visit: not evidence for g1
    idle.active = False
    db.session.flush()
    links = evaluation.list_links(g1)
    assert {link.supplier_id for link in links} == {a.id, b.id}
    rules = evaluation.rules_in_force(g1, "2025-06")
    by_id = evaluation.load_facts(g1, links, rules, "2025-06")
    monkeypatch.setattr(evaluation, "BY_ID_MAX", 0)
    monkeypatch.setattr(evaluation, "_club_firms", lambda club_id: 0)  # the suppliers count as the whole club
    through_links = evaluation.load_facts(g1, links, rules, "2025-06")
    assert through_links == by_id
    assert by_id[a.id].governor_values == {("customer_reject_ppm", "2025-05"): 30.0}
    assert by_id[b.id].governor_values == {("otd_pct", "2025-04"): None}
    assert [c.standard for c in by_id[b.id].certificates] == ["ISO 9001", "ISO 14001"]
    assert len(by_id[b.id].visits) == 1 and len(by_id[b.id].self_values) == 12

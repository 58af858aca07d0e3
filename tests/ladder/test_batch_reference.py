"""The close's vectorised evaluation (batch.evaluate_stored) against the engine, row by row: stage,
recommendation, target stage, reason, and the criteria's JSON text exactly as the engine's evaluation
would be stored (json.dumps of criteria_dicts, the JSON column's serialiser)."""
from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date

import pytest

from benchclub.ladder.batch import evaluate_stored, from_facts
from benchclub.ladder.defaults import DEFAULT_CRITERIA, DEFAULT_STAGES
from benchclub.ladder.rules import (
    CertificateFact,
    Criterion,
    LadderRules,
    Stage,
    StageFact,
    SupplierFacts,
    evaluate_many,
)

from .test_rules_reference import CODES, MONTHS, random_facts, random_ladder, strong_facts

LABELS = {"customer_reject_ppm": "Customer rejects", "otd_pct": "On-time delivery \u2264 target"}
UNITS = {"customer_reject_ppm": "ppm", "otd_pct": "%"}


def stored_by_engine(ladder, suppliers, period, labels=None, units=None):
    return [(a.current_stage, a.recommendation, a.target_stage, a.reason, json.dumps(a.criteria_dicts()))
            for a in evaluate_many(ladder, suppliers, period, labels, units)]


def random_club(seed: int, count: int):
    rng = random.Random(seed)
    ladder = random_ladder(rng)
    closed = sorted(rng.sample(MONTHS, rng.randint(0, len(MONTHS))))
    preferred = frozenset(rng.sample(CODES, rng.randint(0, 3)))
    period = rng.choice(MONTHS)
    suppliers = [replace(random_facts(rng, closed), governor_preferred=preferred) for _ in range(count)]
    suppliers.append(replace(strong_facts(ladder, closed, period), governor_preferred=preferred))
    if rng.random() < 0.5:  # many suppliers without records or values, as in a big club
        suppliers += [SupplierFacts(closed, governor_preferred=preferred, linked_month=rng.choice(MONTHS))
                      for _ in range(count // 4)]
    return rng, ladder, period, suppliers


@pytest.mark.parametrize("seed", range(60))
def test_the_vectorised_close_stores_what_the_engine_stores(seed):
    rng, ladder, period, suppliers = random_club(seed, 300 if seed % 10 == 0 else 40)
    labels, units = rng.choice(((None, None), (LABELS, UNITS), (LABELS, None)))
    got = evaluate_stored(ladder, from_facts(suppliers), period, labels, units)
    assert got == stored_by_engine(ladder, suppliers, period, labels, units)


def test_the_random_cases_reach_every_outcome_and_every_kind_of_evidence():
    recommendations, statuses, kinds = set(), set(), set()
    for seed in range(60):
        _, ladder, period, suppliers = random_club(seed, 40)
        for _, recommendation, _, _, text in evaluate_stored(ladder, from_facts(suppliers), period):
            recommendations.add(recommendation)
            for criterion in json.loads(text):
                kinds.add((criterion["kind"], criterion["purpose"], criterion["met"]))
                statuses |= {(m["status"], m["source"], "threshold" in m) for m in criterion["months"]}
    assert recommendations == {"promote", "hold", "demote"}
    assert {s for s, _, _ in statuses} == {"met", "not met", "nil return", "missing"}
    assert {src for _, src, _ in statuses} == {"governor", "self", None}
    assert {earlier for _, _, earlier in statuses} == {True, False}
    assert {(k, p, m) for k, p, m in kinds if k in ("monthly_held", "certificate")} >= {
        ("monthly_held", "retention", True), ("monthly_held", "retention", False),
        ("certificate", "retention", True), ("certificate", "retention", False)}


def test_a_demotion_a_governor_nil_and_an_unusual_value_are_stored_as_the_engine_stores_them():
    criteria = tuple(Criterion(s, k, p) for s, k, p in DEFAULT_CRITERIA)
    ladder = LadderRules(2, tuple(Stage(n, name) for n, name, _ in DEFAULT_STAGES), criteria)
    closed = MONTHS[:-1]
    period = MONTHS[-2]
    bad = {("customer_reject_ppm", m): 900.0 for m in closed}
    demoted = SupplierFacts(closed, self_values=bad, stage_history=[StageFact(2, "2023-07")], linked_month="2023-01",
                            certificates=[CertificateFact("ISO 9001", date(2024, 1, 1), date(2025, 12, 1))])
    governor_nil = SupplierFacts(closed, governor_values={("otd_pct", period): None},
                                 self_values={("otd_pct", period): 99.0, ("customer_reject_ppm", period): 1e-7})
    only_measured = SupplierFacts(closed, governor_values={("lead_time_days", period): 3.0,
                                                           ("customer_reject_ppm", period): 12345678912345.5})
    suppliers = [demoted, governor_nil, only_measured, SupplierFacts(closed)]
    got = evaluate_stored(ladder, from_facts(suppliers), period, LABELS, UNITS)
    assert got == stored_by_engine(ladder, suppliers, period, LABELS, UNITS)
    assert got[0][1] == "demote" and "failed in 3 of the last 3 months" in got[0][3]

"""The close's vectorised evaluation (batch.evaluate_stored) against the engine, row by row: stage,
recommendation, target stage, reason, and the criteria's JSON text exactly as the engine's evaluation
would be stored (json.dumps of criteria_dicts, the JSON column's serialiser)."""
from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from benchclub.clubs.services import create_firm, link_supplier
from benchclub.extensions import db
from benchclub.ladder import evaluation, services
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
from benchclub.models import FirmKind, LadderEvaluation, SupplyLink

from . import reference_rules as reference
from .helpers import SIX_MONTHS, give_certificate, put_value, ready_for_stage_2
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


def stored_by_reference(ladder, suppliers, period, labels=None, units=None):
    out = []
    for facts in suppliers:
        a = reference.evaluate(ladder, facts, period, labels, units)
        out.append((a.current_stage, a.recommendation, a.target_stage, a.reason,
                    json.dumps(reference.criteria_dicts(a))))
    return out


@pytest.mark.parametrize("seed", range(60))
def test_the_vectorised_close_stores_what_the_engine_stores(seed):
    rng, ladder, period, suppliers = random_club(seed, 300 if seed % 10 == 0 else 40)
    labels, units = rng.choice(((None, None), (LABELS, UNITS), (LABELS, None)))
    got = evaluate_stored(ladder, from_facts(suppliers), period, labels, units)
    assert got == stored_by_engine(ladder, suppliers, period, labels, units)
    assert got == stored_by_reference(ladder, suppliers, period, labels, units)


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


def same_suppliers(got, want) -> None:
    assert (got.count, list(got.closed_months), got.governor_preferred, list(got.linked_months)) == \
        (want.count, list(want.closed_months), want.governor_preferred, list(want.linked_months))
    for name in ("self_values", "governor_values"):
        mine, theirs = getattr(got, name), getattr(want, name)
        assert mine.keys() == theirs.keys()
        for key, column in mine.items():
            for part in ("present", "nil", "value"):
                assert getattr(column, part).tolist() == getattr(theirs[key], part).tolist(), (name, key, part)
    assert got.records == want.records


@pytest.mark.parametrize("through_links", [False, True])
def test_the_close_loads_by_position_what_the_pages_load_by_supplier(world, monkeypatch, through_links):
    a, b, g1 = (world.firms[k] for k in ("A", "B", "G1"))
    link_supplier(g1, b, 1)
    idle = create_firm(world.club, "SUP-IDLE", "Idle Stampings", FirmKind.SUPPLIER, "ZA", "Stampings", 30)
    link_supplier(g1, idle, 1)
    ready_for_stage_2(world.club, a, [g1], months=SIX_MONTHS)
    ready_for_stage_2(world.club, b, [g1], months=SIX_MONTHS[:4], otd=90.0)
    put_value(a, "customer_reject_ppm", "2025-05", 30.0, source=g1)
    put_value(b, "otd_pct", "2025-04", None, source=g1)
    put_value(b, "otd_pct", "2025-05", None)
    put_value(idle, "otd_pct", "2025-05", 99.0)
    give_certificate(b, "ISO 14001")
    services.record_stage_change(g1, b, 2, "2025-02", "Imported", actor=None)
    link = db.session.scalar(sa.select(SupplyLink).where(SupplyLink.governor_id == g1.id,
                                                         SupplyLink.supplier_id == b.id))
    link.created_at = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)
    idle.active = False
    db.session.flush()
    if through_links:
        monkeypatch.setattr(evaluation, "BY_ID_MAX", 0)
        monkeypatch.setattr(evaluation, "_club_firms", lambda club_id: 0)
    rules = evaluation.rules_in_force(g1, "2025-06")
    links = evaluation.list_links(g1)
    facts = evaluation.load_facts(g1, links, rules, "2025-06")
    rows = evaluation._link_rows(g1)
    assert [r.supplier_id for r in rows] == [link.supplier_id for link in links]
    loaded = evaluation.load_suppliers(g1, rows, rules, "2025-06")
    same_suppliers(loaded, from_facts([facts[link.supplier_id] for link in links]))
    assert "2024-12" in loaded.linked_months and len(loaded.records) == 2


def test_the_close_writes_each_column_as_the_orm_writes_it(world):
    # evaluate_club writes plain tuples below the ORM: every column must reach the database in the form the
    # ORM gives it (Enum names, SQLite's datetime text, JSON text), so that reading one back cannot tell
    # which path stored it.
    a, g1 = world.firms["A"], world.firms["G1"]
    ready_for_stage_2(world.club, a, [g1], months=SIX_MONTHS)
    evaluation.evaluate_club(world.club.id, "2025-06")
    evaluation.evaluate_governor(g1, "2025-06")
    db.session.flush()
    columns = [c for c in LadderEvaluation.__table__.c if c.name != "id"]
    by_close, by_orm = db.session.connection().exec_driver_sql(
        f"SELECT {', '.join(c.name for c in columns)} FROM ladder_evaluations WHERE governor_id = {g1.id} "
        f"AND supplier_id = {a.id} ORDER BY id").all()
    for column, close_value, orm_value in zip(columns, by_close, by_orm, strict=True):
        if column.name == "created_at":
            assert type(close_value) is type(orm_value)
            if isinstance(orm_value, str):
                assert re.sub(r"\d", "0", close_value) == re.sub(r"\d", "0", orm_value)
        elif column.name != "status":  # the page's evaluation supersedes the close's
            assert close_value == orm_value, column.name
    assert by_close[columns.index(LadderEvaluation.__table__.c.status)] in ("PENDING", "SUPERSEDED")

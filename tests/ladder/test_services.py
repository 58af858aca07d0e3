"""Ladder services: default ladder, evaluation on period close, decisions, history, versions, visits, targets."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from benchclub.clubs.services import create_firm, link_supplier
from benchclub.errors import ConflictError, DomainError
from benchclub.extensions import db
from benchclub.ladder import evaluation, services, visits
from benchclub.ladder.panels import governor_ladder_panel, member_ladder_panel
from benchclub.ladder.targets import publish_target, targets_for_supplier, withdraw_target
from benchclub.models import AuditEntry, DecisionStatus, FirmKind, LadderEvaluation, StageChange
from benchclub.periods.services import close_period, open_period

from .helpers import SIX_MONTHS, closed_period, give_visit, put_value, ready_for_stage_2


def evaluations(governor, supplier=None, status=None):
    query = sa.select(LadderEvaluation).where(LadderEvaluation.governor_id == governor.id)
    if supplier is not None:
        query = query.where(LadderEvaluation.supplier_id == supplier.id)
    if status is not None:
        query = query.where(LadderEvaluation.status == status)
    return list(db.session.scalars(query.order_by(LadderEvaluation.id)))


def test_default_ladder_is_the_cgl_ladder_created_once(world):
    g1 = world.firms["G1"]
    ladder = services.ensure_default_ladder(g1)
    assert [s.name for s in ladder.stages] == ["Inspected", "Self-certified", "Zero-defect", "Total quality"]
    assert ladder.version == 1 and len(ladder.criteria) == 13
    assert services.ensure_default_ladder(g1).id == ladder.id
    with pytest.raises(DomainError):
        services.ensure_default_ladder(world.firms["A"])


def test_closing_a_period_evaluates_every_governor_of_the_club(world):
    a, g1, g2, g3 = (world.firms[k] for k in ("A", "G1", "G2", "G3"))
    ready_for_stage_2(world.club, a, [g1, g2], months=SIX_MONTHS[:-1])
    open_period(world.club, "2025-06")
    put_value(a, "customer_reject_ppm", "2025-06", 100.0)
    put_value(a, "otd_pct", "2025-06", 99.0)
    close_period(world.club, "2025-06", actor=world.users["facilitator"])
    for governor in (g1, g2):
        (ev,) = evaluations(governor, a)
        assert (ev.period_month, ev.recommendation.value, ev.current_stage, ev.target_stage, ev.status) == \
            ("2025-06", "promote", 1, 2, DecisionStatus.PENDING)
        assert ev.ladder.version == 1 and len(ev.criteria) == 4
    assert evaluations(g3) == []


def test_a_hold_is_recorded_as_noted_and_needs_no_decision(world):
    a, g1 = world.firms["A"], world.firms["G1"]
    ready_for_stage_2(world.club, a, [g1], otd=90.0)
    (ev,) = evaluation.evaluate_governor(g1, "2025-06")
    assert ev.recommendation.value == "hold" and ev.status == DecisionStatus.NOTED
    assert "1 of 4 criteria for stage 2 not yet met" in ev.reason
    assert services.list_pending(g1) == []


def test_evaluating_an_open_period_is_refused(world):
    with pytest.raises(DomainError, match="not closed"):
        evaluation.evaluate_governor(world.firms["G1"], "2025-01")


def test_a_newer_evaluation_supersedes_the_pending_one(world):
    a, g1 = world.firms["A"], world.firms["G1"]
    ready_for_stage_2(world.club, a, [g1])
    (first,) = evaluation.evaluate_governor(g1, "2025-06")
    (second,) = evaluation.evaluate_governor(g1, "2025-06")
    assert first.status == DecisionStatus.SUPERSEDED and second.status == DecisionStatus.PENDING
    assert services.list_pending(g1) == [second]
    (older,) = evaluation.evaluate_governor(g1, "2025-05")  # an earlier month does not displace a later one
    assert older.status == DecisionStatus.SUPERSEDED and second.status == DecisionStatus.PENDING


def test_approval_changes_the_stage_from_the_evaluated_period_with_who_and_why(world):
    a, g1, g2 = world.firms["A"], world.firms["G1"], world.firms["G2"]
    ready_for_stage_2(world.club, a, [g1, g2])
    (ev,) = evaluation.evaluate_governor(g1, "2025-06")
    user = world.users["gov_consented"]
    services.decide_evaluation(ev, True, "Audit confirmed the figures", actor=user)
    (change,) = services.list_stage_history(g1, a)
    assert (change.stage, change.effective_month, change.decided_by_id, change.reason, change.evaluation_id) == \
        (2, "2025-06", user.id, "Audit confirmed the figures", ev.id)
    assert ev.status == DecisionStatus.APPROVED and ev.decided_by_id == user.id
    assert services.get_stage(g1, a) == 2 and services.get_stage(g1, a, "2025-05") == 1
    assert services.get_stage(g2, a) == 1  # each governor runs its own ladder
    actions = set(db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.entity.in_(["ladder_evaluation", "stage_change"]))))
    assert actions == {"approve", "create"}


def test_rejection_needs_a_comment_and_leaves_the_stage(world):
    a, g1 = world.firms["A"], world.firms["G1"]
    ready_for_stage_2(world.club, a, [g1])
    (ev,) = evaluation.evaluate_governor(g1, "2025-06")
    with pytest.raises(DomainError, match="why"):
        services.decide_evaluation(ev, False, "  ", actor=world.users["gov_consented"])
    services.decide_evaluation(ev, False, "Wait for the next audit", actor=world.users["gov_consented"])
    assert ev.status == DecisionStatus.REJECTED and services.list_stage_history(g1, a) == []
    with pytest.raises(ConflictError):
        services.decide_evaluation(ev, True, "", actor=world.users["gov_consented"])


def test_approved_demotion_moves_one_stage_down(world):
    a, g1 = world.firms["A"], world.firms["G1"]
    ready_for_stage_2(world.club, a, [g1], ppm=2000.0)
    services.record_stage_change(g1, a, 2, "2024-06", "Loaded from the paper register", actor=None)
    (ev,) = evaluation.evaluate_governor(g1, "2025-06")
    assert (ev.recommendation.value, ev.target_stage) == ("demote", 1)
    services.decide_evaluation(ev, True, "", actor=world.users["gov_consented"])
    assert services.get_stage(g1, a) == 1
    assert "Demoted on the 2025-06 evaluation" in services.list_stage_history(g1, a)[-1].reason


def test_the_governors_own_measurement_decides_over_the_self_reported_value(world):
    a, g1, g2 = world.firms["A"], world.firms["G1"], world.firms["G2"]
    ready_for_stage_2(world.club, a, [g1, g2])
    put_value(a, "customer_reject_ppm", "2025-04", 950.0, source=g1)  # G1 found rejects at goods-in
    (ev1,) = evaluation.evaluate_governor(g1, "2025-06")
    (ev2,) = evaluation.evaluate_governor(g2, "2025-06")
    assert ev1.recommendation.value == "hold" and ev2.recommendation.value == "promote"
    ppm = next(c for c in ev1.criteria if c["params"].get("kpi_code") == "customer_reject_ppm")
    april = next(m for m in ppm["months"] if m["month"] == "2025-04")
    assert april == {"month": "2025-04", "value": 950.0, "source": "governor", "status": "not met"}


def test_a_new_ladder_version_applies_from_the_next_close_and_never_retests_closed_months(world):
    a, g1 = world.firms["A"], world.firms["G1"]
    ready_for_stage_2(world.club, a, [g1], ppm=120.0)
    (before,) = evaluation.evaluate_governor(g1, "2025-06")
    v1 = services.ensure_default_ladder(g1)
    ppm2 = next(c for c in v1.criteria if c.stage_number == 2 and c.params.get("kpi_code") == "customer_reject_ppm")
    v2 = services.save_ladder_version(g1, {2: "Self-certified supplier"}, {ppm2.id: {"threshold": 100.0}},
                                      actor=world.users["gov_consented"])
    assert (v2.version, v1.is_current, v2.is_current) == (2, False, True)
    assert v2.stages[1].name == "Self-certified supplier"
    assert v2.effective_after == "2025-06"  # saved after 2025-06 closed: applies from the next close
    (again,) = evaluation.evaluate_governor(g1, "2025-06")
    assert before.ladder.version == 1 and again.ladder.version == 1 and again.recommendation.value == "promote"
    closed_period(world.club, "2025-07")
    put_value(a, "customer_reject_ppm", "2025-07", 120.0)
    put_value(a, "otd_pct", "2025-07", 97.5)
    (after,) = evaluation.evaluate_governor(g1, "2025-07")
    assert after.ladder.version == 2
    assert after.recommendation.value == "hold"  # July's 120 ppm fails the stricter 100 ppm...
    ppm = next(c for c in after.criteria if c["params"].get("kpi_code") == "customer_reject_ppm")
    statuses = {m["month"]: (m["status"], m.get("threshold")) for m in ppm["months"]}
    assert statuses["2025-07"] == ("not met", None)
    assert statuses["2025-06"] == ("met", 500.0)  # ...while closed months keep the verdict of their own close
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.entity == "ladder",
                                                         AuditEntry.action == "update")) is not None


def test_ladder_edits_are_validated(world):
    g1 = world.firms["G1"]
    ladder = services.ensure_default_ladder(g1)
    ppm = next(c for c in ladder.criteria if c.params.get("kpi_code") == "customer_reject_ppm")
    cert = next(c for c in ladder.criteria if c.kind.value == "certificate")
    actor = world.users["gov_consented"]
    with pytest.raises(DomainError, match="between 0 and 1,000,000"):
        services.save_ladder_version(g1, {}, {ppm.id: {"threshold": 2_000_000}}, actor=actor)
    with pytest.raises(DomainError, match="between 1 and 36"):
        services.save_ladder_version(g1, {}, {ppm.id: {"months": 0}}, actor=actor)
    with pytest.raises(DomainError, match="at least one standard"):
        services.save_ladder_version(g1, {}, {cert.id: {"standards": []}}, actor=actor)
    with pytest.raises(DomainError, match="Nothing changed"):
        services.save_ladder_version(g1, {}, {}, actor=actor)


def test_evaluating_thirty_suppliers_takes_a_bounded_number_of_queries(world):
    g1 = world.firms["G1"]
    for i in range(30):
        firm = create_firm(world.club, f"S{i:02d}", f"Supplier {i}", FirmKind.SUPPLIER, "ZA", "Castings", 20)
        link_supplier(g1, firm, 3)
        ready_for_stage_2(world.club, firm, [g1])
    db.session.flush()
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        stored = evaluation.evaluate_governor(g1, "2025-06")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(stored) == 31 and len(selects) <= 20, f"{len(selects)} SELECTs for 31 suppliers"


def test_visits_are_only_logged_for_linked_suppliers_and_flag_overdue(world):
    a, b, g1 = world.firms["A"], world.firms["B"], world.firms["G1"]
    actor = world.users["gov_consented"]
    with pytest.raises(DomainError, match="not a supplier"):
        visits.log_visit(g1, b, date(2025, 3, 1), "quality", "passed", actor=actor)
    with pytest.raises(DomainError, match="future"):
        visits.log_visit(g1, a, date(2025, 3, 1), "quality", "passed", actor=actor, today=date(2025, 2, 1))
    visits.log_visit(g1, a, date(2025, 3, 3), "materials", "follow-up", purpose="Packaging", actor=actor)
    visits.set_visit_cadence(g1, a, "weekly", actor=actor)
    (plan,) = visits.visit_plans(g1, evaluation.list_links(g1), today=date(2025, 3, 11))
    assert (plan.last_visit, plan.due_on, plan.overdue) == (date(2025, 3, 3), date(2025, 3, 10), True)
    (plan,) = visits.visit_plans(g1, evaluation.list_links(g1), today=date(2025, 3, 10))
    assert not plan.overdue
    assert [v.purpose for v in visits.list_visits(supplier=a)] == ["Packaging"]
    entities = set(db.session.scalars(sa.select(AuditEntry.entity).where(AuditEntry.actor_id == actor.id)))
    assert entities == {"visit", "supply_link"}


def test_targets_are_validated_and_seen_by_linked_suppliers_only(world):
    a, b, g1 = world.firms["A"], world.firms["B"], world.firms["G1"]
    actor = world.users["gov_consented"]
    with pytest.raises(DomainError, match="between 0 and 100"):
        publish_target(g1, "otd_pct", 120.0, actor=actor)
    with pytest.raises(DomainError, match="no KPI"):
        publish_target(g1, "nonsense", 1.0, actor=actor)
    publish_target(g1, "otd_pct", 95.0, actor=actor)
    target = publish_target(g1, "otd_pct", 98.0, "From next quarter", actor=actor)
    (seen,) = targets_for_supplier(a)
    assert (seen.governor_name, seen.kpi_code, seen.value, seen.note) == ("Gamma Motors", "otd_pct", 98.0,
                                                                         "From next quarter")
    assert seen.met_by(98.5) is True and seen.met_by(97.0) is False and seen.met_by(None) is None
    assert targets_for_supplier(b) == []
    withdraw_target(g1, target.id, actor=actor)
    assert targets_for_supplier(a) == []


def test_home_panels_show_the_member_its_stages_and_the_governor_its_pending_work(world):
    a, g1 = world.firms["A"], world.firms["G1"]
    ready_for_stage_2(world.club, a, [g1])
    (ev,) = evaluation.evaluate_governor(g1, "2025-06")
    panel = governor_ladder_panel(world.users["gov_consented"])
    assert panel.context["pending"] == [ev]
    services.decide_evaluation(ev, True, "", actor=world.users["gov_consented"])
    panel = member_ladder_panel(world.users["member_a"])
    stages = {r["governor"].code: r["stage"] for r in panel.context["rows"]}
    assert stages == {"GOV-1": 2, "GOV-2": 1}
    assert [c["change"].stage for c in panel.context["recent"]] == [2]
    assert member_ladder_panel(world.users["member_b"]) is None  # not linked to any governor
    assert member_ladder_panel(world.users["gov_consented"]) is None


def test_stage_history_can_be_loaded_for_linked_suppliers_only(world):
    with pytest.raises(DomainError):
        services.record_stage_change(world.firms["G3"], world.firms["A"], 2, "2025-01", "x", actor=None)
    closed_period(world.club, "2025-03")
    give_visit(world.firms["G1"], world.firms["A"])
    services.record_stage_change(world.firms["G1"], world.firms["A"], 3, "2025-01", "Imported", actor=None)
    assert db.session.scalar(sa.select(sa.func.count(StageChange.id))) == 1


def test_a_governor_gets_its_default_ladder_when_it_is_created_not_when_it_is_read(world):
    governor = create_firm(world.club, "GOV-NEW", "New Governor", FirmKind.GOVERNOR, "DE", "Vehicle assembly", 900)
    supplier = create_firm(world.club, "SUP-NEW", "New Supplier", FirmKind.SUPPLIER, "DE", "Castings", 40)
    ladder = services.get_current_ladder(governor)
    assert ladder is not None and ladder.version == 1 and len(ladder.criteria) == 13
    assert services.get_current_ladder(supplier) is None  # a supplier firm has no ladder
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.entity == "ladder",
                                                         AuditEntry.entity_id == ladder.id)) is not None


def test_linking_a_governor_without_a_ladder_gives_it_one_and_reads_never_store_it(world):
    from benchclub.models import Firm, Ladder

    bare = Firm(club=world.club, code="GOV-OLD", name="Old Governor", kind=FirmKind.GOVERNOR, country="DE",
                sector="Vehicle assembly")  # as if created before governors got their ladder on creation
    db.session.add(bare)
    db.session.flush()
    read = services.ladder_for_reading(bare)
    evaluation.assess_suppliers(bare, "2025-06")
    db.session.flush()
    assert read.id is None and [s.name for s in read.stages][0] == "Inspected"
    assert db.session.scalar(sa.select(sa.func.count(Ladder.id)).where(Ladder.governor_id == bare.id)) == 0
    link_supplier(bare, world.firms["A"], 2)
    assert services.get_current_ladder(bare).version == 1


def test_the_home_panel_and_the_ladder_agree_on_the_stage_in_force(world):
    a, g1 = world.firms["A"], world.firms["G1"]
    services.record_stage_change(g1, a, 3, "2025-01", "Imported from the old register", actor=None)
    services.record_stage_change(g1, a, 2, "2025-01", "Corrected: it was stage 2", actor=None)
    panel = member_ladder_panel(world.users["member_a"])
    row = next(r for r in panel.context["rows"] if r["governor"].code == "GOV-1")
    assert row["stage"] == services.get_stage(g1, a) == 2 and row["since"] == "2025-01"


def test_the_close_stores_the_same_evaluations_as_evaluate_governor(world):
    # The close writes evaluations in one bulk insert (evaluate_club), the ladder page through the ORM
    # (evaluate_governor): both must store the same rows, and the later supersedes the earlier.
    a, b, g1, g2 = (world.firms[k] for k in ("A", "B", "G1", "G2"))
    link_supplier(g1, b, 1)
    ready_for_stage_2(world.club, a, [g1, g2], months=SIX_MONTHS[:-1])
    ready_for_stage_2(world.club, b, [g1], months=SIX_MONTHS[:-1], otd=90.0)
    open_period(world.club, "2025-06")
    for firm, otd in ((a, 99.0), (b, 91.0)):
        put_value(firm, "customer_reject_ppm", "2025-06", 100.0)
        put_value(firm, "otd_pct", "2025-06", otd)
    close_period(world.club, "2025-06")
    fields = ("supplier_id", "ladder_id", "period_month", "current_stage", "recommendation", "target_stage",
              "criteria", "reason")
    for governor in (g1, g2):
        at_close = evaluations(governor)
        assert at_close and {e.period_month for e in at_close} == {"2025-06"}
        db.session.expire_all()
        again = evaluation.evaluate_governor(governor, "2025-06")
        db.session.expire_all()
        stored = evaluations(governor)
        by_close, by_page = stored[:len(at_close)], stored[len(at_close):]
        assert [[getattr(e, f) for f in fields] for e in by_close] == [[getattr(e, f) for f in fields] for e in by_page]
        assert [e.id for e in by_page] == [e.id for e in again]
        assert {e.status for e in by_close} <= {DecisionStatus.SUPERSEDED, DecisionStatus.NOTED}
        for old, new in zip(by_close, by_page, strict=True):
            assert new.status in (DecisionStatus.PENDING, DecisionStatus.NOTED)
            assert old.status == (DecisionStatus.SUPERSEDED if new.status == DecisionStatus.PENDING
                                  else DecisionStatus.NOTED)
    assert any(e.recommendation.value == "promote" for e in evaluations(g1))
    assert any(e.recommendation.value == "hold" for e in evaluations(g1))

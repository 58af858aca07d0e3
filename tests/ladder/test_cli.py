"""`flask visits add`, `flask ladder evaluate` and `flask ladder history`."""
from __future__ import annotations

import json

import sqlalchemy as sa

from benchclub.extensions import db
from benchclub.ladder import services
from benchclub.models import LadderEvaluation, StageChange, Visit

from .helpers import ready_for_stage_2


def test_visits_add_logs_a_visit(world, runner):
    result = runner.invoke(args=["visits", "add", "--governor", "GOV-1", "--supplier", "SUP-A", "--date", "2025-03-05",
                                 "--role", "quality", "--outcome", "passed", "--notes", "Clean line"])
    assert result.exit_code == 0, result.output
    visit = db.session.scalar(sa.select(Visit))
    assert (visit.visited_on.isoformat(), visit.visitor_role.value, visit.findings) == ("2025-03-05", "quality",
                                                                                         "Clean line")


def test_visits_add_refuses_an_unlinked_supplier(world, runner):
    result = runner.invoke(args=["visits", "add", "--governor", "GOV-3", "--supplier", "SUP-A", "--date", "2025-03-05",
                                 "--role", "quality", "--outcome", "passed"])
    assert result.exit_code != 0 and "not a supplier of Epsilon Trucks" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 0


def test_ladder_evaluate_json_prints_recommendations_and_changes_nothing(world, runner):
    ready_for_stage_2(world.club, world.firms["A"], [world.firms["G1"]])
    db.session.commit()
    result = runner.invoke(args=["ladder", "evaluate", "--governor", "GOV-1", "--period", "2025-06", "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert (row["supplier"], row["stage"], row["recommendation"], row["target_stage"]) == ("SUP-A", 1, "promote", 2)
    assert {"name", "met", "detail"} == set(row["criteria"][0])
    assert all(c["met"] for c in row["criteria"]) and len(row["criteria"]) == 4
    assert db.session.scalar(sa.select(sa.func.count(LadderEvaluation.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(StageChange.id))) == 0


def test_ladder_evaluate_apply_approves_every_recommendation(world, runner):
    ready_for_stage_2(world.club, world.firms["A"], [world.firms["G1"]])
    db.session.commit()
    result = runner.invoke(args=["ladder", "evaluate", "--governor", "GOV-1", "--period", "2025-06", "--apply"])
    assert result.exit_code == 0, result.output
    assert "SUP-A" in result.output and "promote" in result.output
    assert services.get_stage(world.firms["G1"], world.firms["A"]) == 2
    history = runner.invoke(args=["ladder", "history", "--governor", "GOV-1", "--supplier", "SUP-A", "--json"])
    (row,) = json.loads(history.output)
    assert (row["stage"], row["effective_month"], row["decided_by"]) == (2, "2025-06", None)
    assert "Approved by script" in row["reason"]


def test_ladder_evaluate_refuses_an_open_period_and_bad_input(world, runner):
    result = runner.invoke(args=["ladder", "evaluate", "--governor", "GOV-1", "--period", "2025-01", "--json"])
    assert result.exit_code != 0 and "not closed" in result.output
    result = runner.invoke(args=["ladder", "evaluate", "--governor", "GOV-1", "--period", "Jan 2025"])
    assert result.exit_code != 0 and "YYYY-MM" in result.output
    result = runner.invoke(args=["ladder", "evaluate", "--governor", "NOPE", "--period", "2025-01"])
    assert result.exit_code != 0 and "no firm with code NOPE" in result.output


def test_ladder_history_of_a_supplier_never_changed(world, runner):
    result = runner.invoke(args=["ladder", "history", "--governor", "GOV-2", "--supplier", "SUP-A"])
    assert result.exit_code == 0 and "at stage 1 with GOV-2" in result.output
    result = runner.invoke(args=["ladder", "history", "--governor", "GOV-2", "--supplier", "SUP-A", "--json"])
    assert json.loads(result.output) == []

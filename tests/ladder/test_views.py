"""Ladder pages per role: governors see only their suppliers, consent decides the numbers, members see their own."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from benchclub.extensions import db
from benchclub.ladder import evaluation, services
from benchclub.ladder.targets import publish_target
from benchclub.models import ActionStatus, Consent, DecisionStatus, ImprovementAction, Ladder, LadderEvaluation, Visit

from .helpers import put_value, ready_for_stage_2

DISTINCT_PPM = 123.4  # self-reported by A; must never reach a governor without consent


def promote_a(world):
    """A is ready for stage 2 with G1 and G2; both evaluated, each with a pending promotion."""
    a, g1, g2 = world.firms["A"], world.firms["G1"], world.firms["G2"]
    ready_for_stage_2(world.club, a, [g1, g2], ppm=DISTINCT_PPM)
    (ev1,) = evaluation.evaluate_governor(g1, "2025-06")
    (ev2,) = evaluation.evaluate_governor(g2, "2025-06")
    db.session.commit()
    return ev1, ev2


def test_governor_approves_from_the_dashboard_and_the_member_sees_the_new_stage(world, login_as):
    ev1, _ = promote_a(world)
    client = login_as("gov_consented")
    page = client.get("/ladder/").get_data(as_text=True)
    assert "Alpha Castings" in page and "Recommendations waiting for your decision" in page
    resp = client.post(f"/ladder/evaluations/{ev1.id}/decision", data={"decision": "approve", "comment": "Good"})
    assert resp.status_code == 302
    assert services.get_stage(world.firms["G1"], world.firms["A"]) == 2
    client = login_as("member_a")
    page = client.get("/ladder/my-stages").get_data(as_text=True)
    assert "Stage 2 · Self-certified" in page and "Stage 1 · Inspected" in page  # G1 then G2
    assert "Checklist to stage 3 (Zero-defect)" in page
    home = client.get("/").get_data(as_text=True)
    assert f'data-home-stage="{world.firms["G1"].id}">Stage 2' in home


def test_rejecting_without_a_comment_is_refused_with_a_message(world, login_as):
    ev1, _ = promote_a(world)
    client = login_as("gov_consented")
    resp = client.post(f"/ladder/evaluations/{ev1.id}/decision", data={"decision": "reject", "comment": ""},
                       follow_redirects=True)
    assert "Say why you reject the recommendation." in resp.get_data(as_text=True)
    assert db.session.get(LadderEvaluation, ev1.id).status == DecisionStatus.PENDING


def test_a_governor_never_sees_or_decides_another_governors_recommendation(world, login_as):
    ev1, ev2 = promote_a(world)
    client = login_as("gov_no_consent")
    assert client.get(f"/ladder/evaluations/{ev1.id}").status_code == 404
    assert client.post(f"/ladder/evaluations/{ev1.id}/decision", data={"decision": "approve"}).status_code == 404
    assert db.session.get(LadderEvaluation, ev1.id).status == DecisionStatus.PENDING
    client = login_as("gov_unlinked")
    page = client.get("/ladder/").get_data(as_text=True)
    assert "Alpha Castings" not in page and "No suppliers are linked to your firm yet" in page


def test_scorecard_shows_self_reported_values_only_with_consent(world, login_as):
    promote_a(world)
    a = world.firms["A"]
    page = login_as("gov_consented").get(f"/ladder/suppliers/{a.id}").get_data(as_text=True)
    assert str(DISTINCT_PPM) in page
    page = login_as("gov_no_consent").get(f"/ladder/suppliers/{a.id}").get_data(as_text=True)
    assert "has not shared its self-reported KPIs with you" in page and "not shared" in page
    assert str(DISTINCT_PPM) not in page
    ev2 = db.session.scalar(sa.select(LadderEvaluation).where(LadderEvaluation.governor_id == world.firms["G2"].id))
    detail = login_as("gov_no_consent").get(f"/ladder/evaluations/{ev2.id}").get_data(as_text=True)
    assert str(DISTINCT_PPM) not in detail and "not shared" in detail


def test_partial_consent_shares_only_the_chosen_kpis(world, login_as):
    promote_a(world)
    consent = Consent(supplier_id=world.firms["A"].id, governor_id=world.firms["G2"].id, all_kpis=False,
                      kpi_codes=["otd_pct"])
    db.session.add(consent)
    db.session.commit()
    page = login_as("gov_no_consent").get(f"/ladder/suppliers/{world.firms['A'].id}").get_data(as_text=True)
    assert "97.5" in page and str(DISTINCT_PPM) not in page


def test_governor_measurements_show_without_consent(world, login_as):
    promote_a(world)
    put_value(world.firms["A"], "otd_pct", "2025-06", 91.3, source=world.firms["G2"])
    db.session.commit()
    page = login_as("gov_no_consent").get(f"/ladder/suppliers/{world.firms['A'].id}").get_data(as_text=True)
    assert "91.3" in page


def test_member_sees_visits_and_targets_beside_own_values(world, login_as):
    promote_a(world)
    publish_target(world.firms["G1"], "otd_pct", 98.0, "Needed for zero-defect", actor=world.users["gov_consented"])
    db.session.commit()
    page = login_as("member_a").get("/ladder/my-stages").get_data(as_text=True)
    assert "Needed for zero-defect" in page and "below target" in page  # 97.5 < 98
    assert "Process audit" in page  # the visit by each governor
    other = login_as("member_b").get("/ladder/my-stages").get_data(as_text=True)
    assert "not linked to any governor" in other and "Gamma Motors" not in other


def test_logging_a_visit_and_setting_a_cadence(world, login_as):
    client = login_as("gov_consented")
    a = world.firms["A"]
    resp = client.post("/ladder/visits", data={"supplier_id": a.id, "visited_on": "2025-03-04",
                                                "visitor_role": "quality", "outcome": "follow-up",
                                                "purpose": "Goods-in rejects", "findings": "Burrs on housings"})
    assert resp.status_code == 302
    visit = db.session.scalar(sa.select(Visit))
    assert (visit.outcome.value, visit.findings, visit.created_by_id) == ("follow-up", "Burrs on housings",
                                                                          world.users["gov_consented"].id)
    assert client.post(f"/ladder/suppliers/{a.id}/cadence", data={"cadence": "monthly"}).status_code == 302
    page = client.get("/ladder/visits").get_data(as_text=True)
    assert "overdue" in page  # a month after 2025-03-04 has long passed
    assert client.post(f"/ladder/suppliers/{world.firms['B'].id}/cadence", data={"cadence": "weekly"}).status_code == 403


def test_target_form_shows_the_rule_on_the_field(world, login_as):
    client = login_as("gov_consented")
    resp = client.post("/ladder/targets", data={"kpi_code": "otd_pct", "value": "150"})
    assert resp.status_code == 422 and "lies between 0 and 100" in resp.get_data(as_text=True)


def test_editing_thresholds_saves_a_new_version(world, login_as):
    client = login_as("gov_consented")
    form = client.get("/ladder/settings").get_data(as_text=True)
    assert "Save as version 2" in form
    ladder = services.ensure_default_ladder(world.firms["G1"])
    data = {f"stage_{s.number}": s.name for s in ladder.stages}
    for c in ladder.criteria:
        for key in ("threshold", "count", "months"):
            if key in c.params:
                data[f"c{c.id}_{key}"] = str(c.params[key])
        if "standards" in c.params:
            data[f"c{c.id}_standards"] = c.params["standards"]
    otd = next(c for c in ladder.criteria if c.stage_number == 2 and c.params.get("kpi_code") == "otd_pct")
    data[f"c{otd.id}_threshold"] = "96"
    data["stage_4"] = "World class"
    resp = client.post("/ladder/settings", data=data)
    assert resp.status_code == 302
    current = services.get_current_ladder(world.firms["G1"])
    assert current.version == 2 and current.stages[3].name == "World class"
    assert next(c for c in current.criteria if c.stage_number == 2 and c.params.get("kpi_code") == "otd_pct") \
        .params["threshold"] == 96.0
    data[f"c{otd.id}_threshold"] = "abc"
    assert client.post("/ladder/settings", data=data).status_code == 422
    # G1 keeps exactly its two versions (every governor has had its default ladder since it was created)
    assert db.session.scalar(sa.select(sa.func.count(Ladder.id)).where(Ladder.governor_id == world.firms["G1"].id)) == 2


def test_improvement_action_details_need_consent(world, login_as):
    db.session.add(ImprovementAction(firm_id=world.firms["A"].id, description="Quick-change dies on press 4",
                                     due_on=date(2025, 5, 1), status=ActionStatus.DONE, completed_on=date(2025, 4, 20)))
    db.session.commit()
    url = f"/ladder/suppliers/{world.firms['A'].id}"
    assert "Quick-change dies on press 4" in login_as("gov_consented").get(url).get_data(as_text=True)
    page = login_as("gov_no_consent").get(url).get_data(as_text=True)
    assert "Quick-change dies on press 4" not in page and "1 done · 0 open" in page


def test_ladder_pages_read_without_creating_the_default_ladder(world, login_as, db):
    """A GET never writes: a governor whose ladder was never stored sees the default, and still has none stored."""
    g1 = world.firms["G1"]
    db.session.execute(sa.delete(Ladder).where(Ladder.governor_id == g1.id))
    db.session.commit()
    client = login_as("gov_consented")
    for url in ("/ladder/", f"/ladder/suppliers/{world.firms['A'].id}"):
        resp = client.get(url)
        assert resp.status_code == 200, url
    assert "Self-certified" in client.get("/ladder/").get_data(as_text=True)
    assert client.get("/ladder/settings").status_code == 404  # nothing stored to edit, and a GET creates nothing
    assert login_as("member_a").get("/ladder/my-stages").status_code == 200
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Ladder.id)).where(Ladder.governor_id == g1.id)) == 0

"""Access cases for the ladder: governors run their own ladder; members see only their own stages.

World: G1 (gov_consented) and G2 (gov_no_consent) are linked to supplier A; G3 (gov_unlinked) has no
suppliers; member_b's firm is linked to nobody. Facilitators have no ladder pages; the admin reads every
governor page read-only (a governor picker, or the governor named in ?governor=CODE) and every POST of a
governor page refuses it with 403.
"""
from benchclub.extensions import db
from benchclub.ladder.services import ensure_default_ladder
from benchclub.models import LadderEvaluation, Recommendation, Target

from . import Case

GOVERNORS_OK = {"gov_consented": 200, "gov_no_consent": 200, "gov_unlinked": 200}
MEMBERS_OK = {"member_a": 200, "member_b": 200}


def _g1_evaluation(w) -> int:
    """A pending promotion of supplier A by G1."""
    ladder = ensure_default_ladder(w.firms["G1"])
    ev = LadderEvaluation(governor_id=w.firms["G1"].id, supplier_id=w.firms["A"].id, ladder_id=ladder.id,
                          period_month="2025-01", current_stage=1, recommendation=Recommendation.PROMOTE,
                          target_stage=2, criteria=[], reason="test")
    db.session.add(ev)
    db.session.commit()
    return ev.id


def _g1_target(w) -> int:
    target = Target(governor_id=w.firms["G1"].id, kpi_code="otd_pct", value=95.0)
    db.session.add(target)
    db.session.commit()
    return target.id


CASES = [
    Case("ladder.dashboard", lambda w: "/ladder/", {**GOVERNORS_OK, "admin": 200}, note="admin: governor picker"),
    Case("ladder.dashboard", lambda w: "/ladder/?governor=GOV-1", {**GOVERNORS_OK, "admin": 200},
         note="admin reads GOV-1's dashboard; governors always see their own"),
    Case("ladder.evaluate", lambda w: "/ladder/evaluate", {g: 302 for g in GOVERNORS_OK}, method="POST",
         data=lambda w: {"period": "2025-01"}, note="open period: refused with a message"),
    Case("ladder.evaluation_detail", lambda w: f"/ladder/evaluations/{_g1_evaluation(w)}",
         {"gov_consented": 200, "gov_no_consent": 404, "gov_unlinked": 404, "admin": 200}),
    Case("ladder.decide", lambda w: f"/ladder/evaluations/{_g1_evaluation(w)}/decision",
         {"gov_consented": 302, "gov_no_consent": 404, "gov_unlinked": 404}, method="POST",
         data=lambda w: {"decision": "approve", "comment": "ok"}),
    Case("ladder.supplier_scorecard", lambda w: f"/ladder/suppliers/{w.firms['A'].id}",
         {"gov_consented": 200, "gov_no_consent": 200, "admin": 200}, note="admin: governor picker"),
    Case("ladder.supplier_scorecard", lambda w: f"/ladder/suppliers/{w.firms['A'].id}?governor=GOV-1",
         {"gov_consented": 200, "gov_no_consent": 200, "admin": 200}, note="admin reads GOV-1's scorecard"),
    Case("ladder.supplier_scorecard", lambda w: f"/ladder/suppliers/{w.firms['B'].id}", {"admin": 200},
         note="unlinked supplier; admin: governor picker"),
    Case("ladder.supplier_scorecard", lambda w: f"/ladder/suppliers/{w.firms['B'].id}?governor=GOV-1", {"admin": 404},
         note="admin names a governor B does not supply"),
    Case("ladder.dashboard", lambda w: "/ladder/?governor=gov-1", {**GOVERNORS_OK, "admin": 200},
         note="governor code in any case"),
    Case("ladder.dashboard", lambda w: "/ladder/?governor=NOPE", {**GOVERNORS_OK, "admin": 404},
         note="unknown governor code"),
    Case("ladder.member_stages", lambda w: "/ladder/my-stages", MEMBERS_OK),
    Case("ladder.visits_index", lambda w: "/ladder/visits", {**GOVERNORS_OK, "admin": 200}, note="admin: picker"),
    Case("ladder.visits_index", lambda w: "/ladder/visits?governor=GOV-1", {**GOVERNORS_OK, "admin": 200},
         note="admin reads GOV-1's visits"),
    Case("ladder.log_visit", lambda w: "/ladder/visits",
         {"gov_consented": 302, "gov_no_consent": 302, "gov_unlinked": 422}, method="POST",
         data=lambda w: {"supplier_id": w.firms["A"].id, "visited_on": "2025-03-01", "visitor_role": "quality",
                         "outcome": "passed"}, note="G3 cannot choose a supplier it is not linked to"),
    Case("ladder.set_cadence", lambda w: f"/ladder/suppliers/{w.firms['A'].id}/cadence",
         {"gov_consented": 302, "gov_no_consent": 302}, method="POST", data=lambda w: {"cadence": "weekly"}),
    Case("ladder.targets", lambda w: "/ladder/targets", {**GOVERNORS_OK, "admin": 200}, note="admin: picker"),
    Case("ladder.targets", lambda w: "/ladder/targets?governor=GOV-1", {**GOVERNORS_OK, "admin": 200},
         note="admin reads GOV-1's targets"),
    Case("ladder.save_target", lambda w: "/ladder/targets", {g: 302 for g in GOVERNORS_OK}, method="POST",
         data=lambda w: {"kpi_code": "otd_pct", "value": "97.5"}),
    Case("ladder.withdraw_target", lambda w: f"/ladder/targets/{_g1_target(w)}/withdraw",
         {"gov_consented": 302, "gov_no_consent": 404, "gov_unlinked": 404}, method="POST"),
    Case("ladder.edit_ladder", lambda w: "/ladder/settings", {**GOVERNORS_OK, "admin": 200}, note="admin: picker"),
    Case("ladder.edit_ladder", lambda w: "/ladder/settings?governor=GOV-1", {**GOVERNORS_OK, "admin": 200},
         note="admin reads GOV-1's ladder settings"),
    Case("ladder.edit_ladder", lambda w: "/ladder/settings", {g: 422 for g in GOVERNORS_OK}, method="POST",
         data=lambda w: {}, note="empty form is refused"),
    Case("ladder.edit_ladder", lambda w: "/ladder/settings?governor=GOV-1", {g: 422 for g in GOVERNORS_OK},
         method="POST", data=lambda w: {"action": "preview"}, note="the admin's POST is refused (403)"),
]

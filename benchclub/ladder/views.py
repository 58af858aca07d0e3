"""Ladder pages: the governor's tier dashboard, recommendations and scorecards; the member's stages."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import permissions
from ..errors import DomainError
from ..extensions import db
from ..models import Firm, LadderEvaluation, Role
from ..permissions import role_required
from . import charts, evaluation, queries, scorecard, services
from .forms import DecisionForm, EvaluateForm
from .targets import targets_for_supplier

bp = Blueprint("ladder", __name__, url_prefix="/ladder")


def _governor() -> Firm:
    if not permissions.can_use_ladder_dashboard(current_user):
        abort(403)
    return current_user.firm


@bp.get("/")
@role_required(Role.GOVERNOR)
def dashboard():
    """Tier dashboard: the governor's whole supply base at a glance."""
    governor = _governor()
    data = queries.tier_dashboard(governor)
    figures = {
        "stages": charts.stages_over_time(data.months, data.monthly_counts, data.stage_names),
        "sankey": charts.movements_sankey(data.transitions, data.stage_names, data.months[-13], data.period),
    }
    form = EvaluateForm()
    form.period.choices = [(m, m) for m in reversed(evaluation.closed_months(governor.club_id))][:24]
    page = render_template("ladder/dashboard.html", d=data, figures=figures, form=form, decision=DecisionForm())
    db.session.commit()  # the default ladder may have been created on first use; after rendering, as a commit
    return page  # expires every loaded row (one reload per supplier shown)


@bp.post("/evaluate")
@role_required(Role.GOVERNOR)
def evaluate():
    """Evaluate every supplier now for a closed period."""
    governor = _governor()
    form = EvaluateForm()
    form.period.choices = [(m, m) for m in evaluation.closed_months(governor.club_id)]
    if not form.validate_on_submit():
        flash("Choose a closed period to evaluate.", "danger")
        return redirect(url_for("ladder.dashboard"))
    stored = evaluation.evaluate_governor(governor, form.period.data, actor=current_user)
    db.session.commit()
    pending = sum(1 for e in stored if e.status.value == "pending")
    flash(f"{len(stored)} suppliers evaluated for {form.period.data}: {pending} recommendations wait for "
          "your decision.", "success")
    return redirect(url_for("ladder.dashboard") + "#pending")


def _evaluation_or_404(evaluation_id: int) -> LadderEvaluation:
    ev = db.get_or_404(LadderEvaluation, evaluation_id)
    if not permissions.can_decide_evaluation(current_user, ev):
        abort(404)
    return ev


@bp.get("/evaluations/<int:evaluation_id>")
@role_required(Role.GOVERNOR)
def evaluation_detail(evaluation_id: int):
    """One recommendation with every criterion and its evidence (self values only where shared)."""
    ev = _evaluation_or_404(evaluation_id)
    shared = permissions.consented_kpi_codes(current_user, ev.supplier)
    return render_template("ladder/evaluation.html", ev=ev, criteria=queries.redact_criteria(ev.criteria, shared),
                           stage_names={s.number: s.name for s in ev.ladder.stages}, decision=DecisionForm())


@bp.post("/evaluations/<int:evaluation_id>/decision")
@role_required(Role.GOVERNOR)
def decide(evaluation_id: int):
    """Approve or reject a recommendation."""
    ev = _evaluation_or_404(evaluation_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash("The decision could not be read; please try again.", "danger")
        return redirect(url_for("ladder.evaluation_detail", evaluation_id=ev.id))
    try:
        services.decide_evaluation(ev, form.decision.data == "approve", form.comment.data or "", actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for("ladder.evaluation_detail", evaluation_id=evaluation_id))
    db.session.commit()
    flash(f"{ev.supplier.name}: recommendation {ev.status.value}.", "success")
    return redirect(url_for("ladder.dashboard") + "#pending")


@bp.get("/suppliers/<int:firm_id>")
@role_required(Role.GOVERNOR)
def supplier_scorecard(firm_id: int):
    """Identified scorecard of one linked supplier, honouring its consent."""
    supplier = db.get_or_404(Firm, firm_id)
    if not permissions.can_view_supplier_scorecard(current_user, supplier):
        abort(403)
    link = services.require_link(current_user.firm, supplier)
    card = scorecard.supplier_scorecard(current_user.firm, link,
                                        permissions.consented_kpi_codes(current_user, supplier),
                                        show_certificates=permissions.can_view_supplier_certificates(current_user,
                                                                                                     supplier))
    db.session.commit()
    trends = [(s, charts.kpi_trend(s.kpi.name, s.kpi.unit, card.months, s.self_values, s.governor_values, s.target))
              for s in card.series]
    return render_template("ladder/scorecard.html", card=card, trends=trends)


@bp.get("/my-stages")
@role_required(Role.MEMBER)
def member_stages():
    """My stage with each governor, the history, the checklist to the next stage, visits and targets."""
    if not permissions.can_view_own_stages(current_user):
        abort(403)
    firm = current_user.firm
    stages = queries.member_stages(firm)
    db.session.commit()
    targets: dict[int, list] = {}
    for target in targets_for_supplier(firm):
        targets.setdefault(target.governor_id, []).append(target)
    return render_template("ladder/member.html", stages=stages, targets=targets, own=queries.latest_own_values(firm))


from . import manage_views, panels  # noqa: E402,F401  (routes on bp; home-page panels; period-close subscriber)

"""Ladder pages: the governor's tier dashboard, recommendations and scorecards; the member's stages."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import permissions
from ..benchmarks.disclosure import Viewer
from ..benchmarks.queries import released_club_history
from ..chart_theme import NEUTRAL, STAGE_COLOURS
from ..clubs.governor_pages import own_governor as _governor
from ..clubs.governor_pages import pick_governor, read_only_context, viewed_governor
from ..errors import DomainError
from ..extensions import db
from ..models import Firm, LadderEvaluation, Role
from ..permissions import role_required
from . import charts, evaluation, queries, scorecard, services
from .blueprint import bp
from .forms import DecisionForm, EvaluateForm
from .supplier_table import supplier_rows
from .targets import targets_for_supplier


@bp.get("/")
@role_required(Role.GOVERNOR, Role.ADMIN)
def dashboard():
    """Tier dashboard: the governor's whole supply base at a glance (the admin reads any governor's)."""
    governor = viewed_governor()
    if governor is None:
        return pick_governor()
    data = queries.tier_dashboard(governor)
    figures = {
        "stages": charts.stages_over_time(data.months, data.monthly_counts, data.stage_names),
        "sankey": charts.movements_sankey(data.transitions, data.stage_names, data.months[-13], data.period),
    }
    form = EvaluateForm()
    form.period.choices = [(m, m) for m in reversed(evaluation.closed_months(governor.club_id))][:24]
    suppliers = supplier_rows(governor, evaluation.list_links(governor), data.stage_of, data.stage_names, data.visits)
    return render_template("ladder/dashboard.html", d=data, figures=figures, form=form, decision=DecisionForm(),
                           suppliers=suppliers, governor=governor, stage_colours=STAGE_COLOURS, neutral=NEUTRAL,
                           **read_only_context(governor, "tier dashboard"))


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
@role_required(Role.GOVERNOR, Role.ADMIN)
def evaluation_detail(evaluation_id: int):
    """One recommendation with every criterion and its evidence (self values only where shared)."""
    if permissions.can_read_governor_pages(current_user):
        ev = db.get_or_404(LadderEvaluation, evaluation_id)
    else:
        ev = _evaluation_or_404(evaluation_id)
    shared = permissions.governor_shared_kpi_codes(ev.governor, ev.supplier)
    return render_template("ladder/evaluation.html", ev=ev, criteria=queries.redact_criteria(ev.criteria, shared),
                           stage_names={s.number: s.name for s in ev.ladder.stages}, decision=DecisionForm(),
                           **read_only_context(ev.governor, f"recommendation for {ev.supplier.code}", ev.id))


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
@role_required(Role.GOVERNOR, Role.ADMIN)
def supplier_scorecard(firm_id: int):
    """Identified scorecard of one linked supplier, honouring its consent (the admin sees the governor's view)."""
    supplier = db.get_or_404(Firm, firm_id)
    governor = viewed_governor()
    if governor is None:
        return pick_governor(supplier)
    if not permissions.can_read_governor_pages(current_user) and \
            not permissions.can_view_supplier_scorecard(current_user, supplier):
        abort(403)
    link = permissions.link_between(governor, supplier)
    if link is None:  # the admin named a governor this firm does not supply
        abort(404)
    card = scorecard.supplier_scorecard(governor, link, permissions.governor_shared_kpi_codes(governor, supplier),
                                        show_certificates=permissions.governor_sees_certificates(governor, supplier))
    club = governor.club
    viewer = Viewer.for_user(current_user, club) if not permissions.can_read_governor_pages(current_user) else \
        Viewer("governor", club.id, governor.id, frozenset(permissions.consenting_supplier_ids(governor)))
    released = released_club_history(viewer, club, card.months)
    trends = [(s, charts.kpi_trend(s.kpi.name, s.kpi.unit, card.months, s.self_values, s.governor_values, s.target,
                                   _peer_band(released, s.kpi.code, card.months)))
              for s in card.series]
    return render_template("ladder/scorecard.html", card=card, trends=trends,
                           **read_only_context(governor, f"scorecard of {supplier.code}", supplier.id))


def _peer_band(released, code: str, months: list[str]) -> list[tuple[float | None, float | None, float | None]]:
    """Released club P25, median and P75 per month (None where withheld): never computed here from peer values."""
    return [tuple(released[(m, code)].get(k) if (m, code) in released else None for k in ("p25", "p50", "p75"))
            for m in months]


@bp.get("/my-stages")
@role_required(Role.MEMBER)
def member_stages():
    """My stage with each governor, the history, the checklist to the next stage, visits and targets."""
    if not permissions.can_view_own_stages(current_user):
        abort(403)
    firm = current_user.firm
    stages = queries.member_stages(firm)
    targets: dict[int, list] = {}
    for target in targets_for_supplier(firm):
        targets.setdefault(target.governor_id, []).append(target)
    return render_template("ladder/member.html", stages=stages, targets=targets, own=queries.latest_own_values(firm))

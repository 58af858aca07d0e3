"""Workshop pages for members: my workshops, host answer, registration, own improvement actions.

A member never sees which other firms registered or were invited, only counts of places; the
host firm is named only once it agreed to host.
"""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..catalogue import list_kpis
from ..errors import DomainError
from ..extensions import db
from ..models import ImprovementAction, Role, Workshop
from ..permissions import (
    can_edit_action,
    can_register_for_workshop,
    can_respond_as_host,
    can_run_workshops,
    can_view_workshop,
    role_required,
)
from ..web import commit_or_flash as apply
from ..web import show_error
from . import actions, charts, queries, services
from .blueprint import bp
from .forms import ActionEditForm, ActionForm


def member_detail(workshop: Workshop, impact: queries.ImpactView):
    """The member's view of one workshop (called by views.detail after the permission check)."""
    firm = current_user.firm
    rows = queries.public_horizons(impact)  # the member never receives per-firm changes
    return render_template(
        "workshops/member_detail.html", workshop=workshop, kpi=impact.kpi, rows=rows, base_month=impact.base_month,
        impact_note=impact.note, figure=charts.member_impact_figure(impact.kpi, impact.base_month, rows),
        places=queries.places(workshop),
        registration=queries.registration_of(workshop, firm.id),
        invited=any(i.firm_id == firm.id for i in workshop.invitations),
        can_register=can_register_for_workshop(current_user, workshop),
        can_respond=can_respond_as_host(current_user, workshop),
        my_actions=[a for a in workshop.actions if a.firm_id == firm.id], today=date.today())


@bp.get("/my/workshops")
@role_required(Role.MEMBER)
def member_list():
    """My firm's host requests, invitations, registrations, open workshops and improvement actions."""
    overview = queries.member_overview(current_user, date.today())
    workshops = overview.host_requests + overview.invitations + overview.open_workshops + \
        [r.workshop for r in overview.registrations]
    kpis = {k.code: k for k in _club_kpis()}
    return render_template("workshops/member_list.html", overview=overview, kpis=kpis, today=date.today(),
                           places={w.id: queries.places(w) for w in workshops}, action_form=ActionForm())


def _club_kpis():
    return list_kpis(current_user.firm.club_id, active_only=False)


def _detail_url(workshop: Workshop) -> str:
    return url_for("workshops.detail", workshop_id=workshop.id)


@bp.post("/workshops/<int:workshop_id>/host")
@role_required(Role.MEMBER)
def respond_host(workshop_id: int):
    """The host firm agrees or declines to host."""
    workshop = db.get_or_404(Workshop, workshop_id)
    if not can_respond_as_host(current_user, workshop):
        abort(403)
    agree = request.form.get("answer") == "agree"
    done = "Thank you: the workshop is now open for registration." if agree else "You declined to host."
    return apply(lambda: services.respond_as_host(workshop, agree, actor=current_user), done, _detail_url(workshop))


@bp.post("/workshops/<int:workshop_id>/register")
@role_required(Role.MEMBER)
def register(workshop_id: int):
    """Register my firm (or put it on the waiting list when full)."""
    workshop = db.get_or_404(Workshop, workshop_id)
    if not can_register_for_workshop(current_user, workshop):
        abort(403)
    try:
        reg = services.register_firm(workshop, current_user.firm, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(_detail_url(workshop))
    db.session.commit()
    if reg.status.value == "waitlisted":
        flash("The workshop is full: your firm is on the waiting list and moves up when a place frees.", "warning")
    else:
        flash("Your firm is registered.", "success")
    return redirect(_detail_url(workshop))


@bp.post("/workshops/<int:workshop_id>/unregister")
@role_required(Role.MEMBER)
def cancel_registration(workshop_id: int):
    """Cancel my firm's registration or waiting-list place."""
    workshop = db.get_or_404(Workshop, workshop_id)
    if not can_register_for_workshop(current_user, workshop):
        abort(403)
    return apply(lambda: services.cancel_registration(workshop, current_user.firm, actor=current_user),
                 "Registration cancelled.", _detail_url(workshop))


@bp.post("/my/actions")
@role_required(Role.MEMBER)
def add_own_action():
    """A member records an improvement action for its own firm."""
    form = ActionForm()
    form.firm_id.choices = []
    target = url_for("workshops.member_list") + "#actions"
    if not form.validate_on_submit():
        flash("Describe the action and give a due date.", "danger")
        return redirect(target)
    return apply(lambda: actions.add_action(current_user.firm, form.description.data, form.due_on.data,
                                            owner=form.owner.data, actor=current_user), "Action added.", target)


def _action_or_403(action_id: int) -> ImprovementAction:
    action = db.get_or_404(ImprovementAction, action_id)
    if not can_edit_action(current_user, action):
        abort(403)
    return action


def _back_from_action(action: ImprovementAction) -> str:
    if can_run_workshops(current_user, action.firm.club_id):
        if action.workshop_id:
            return url_for("workshops.detail", workshop_id=action.workshop_id) + "#actions"
        return url_for("workshops.index")
    return url_for("workshops.member_list") + "#actions"


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@role_required(Role.FACILITATOR, Role.MEMBER)
def edit_action(action_id: int):
    """Edit an improvement action: the facilitator, or the firm's own members."""
    action = _action_or_403(action_id)
    form = ActionEditForm(obj=action, status=action.status.value)
    if form.validate_on_submit():
        try:
            actions.update_action(action, description=form.description.data, owner=form.owner.data,
                                  due_on=form.due_on.data, status=form.status.data, actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc, default="description")
        else:
            db.session.commit()
            flash("Action saved.", "success")
            return redirect(_back_from_action(action))
    show_firm = can_run_workshops(current_user, action.firm.club_id)
    status = 422 if request.method == "POST" else 200
    return render_template("workshops/action_form.html", form=form, action=action, show_firm=show_firm,
                           back=_back_from_action(action),
                           show_workshop=action.workshop is not None
                           and can_view_workshop(current_user, action.workshop)), status


@bp.post("/actions/<int:action_id>/done")
@role_required(Role.FACILITATOR, Role.MEMBER)
def complete_action(action_id: int):
    """Mark an improvement action done today."""
    action = _action_or_403(action_id)
    return apply(lambda: actions.complete_action(action, actor=current_user), "Action marked done.",
                 _back_from_action(action))

"""Governor pages that change the ladder's inputs: visits, cadence, targets and ladder settings."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import permissions
from ..catalogue import list_kpis
from ..clubs.governor_pages import own_governor as _governor
from ..clubs.governor_pages import pick_governor, read_only_context, viewed_governor
from ..errors import DomainError
from ..extensions import db
from ..models import Firm, Role
from ..permissions import role_required
from ..web import show_error
from . import evaluation, services, visits
from . import targets as target_services
from .blueprint import bp
from .evaluation import list_links
from .forms import CadenceForm, TargetForm, VisitForm, ladder_changes, ladder_form


def _visit_page(form: VisitForm, status: int = 200, governor: Firm | None = None):
    governor = governor or current_user.firm
    links = list_links(governor)
    return render_template("ladder/visits.html", form=form, plans=visits.visit_plans(governor, links),
                           visits=visits.list_visits(governor, limit=100), cadence=CadenceForm(), governor=governor,
                           **read_only_context(governor, "visits")), status


def _visit_form(governor: Firm) -> VisitForm:
    form = VisitForm()
    form.supplier_id.choices = [(link.supplier_id, link.supplier.name) for link in list_links(governor)]
    return form


@bp.get("/visits")
@role_required(Role.GOVERNOR, Role.ADMIN)
def visits_index():
    """Visit log, cadence per supplier and overdue flags (the admin reads any governor's, without forms)."""
    governor = viewed_governor()
    if governor is None:
        return pick_governor()
    form = _visit_form(governor)
    if request.args.get("supplier", "").isdigit():
        form.supplier_id.data = int(request.args["supplier"])
    return _visit_page(form, governor=governor)


@bp.post("/visits")
@role_required(Role.GOVERNOR)
def log_visit():
    """Record a visit to a linked supplier."""
    governor = _governor()
    form = _visit_form(governor)
    if not form.validate_on_submit():
        return _visit_page(form, 422)
    supplier = db.get_or_404(Firm, form.supplier_id.data)
    try:
        visits.log_visit(governor, supplier, form.visited_on.data, form.visitor_role.data, form.outcome.data,
                         purpose=form.purpose.data, findings=form.findings.data, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        show_error(form, exc, default="outcome")
        return _visit_page(form, 422)
    db.session.commit()
    flash(f"Visit to {supplier.name} on {form.visited_on.data} logged.", "success")
    return redirect(url_for("ladder.visits_index"))


@bp.post("/suppliers/<int:firm_id>/cadence")
@role_required(Role.GOVERNOR)
def set_cadence(firm_id: int):
    """Set how often the governor visits a supplier."""
    governor = _governor()
    supplier = db.get_or_404(Firm, firm_id)
    if not permissions.can_view_supplier_scorecard(current_user, supplier):
        abort(403)
    form = CadenceForm()
    if form.validate_on_submit():
        visits.set_visit_cadence(governor, supplier, form.cadence.data or None, actor=current_user)
        db.session.commit()
        flash(f"Visit cadence for {supplier.name} saved.", "success")
    else:
        flash("Choose weekly, fortnightly, monthly or no planned cadence.", "danger")
    return redirect(url_for("ladder.visits_index"))


def _target_page(form: TargetForm, status: int = 200, governor: Firm | None = None):
    governor = governor or current_user.firm
    kpis = {k.code: k for k in list_kpis(governor.club_id)}
    return render_template("ladder/targets.html", form=form, targets=target_services.list_targets(governor),
                           kpis=kpis, governor=governor, **read_only_context(governor, "targets")), status


def _target_form(governor: Firm) -> TargetForm:
    form = TargetForm()
    form.kpi_code.choices = [(k.code, f"{k.name} ({k.unit})") for k in list_kpis(governor.club_id)]
    return form


@bp.get("/targets")
@role_required(Role.GOVERNOR, Role.ADMIN)
def targets():
    """Targets the governor publishes to its suppliers (the admin reads any governor's, without forms)."""
    governor = viewed_governor()
    if governor is None:
        return pick_governor()
    return _target_page(_target_form(governor), governor=governor)


@bp.post("/targets")
@role_required(Role.GOVERNOR)
def save_target():
    """Publish or change one target."""
    governor = _governor()
    form = _target_form(governor)
    if not form.validate_on_submit():
        return _target_page(form, 422)
    try:
        target_services.publish_target(governor, form.kpi_code.data, form.value.data, form.note.data, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        show_error(form, exc, default="value")
        return _target_page(form, 422)
    db.session.commit()
    flash("Target published to your suppliers.", "success")
    return redirect(url_for("ladder.targets"))


@bp.post("/targets/<int:target_id>/withdraw")
@role_required(Role.GOVERNOR)
def withdraw_target(target_id: int):
    """Withdraw a target."""
    governor = _governor()
    try:
        target_services.withdraw_target(governor, target_id, actor=current_user)
    except DomainError:
        abort(404)
    db.session.commit()
    flash("Target withdrawn.", "success")
    return redirect(url_for("ladder.targets"))


@bp.route("/settings", methods=["GET", "POST"])
@role_required(Role.GOVERNOR, Role.ADMIN)
def edit_ladder():
    """Edit stage names and thresholds; saving creates a new ladder version, previewing saves nothing.
    The admin reads any governor's settings (GET); its POST is refused."""
    if request.method == "POST" and not permissions.can_use_ladder_dashboard(current_user):
        abort(403)
    governor = viewed_governor()
    if governor is None:
        return pick_governor()
    ladder = services.get_current_ladder(governor)
    if ladder is None:  # created with the governor or by migration 0008; a GET never creates it
        abort(404)
    form = ladder_form(ladder)
    status, previews = 200, None
    if request.method == "POST":
        saved, status, previews = _submit_ladder(governor, ladder, form)
        if saved:
            return redirect(url_for("ladder.edit_ladder"))
    return render_template("ladder/settings.html", form=form, ladder=ladder, previews=previews, governor=governor,
                           kpi_names={k.code: k.name for k in list_kpis(governor.club_id)},
                           **read_only_context(governor, "ladder settings")), status


def _submit_ladder(governor: Firm, ladder, form) -> tuple[bool, int, list | None]:
    """Preview changed thresholds (saves nothing) or save a new ladder version: (saved, status, previews)."""
    if not form.validate():
        return False, 422, None
    names, params = ladder_changes(form, ladder)
    try:
        if request.form.get("action") == "preview":
            previews = evaluation.preview_thresholds(governor, params, actor=current_user)
            db.session.rollback()
            return False, 200, previews
        new = services.save_ladder_version(governor, names, params, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "warning" if exc.field == "form" else "danger")
        if exc.field in form:
            form[exc.field].errors.append(str(exc))
        return False, 422, None
    db.session.commit()
    flash(f"Ladder saved as version {new.version}; it takes effect from the next period close.", "success")
    return True, 302, None

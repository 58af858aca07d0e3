"""Workshop pages for the facilitator: overview, suggestions, planning, attendance, materials, impact.

Member pages (registration, host answer, own actions) are in member_views.py on the same blueprint.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..audit import record
from ..catalogue import list_kpis
from ..errors import DomainError
from ..extensions import db
from ..models import Club, Firm, Role, Workshop, WorkshopMaterial
from ..permissions import can_run_workshops, can_view_workshop, facilitated_club, is_admin, role_required
from ..web import commit_or_flash as apply
from ..web import show_error
from . import actions, charts, materials, member_views, queries, services
from .blueprint import bp
from .forms import ActionForm, InviteForm, MaterialForm, NotesForm, SuggestionForm, WorkshopForm


def managed_club() -> Club:
    """The facilitator's club; the admin picks one with ?club=CODE (default: the first club)."""
    if not is_admin(current_user):
        club = facilitated_club(current_user)
        if club is None:
            abort(403)
        return club
    query = sa.select(Club).order_by(Club.code)
    if request.args.get("club"):
        query = query.where(sa.func.lower(Club.code) == request.args["club"].strip().lower())
    club = db.session.scalar(query.limit(1))
    if club is None:
        abort(404)
    return club


def run_workshop_or_403(workshop_id: int) -> Workshop:
    """Load a workshop the current user runs (its club's facilitator or the admin)."""
    workshop = db.get_or_404(Workshop, workshop_id)
    if not can_run_workshops(current_user, workshop.club_id):
        abort(403)
    return workshop


def _suggestion_form(club: Club) -> SuggestionForm:
    form = SuggestionForm(request.args)
    form.kpi.choices = [(k.code, k.name) for k in list_kpis(club)]
    form.period.choices = [(m, m) for m in queries.closed_months(club, limit=36)]
    return form


@bp.get("/workshops")
@role_required(Role.FACILITATOR)
def index():
    """Workshops of the club, the suggestion picker and the follow-up list of overdue actions."""
    club = managed_club()
    clubs = list(db.session.scalars(sa.select(Club).order_by(Club.code))) if is_admin(current_user) else []
    return render_template("workshops/index.html", club=club, clubs=clubs, form=_suggestion_form(club),
                           workshops=queries.list_workshops(club), overdue=queries.overdue_actions(club, date.today()),
                           kpis={k.code: k for k in list_kpis(club, active_only=False)},
                           places={w.id: queries.places(w) for w in queries.list_workshops(club)})


@bp.get("/workshops/suggestions")
@role_required(Role.FACILITATOR)
def suggestions():
    """Proposed hosts and invitees for a KPI and closed period: identified data, so audited."""
    club = managed_club()
    form = _suggestion_form(club)
    view, error = None, None
    if form.kpi.data and form.period.data:
        try:
            view = queries.get_suggestions(club, form.kpi.data, form.period.data)
        except DomainError as exc:
            error = str(exc)
        else:
            record(current_user, "view", "workshop_suggestions", None, club_id=club.id,
                   summary=f"suggestions {view.kpi.code} {view.result.month}",
                   detail={"hosts": len(view.result.hosts), "invitees": len(view.result.invitees)})
            db.session.commit()
    return render_template("workshops/suggestions.html", club=club, form=form, view=view, error=error)


def _workshop_form(club: Club, form: WorkshopForm) -> WorkshopForm:
    firms = queries.club_firms(club)
    form.kpi_code.choices = [(k.code, k.name) for k in list_kpis(club)]
    form.host_firm_id.choices = [(0, "No host firm (neutral venue)")] + [(f.id, f"{f.code} · {f.name}") for f in firms]
    form.invitees.choices = [(f.id, f"{f.code} · {f.name}") for f in firms]
    return form


def _prefill_from_suggestions(club: Club, form: WorkshopForm) -> queries.SuggestionView | None:
    """GET /workshops/new?kpi=..&period=..: pre-fill KPI, best host and the invitees (audited view)."""
    kpi, period = request.args.get("kpi"), request.args.get("period")
    if not (kpi and period):
        return None
    try:
        view = queries.get_suggestions(club, kpi, period)
    except DomainError as exc:
        flash(str(exc), "warning")
        return None
    record(current_user, "view", "workshop_suggestions", None, club_id=club.id,
           summary=f"suggestions {view.kpi.code} {view.result.month} (new workshop)")
    db.session.commit()
    form.kpi_code.data = view.kpi.code
    form.title.data = f"Best-in-class workshop: {view.kpi.name}"
    form.host_firm_id.data = view.result.hosts[0].firm if view.result.hosts else 0
    form.invitees.data = [c.firm for c in view.result.invitees]
    form.suggested_from_month.data = view.result.month
    return view


@bp.route("/workshops/new", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
def new():
    """Plan a workshop from scratch or from a suggestion."""
    club = managed_club()
    form = _workshop_form(club, WorkshopForm())
    suggestion = _prefill_from_suggestions(club, form) if request.method == "GET" else None
    if form.validate_on_submit():
        firms = {f.id: f for f in queries.club_firms(club)}
        try:
            workshop = services.create_workshop(
                club, form.kpi_code.data, form.title.data, form.held_on.data, actor=current_user,
                host=firms.get(form.host_firm_id.data), place=form.place.data, capacity=form.capacity.data,
                agenda=form.agenda.data, invitees=[firms[i] for i in form.invitees.data or [] if i in firms],
                suggested_from_month=form.suggested_from_month.data or None)
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc, default="title")
        else:
            db.session.commit()
            flash("Workshop planned. The host firm has been asked to agree.", "success")
            return redirect(url_for("workshops.detail", workshop_id=workshop.id))
    status = 422 if request.method == "POST" else 200
    return render_template("workshops/form.html", form=form, club=club, suggestion=suggestion, workshop=None), status


@bp.route("/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
def edit(workshop_id: int):
    """Change date, place, capacity, agenda or host of a planned workshop."""
    workshop = run_workshop_or_403(workshop_id)
    form = _workshop_form(workshop.club, WorkshopForm(obj=workshop))
    del form.kpi_code  # the topic of a planned workshop stays fixed
    if request.method == "GET":
        form.host_firm_id.data = workshop.host_firm_id or 0
    if form.validate_on_submit():
        host = db.session.get(Firm, form.host_firm_id.data) if form.host_firm_id.data else None
        try:
            services.update_workshop(workshop, title=form.title.data, held_on=form.held_on.data, place=form.place.data,
                                     capacity=form.capacity.data, agenda=form.agenda.data, host=host,
                                     actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc, default="title")
        else:
            db.session.commit()
            flash("Workshop updated.", "success")
            return redirect(url_for("workshops.detail", workshop_id=workshop.id))
    status = 422 if request.method == "POST" else 200
    return render_template("workshops/form.html", form=form, club=workshop.club, suggestion=None,
                           workshop=workshop), status


@bp.get("/workshops/<int:workshop_id>")
@role_required(Role.FACILITATOR, Role.MEMBER)
def detail(workshop_id: int):
    """The facilitator's full workshop page, or the member's page (no other registrants named)."""
    workshop = db.get_or_404(Workshop, workshop_id)
    if not can_view_workshop(current_user, workshop):
        abort(403)
    impact = queries.get_impact(workshop)
    if not can_run_workshops(current_user, workshop.club_id):
        return member_views.member_detail(workshop, impact)
    invite_form = InviteForm()
    invited = {i.firm_id for i in workshop.invitations} | {workshop.host_firm_id}
    invite_form.firms.choices = [(f.id, f"{f.code} · {f.name}") for f in queries.club_firms(workshop.club)
                                 if f.id not in invited]
    action_form = ActionForm()
    action_form.firm_id.choices = [(f.id, f"{f.code} · {f.name}") for f in queries.club_firms(workshop.club)]
    # Rule 8: the facilitator's page names registrants, attendance and per-firm impact.
    record(current_user, "view", "workshop", workshop.id, club_id=workshop.club_id,
           summary=f"workshop detail: {workshop.title}"[:400])
    db.session.commit()
    return render_template(
        "workshops/detail.html", workshop=workshop, kpi=impact.kpi, impact=impact,
        figure=charts.facilitator_impact_figure(impact), places=queries.places(workshop),
        notes_form=NotesForm(notes=workshop.notes), material_form=MaterialForm(), invite_form=invite_form,
        action_form=action_form, today=date.today())


@bp.post("/workshops/<int:workshop_id>/invitations")
@role_required(Role.FACILITATOR)
def invite(workshop_id: int):
    """Invite more firms of the club."""
    workshop = run_workshop_or_403(workshop_id)
    ids = {int(i) for i in request.form.getlist("firms") if i.isdigit()}
    firms = [f for f in queries.club_firms(workshop.club) if f.id in ids]
    target = url_for("workshops.detail", workshop_id=workshop.id)
    if not firms:
        flash("Choose at least one firm to invite.", "warning")
        return redirect(target)
    return apply(lambda: services.invite_firms(workshop, firms, actor=current_user), "Invitations sent.", target)


@bp.post("/workshops/<int:workshop_id>/attendance")
@role_required(Role.FACILITATOR)
def attendance(workshop_id: int):
    """Record which firms attended; the workshop becomes 'held'."""
    workshop = run_workshop_or_403(workshop_id)
    ids = {int(i) for i in request.form.getlist("attended") if i.isdigit()}
    firms = [f for f in queries.club_firms(workshop.club) if f.id in ids]
    return apply(lambda: services.record_attendance(workshop, firms, actor=current_user), "Attendance recorded.",
                 url_for("workshops.detail", workshop_id=workshop.id))


@bp.post("/workshops/<int:workshop_id>/notes")
@role_required(Role.FACILITATOR)
def notes(workshop_id: int):
    """Save the facilitator's notes."""
    workshop = run_workshop_or_403(workshop_id)
    form = NotesForm()
    target = url_for("workshops.detail", workshop_id=workshop.id) + "#notes"
    if not form.validate_on_submit():
        flash("; ".join(form.notes.errors) or "The notes could not be saved.", "danger")
        return redirect(target)
    return apply(lambda: services.save_notes(workshop, form.notes.data, actor=current_user), "Notes saved.", target)


@bp.post("/workshops/<int:workshop_id>/cancel")
@role_required(Role.FACILITATOR)
def cancel(workshop_id: int):
    """Call a planned workshop off."""
    workshop = run_workshop_or_403(workshop_id)
    return apply(lambda: services.cancel_workshop(workshop, actor=current_user), "Workshop cancelled.",
                 url_for("workshops.detail", workshop_id=workshop.id))


@bp.post("/workshops/<int:workshop_id>/materials")
@role_required(Role.FACILITATOR)
def upload_material(workshop_id: int):
    """Upload a file (allow-listed types, size-limited) for the workshop."""
    workshop = run_workshop_or_403(workshop_id)
    form = MaterialForm()
    target = url_for("workshops.detail", workshop_id=workshop.id) + "#materials"
    if not form.validate_on_submit():
        flash("; ".join(form.file.errors) or "Choose a file to upload.", "danger")
        return redirect(target)
    upload = form.file.data
    data = upload.read(current_app.config["MAX_UPLOAD_BYTES"] + 1)
    return apply(lambda: materials.add_material(workshop, upload.filename, data, actor=current_user,
                                                folder=current_app.config["UPLOAD_FOLDER"],
                                                max_bytes=current_app.config["MAX_UPLOAD_BYTES"]),
                 f"{upload.filename} uploaded.", target)


@bp.get("/workshops/materials/<int:material_id>")
@role_required(Role.FACILITATOR, Role.MEMBER)
def download_material(material_id: int):
    """Serve a material as an attachment, only to those who may see its workshop."""
    material = db.get_or_404(WorkshopMaterial, material_id)
    if not can_view_workshop(current_user, material.workshop):
        abort(403)
    path = materials.material_path(material, current_app.config["UPLOAD_FOLDER"])
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=material.content_type, as_attachment=True, download_name=material.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/workshops/materials/<int:material_id>/delete")
@role_required(Role.FACILITATOR)
def delete_material(material_id: int):
    """Remove a material and its file."""
    material = db.get_or_404(WorkshopMaterial, material_id)
    workshop = run_workshop_or_403(material.workshop_id)
    return apply(lambda: materials.delete_material(material, actor=current_user,
                                                   folder=current_app.config["UPLOAD_FOLDER"]),
                 "Material removed.", url_for("workshops.detail", workshop_id=workshop.id) + "#materials")


@bp.post("/workshops/<int:workshop_id>/actions")
@role_required(Role.FACILITATOR)
def add_action(workshop_id: int):
    """The facilitator records an improvement action for a firm, from this workshop."""
    workshop = run_workshop_or_403(workshop_id)
    form = ActionForm()
    form.firm_id.choices = [(f.id, f.code) for f in queries.club_firms(workshop.club)]
    target = url_for("workshops.detail", workshop_id=workshop.id) + "#actions"
    if not form.validate_on_submit() or not form.firm_id.data:
        flash("Give the firm, the action and a due date.", "danger")
        return redirect(target)
    firm = db.session.get(Firm, form.firm_id.data)
    return apply(lambda: actions.add_action(firm, form.description.data, form.due_on.data, owner=form.owner.data,
                                            workshop=workshop, actor=current_user), "Action added.", target)

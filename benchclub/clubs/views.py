"""Facilitator pages: clubs (admin), firms, supply links and the KPI catalogue.

Users live in user_views.py, thresholds in threshold_views.py, the audit log in audit_views.py; all share
`bp`. The period screens are the periods feature's (benchclub/periods/views.py).
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..catalogue import list_kpis
from ..errors import DomainError
from ..extensions import db
from ..models import Club, Firm, FirmKind, KpiDefinition, Role
from ..permissions import can_manage_club, can_manage_firm, role_required
from ..web import show_error
from . import queries, services
from .blueprint import bp
from .context import club_page
from .forms import ClubForm, FirmForm, KpiForm, LinkForm


@bp.route("/clubs", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def clubs():
    """Admin: every club, and a form to create one."""
    form = ClubForm()
    if form.validate_on_submit():
        try:
            club = services.create_club(form.code.data, form.name.data, actor=current_user)
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(f"Club {club.code} created with the default KPI catalogue.", "success")
            return redirect(url_for("clubs.clubs"))
    status = 422 if form.is_submitted() else 200
    return render_template("clubs/clubs.html", clubs=queries.list_clubs(), form=form), status


@bp.get("/club/firms")
@role_required(Role.FACILITATOR)
@club_page("Firms")
def firms(club: Club):
    """The club's firms."""
    return render_template("clubs/firms.html", club=club, firms=queries.list_firms(club))


@bp.route("/club/firms/new", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
@club_page("Add a firm")
def new_firm(club: Club):
    """Add a supplier or governor firm to the club."""
    form = FirmForm()
    if form.validate_on_submit():
        try:
            firm = services.create_firm(club, form.code.data, form.name.data, form.kind.data, form.country.data,
                                        form.sector.data, form.employees.data, actor=current_user)
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(f"{firm.name} ({firm.code}) added.", "success")
            return redirect(url_for("clubs.firms", club=club.code))
    status = 422 if form.is_submitted() else 200
    return render_template("clubs/firm_form.html", club=club, form=form, firm=None), status


@bp.route("/club/firms/<int:firm_id>/edit", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
def edit_firm(firm_id: int):
    """Change a firm's name, country, sector, size or active flag."""
    firm = db.get_or_404(Firm, firm_id)
    if not can_manage_firm(current_user, firm):
        abort(403)
    form = FirmForm(obj=firm)
    form.code.data, form.kind.data = firm.code, firm.kind.value  # fixed once created
    if form.validate_on_submit():
        try:
            services.update_firm(firm, name=form.name.data, country=form.country.data, sector=form.sector.data,
                                 employees=form.employees.data, active=form.active.data, actor=current_user)
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(f"{firm.name} saved.", "success")
            return redirect(url_for("clubs.firms", club=firm.club.code))
    status = 422 if form.is_submitted() else 200
    return render_template("clubs/firm_form.html", club=firm.club, form=form, firm=firm), status


def _link_choices(form: LinkForm, club) -> None:
    form.governor.choices = [(f.id, f"{f.code} · {f.name}") for f in queries.list_firms(club, FirmKind.GOVERNOR)]
    form.supplier.choices = [(f.id, f"{f.code} · {f.name}") for f in queries.list_firms(club, FirmKind.SUPPLIER)]


@bp.route("/club/links", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
@club_page("Supply links")
def links(club: Club):
    """The club's governor-supplier links, and a form to add one or change a tier."""
    form = LinkForm()
    _link_choices(form, club)
    if form.validate_on_submit():
        governor, supplier = db.session.get(Firm, form.governor.data), db.session.get(Firm, form.supplier.data)
        try:
            link = services.link_supplier(governor, supplier, form.tier.data, actor=current_user)
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(f"{link.supplier.name} is a tier {link.tier} supplier of {link.governor.name}.", "success")
            return redirect(url_for("clubs.links", club=club.code))
    status = 422 if form.is_submitted() else 200
    return render_template("clubs/links.html", club=club, links=queries.list_links(club), form=form), status


@bp.get("/club/kpis")
@role_required(Role.FACILITATOR)
@club_page("KPI catalogue")
def kpis(club: Club):
    """The club's KPI catalogue, retired KPIs included."""
    return render_template("clubs/kpis.html", club=club, kpis=list_kpis(club, active_only=False))


@bp.route("/club/kpis/new", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
@club_page("Add a KPI")
def new_kpi(club: Club):
    """Add a KPI to the club's catalogue."""
    form = KpiForm()
    return _save_kpi(form, club, None)


@bp.route("/club/kpis/<int:kpi_id>/edit", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
def edit_kpi(kpi_id: int):
    """Edit a KPI's name, unit, ranges, definition or active flag (its code is fixed)."""
    kpi = db.get_or_404(KpiDefinition, kpi_id)
    if not can_manage_club(current_user, kpi.club_id):
        abort(403)
    form = KpiForm(obj=kpi)
    form.code.data = kpi.code
    form.direction.data = form.direction.data.value if hasattr(form.direction.data, "value") else form.direction.data
    return _save_kpi(form, kpi.club, kpi)


def _save_kpi(form: KpiForm, club, kpi: KpiDefinition | None):
    if form.validate_on_submit():
        try:
            kpi = services.save_kpi_definition(club, form.data_for_service(), kpi=kpi, actor=current_user)
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(f"KPI {kpi.code} saved.", "success")
            return redirect(url_for("clubs.kpis", club=club.code))
    status = 422 if form.is_submitted() else 200
    return render_template("clubs/kpi_form.html", club=club, form=form, kpi=kpi), status

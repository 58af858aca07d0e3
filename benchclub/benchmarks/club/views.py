"""Facilitator pages: the identified club view (every view audited) and the comparators."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...catalogue import find_kpi, list_kpis
from ...csvimport import ImportRejectedError, RowError
from ...errors import DomainError, NotFoundError
from ...extensions import db
from ...models import Club
from ...permissions import (
    Role,
    can_manage_club,
    can_see_identified_club_data,
    facilitated_club,
    role_required,
    scope_clubs,
)
from .. import charts, queries, services
from ..blueprint import bp
from ..dashboard import build_kpi_detail
from ..disclosure import Viewer
from ..forms import ComparatorImportForm, comparator_form
from ..member import charts as member_charts
from . import rows as club_rows


def _club() -> Club:
    """The club in ?club=CODE, else the facilitator's own (the admin's first); 403 outside one's clubs."""
    code = request.values.get("club")
    if code:
        club = db.session.scalar(sa.select(Club).where(sa.func.lower(Club.code) == code.strip().lower()))
    elif (own := facilitated_club(current_user)) is not None:
        club = own
    else:
        club = db.session.scalar(scope_clubs(sa.select(Club), current_user).order_by(Club.code).limit(1))
    if club is None:
        abort(404)
    if not can_see_identified_club_data(current_user, club):
        abort(403)
    return club


@bp.get("/club")
@role_required(Role.FACILITATOR)
def club_view():
    """Full statistics, identified best-in-class and tail lists, tail shortening; audited (rule 8)."""
    club = _club()
    months = club_rows.club_months(club)
    month = request.args.get("period") if request.args.get("period") in dict(months) else (
        next((m for m, is_open in months if not is_open), months[0][0] if months else None))
    viewer = Viewer.for_user(current_user, club)
    group = request.args.get("group") or "all"
    rows, preview = club_rows.build_club_rows(club, viewer, month, group) if month else ([], False)
    groups = queries.group_choices(queries.current_snapshot(club, month) if month else None, viewer, club)
    tails = club_rows.tail_shortening(club, viewer, month) if month and not preview else []
    club_rows.audit_identified_view(current_user, club, "club view", month, group)
    page = render_template("benchmarks/club.html", club=club, months=months, month=month, group=group, groups=groups,
                           rows=rows, preview=preview, tails=tails)
    db.session.commit()  # after rendering: a commit expires every loaded row (one reload per firm shown)
    return page


@bp.get("/club/kpi/<code>")
@role_required(Role.FACILITATOR)
def club_kpi(code: str):
    """One KPI club-wide: the charts members see (unsuppressed) and the identified lists; audited."""
    club = _club()
    kpi = find_kpi(club, code) or abort(404)
    months = queries.published_months(club)
    month = request.args.get("period") if request.args.get("period") in months else (months[0] if months else None)
    group = request.args.get("group") or "all"
    viewer = Viewer.for_user(current_user, club)
    detail, figures, row = None, [], None
    if month:
        detail = build_kpi_detail(viewer, club, kpi, month, group)
        figures = [member_charts.member_distribution_chart(kpi, detail.stat, detail.comparators),
                   member_charts.member_histogram_chart(kpi, detail.stat, None),
                   member_charts.member_tail_over_time_chart(kpi, detail.history, detail.comparators, show_own=False),
                   charts.cert_share_chart(detail.shares, set(), show_own=False)]
        rows, _ = club_rows.build_club_rows(club, viewer, month, group)
        row = next((r for r in rows if r.kpi.code == kpi.code), None)
    club_rows.audit_identified_view(current_user, club, f"KPI {kpi.code}", month, group)
    db.session.commit()
    return render_template("benchmarks/club_kpi.html", club=club, kpi=kpi, months=months, month=month, group=group,
                           detail=detail, figures=figures, row=row)


@bp.get("/comparators")
@role_required(Role.FACILITATOR)
def comparators():
    """List the club's comparators, with the CSV import form."""
    club = _club()
    return render_template("benchmarks/comparators.html", club=club, form=ComparatorImportForm(),
                           comparators=services.list_comparators(club), errors=[],
                           columns=",".join(services.CSV_COLUMNS))


@bp.post("/comparators/import")
@role_required(Role.FACILITATOR)
def import_comparators():
    """Import a comparator CSV, all rows or none."""
    club = _club()
    form = ComparatorImportForm()
    errors: list[RowError] = []
    if form.validate_on_submit():
        try:
            imported = services.import_comparators(club, form.file.data.read(), actor=current_user,
                                                   illustrative=bool(form.illustrative.data))
        except ImportRejectedError as exc:  # nothing was written (the import rolled back)
            errors = exc.errors
        else:
            db.session.commit()
            flash(f"Imported {len(imported)} comparator(s).", "success")
            return redirect(url_for("benchmarks.comparators", club=club.code))
    return render_template("benchmarks/comparators.html", club=club, form=form, errors=errors,
                           comparators=services.list_comparators(club), columns=",".join(services.CSV_COLUMNS)), 422


@bp.post("/comparators/illustrative")
@role_required(Role.FACILITATOR)
def load_illustrative():
    """Load the illustrative European comparator that ships with BenchClub."""
    club = _club()
    services.load_illustrative_comparator(club, actor=current_user)
    db.session.commit()
    flash("Loaded the illustrative European comparator (not a published survey).", "success")
    return redirect(url_for("benchmarks.comparators", club=club.code))


def _comparator_or_404(club: Club, comparator_id: int):
    try:
        return services.get_comparator(club, comparator_id)
    except NotFoundError:
        abort(404)


@bp.route("/comparators/<int:comparator_id>", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
def edit_comparator(comparator_id: int):
    """Edit a comparator's description and quantiles."""
    club = _club()
    comparator = _comparator_or_404(club, comparator_id)
    kpis = list_kpis(club)
    codes = [k.code for k in kpis]
    values = {v.kpi_code: v for v in comparator.values}
    form = comparator_form(codes, obj=comparator, data={f"{c}__{q}": getattr(values.get(c), q, None)
                                                        for c in codes for q in ("p10", "p25", "p50", "p75", "p90")})
    if form.validate_on_submit():
        try:
            services.update_comparator(comparator, form.fields_data(), form.quantiles(codes), actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash("Comparator saved.", "success")
            return redirect(url_for("benchmarks.comparators", club=club.code))
    status = 422 if request.method == "POST" else 200
    return render_template("benchmarks/comparator_edit.html", club=club, comparator=comparator, form=form,
                           kpis=kpis), status


@bp.post("/comparators/<int:comparator_id>/delete")
@role_required(Role.FACILITATOR)
def delete_comparator(comparator_id: int):
    """Delete a comparator (logged)."""
    club = _club()
    comparator = _comparator_or_404(club, comparator_id)
    if not can_manage_club(current_user, club):
        abort(403)
    services.delete_comparator(comparator, actor=current_user)
    db.session.commit()
    flash("Comparator deleted.", "success")
    return redirect(url_for("benchmarks.comparators", club=club.code))

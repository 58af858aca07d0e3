"""Monthly KPI entry for members and governors, value history and the completeness matrix."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import permissions
from ..audit import record
from ..clubs.governor_pages import pick_governor, read_only_context, viewed_governor
from ..clubs.services import get_club
from ..errors import DomainError
from ..extensions import db
from ..models import Firm, KpiValue, Period
from ..periods.services import list_periods, parse_month
from ..permissions import Role, role_required
from . import desk, queries, services
from .blueprint import bp
from .forms import EntryForm, read_inputs


def _period_or_404(club, month: str) -> Period:
    try:
        month = parse_month(month)
    except DomainError:
        abort(404)
    period = queries.get_period_by_month(club, month)
    if period is None:
        abort(404)
    return period


@bp.get("/")
@role_required(Role.MEMBER)
def entry_index():
    """The member's months: due, overdue, done, each linking to its entry page."""
    firm = current_user.firm
    return render_template("kpis/index.html", firm=firm, months=queries.list_member_months(firm, date.today()),
                           comparisons=queries.list_customer_comparisons(firm))


def _render_entry(firm: Firm, period: Period, *, errors=None, entered=None, status: int = 200, saved: bool = False):
    rows = queries.member_entry_rows(firm, period)
    next_month = None
    if saved:  # the next step after saving: the oldest other month still due, else the benchmarks
        pending = [m for m in queries.list_member_months(firm, date.today())
                   if m.status in ("overdue", "due") and m.period.id != period.id]
        next_month = pending[-1] if pending else None
    return render_template("kpis/entry.html", form=EntryForm(), firm=firm, period=period, rows=rows,
                           errors=errors or {}, entered=entered, saved=saved, next_month=next_month,
                           saved_count=sum(1 for r in rows if r.current is not None)), status


@bp.get("/month/<month>")
@role_required(Role.MEMBER)
def entry(month: str):
    """One month's entry page for the member's own firm; after a save it offers the next step."""
    return _render_entry(current_user.firm, _period_or_404(current_user.firm.club, month),
                         saved=request.args.get("saved") == "1")


@bp.post("/month/<month>")
@role_required(Role.MEMBER)
def save_entry(month: str):
    """Save the month's values; every rule broken is shown on its KPI's row and nothing is saved."""
    firm = current_user.firm
    period = _period_or_404(firm.club, month)
    if not EntryForm().validate_on_submit():
        abort(400)
    inputs = read_inputs(request.form, [row.kpi for row in queries.member_entry_rows(firm, period)])
    try:
        services.submit_values(firm, period.month, inputs, actor=current_user)
    except services.ValuesInvalidError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return _render_entry(firm, period, errors=exc.errors, entered={i.kpi_code: i for i in inputs}, status=422)
    except DomainError as exc:  # closed period, conflict with another change
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for("kpis.entry", month=period.month))
    db.session.commit()
    flash(f"Values for {period.month} saved.", "success")
    return redirect(url_for("kpis.entry", month=period.month, saved=1))


@bp.get("/values/<int:value_id>/history")
@login_required
def value_history(value_id: int):
    """Every change of one value: who, when, old, new, why."""
    value = db.get_or_404(KpiValue, value_id)
    if not permissions.can_view_value_history(current_user, value):
        abort(404)  # do not confirm that someone else's value exists
    entries = queries.list_value_history(value)
    if permissions.can_see_identified_club_data(current_user, value.firm.club_id):
        # Rule 8: a facilitator reading a named firm's value history is an identified view.
        record(current_user, "view", "kpi_value", value.id, club_id=value.firm.club_id,
               summary=f"value history of {value.firm.code}")
        db.session.commit()
    return render_template("kpis/history.html", value=value, entries=entries)


def _governor_selection(governor: Firm) -> tuple[list[Firm], Firm | None, list[Period], Period | None]:
    suppliers = queries.list_linked_suppliers(governor)
    supplier = next((s for s in suppliers if s.code == request.args.get("supplier")), None)
    supplier = supplier or (suppliers[0] if suppliers else None)
    periods = list_periods(supplier.club) if supplier else []
    wanted = request.args.get("month")
    period = next((p for p in periods if p.month == wanted), None) or next((p for p in periods if p.is_open), None)
    return suppliers, supplier, periods, period or (periods[0] if periods else None)


def _render_governor(errors=None, entered=None, status: int = 200, governor: Firm | None = None):
    governor = governor or current_user.firm
    suppliers, supplier, periods, period = _governor_selection(governor)
    read_only = permissions.is_read_only_governor_view(current_user, governor)
    rows = queries.governor_entry_rows(current_user, supplier, period, governor=governor if read_only else None) \
        if supplier and period else []
    return render_template("kpis/governor_entry.html", form=EntryForm(), suppliers=suppliers, supplier=supplier,
                           periods=periods, period=period, rows=rows, errors=errors or {}, entered=entered,
                           governor=governor, **read_only_context(governor, "measurements")), status


@bp.get("/measurements")
@role_required(Role.GOVERNOR, Role.ADMIN)
def governor_entry():
    """Choose a linked supplier and month, then enter this governor's own measurements (the admin reads any
    governor's, read-only: ?governor=CODE)."""
    if not (permissions.is_governor(current_user) or permissions.can_read_governor_pages(current_user)):
        abort(403)
    governor = viewed_governor()
    if governor is None:
        return pick_governor()
    return _render_governor(governor=governor)


@bp.post("/measurements")
@role_required(Role.GOVERNOR)
def save_measurements():
    """Store the governor's measurements for one linked supplier and month."""
    if not permissions.is_governor(current_user):
        abort(403)
    _suppliers, supplier, _periods, period = _governor_selection(current_user.firm)
    if supplier is None or period is None or supplier.code != request.args.get("supplier"):
        abort(404)
    if not EntryForm().validate_on_submit():
        abort(400)
    inputs = read_inputs(request.form, [r.kpi for r in queries.governor_entry_rows(current_user, supplier, period)])
    try:
        services.submit_measurements(supplier, period.month, inputs, actor=current_user)
    except services.ValuesInvalidError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return _render_governor(errors=exc.errors, entered={i.kpi_code: i for i in inputs}, status=422)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(f"Measurements of {supplier.name} for {period.month} saved.", "success")
    return redirect(url_for("kpis.governor_entry", supplier=supplier.code, month=period.month))


@bp.get("/completeness")
@role_required(Role.FACILITATOR)
def completeness():
    """Firms x months: complete, partial, nil return or missing (an identified view, so audited)."""
    club = current_user.club
    if permissions.is_admin(current_user):
        try:
            club = get_club(request.args.get("club", "")) if request.args.get("club") else None
        except DomainError:
            abort(404)
    # newest month first, so the open month (the one to act on) is the first column, not off-screen at the right
    matrix = queries.get_completeness(club, periods=list_periods(club)[:12]) if club else None
    missing_only = request.args.get("missing") == "1"
    rows = desk.matrix_rows(matrix, date.today(), missing_only=missing_only) if matrix else []
    if club is not None:
        record(current_user, "view", "completeness", club.id, club_id=club.id, summary="completeness matrix")
    clubs = queries.list_clubs(current_user) if permissions.is_admin(current_user) else []
    current = next((p for p in matrix.periods if p.is_open), None) if matrix else None
    page = render_template("kpis/completeness.html", club=club, matrix=matrix, clubs=clubs, rows=rows,
                           missing_only=missing_only, current=current,
                           missing_count=matrix.totals(matrix.periods.index(current)).get("missing", 0)
                           + matrix.totals(matrix.periods.index(current)).get("partial", 0) if current else 0)
    db.session.commit()  # after rendering: a commit expires every loaded row (one reload per firm shown)
    return page

"""The facilitator's data-quality desk and the member's answers to its queries (routes on the kpis blueprint)."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import permissions
from ..audit import record
from ..clubs.context import club_page, current_club
from ..errors import DomainError
from ..extensions import db
from ..models import CheckKind, Club, Role
from ..periods.services import list_periods
from ..permissions import role_required
from . import desk, queries
from .views import _period_or_404, bp


@bp.get("/desk")
@role_required(Role.FACILITATOR)
@club_page("Data-quality desk")
def desk_queue(club: Club):
    """Questionable values of the open months, each to accept or query; identified data, so audited."""
    month = request.args.get("month") or None
    firm_code = request.args.get("firm") or None
    items = desk.list_desk_items(club, month=month)
    if firm_code:
        items = [i for i in items if i.firm.code == firm_code]
    record(current_user, "view", "desk", club.id, club_id=club.id, summary=f"data-quality desk {month or 'open months'}")
    db.session.commit()
    open_months = [p.month for p in list_periods(club) if p.is_open]
    return render_template("kpis/desk.html", club=club, month=month, firm_code=firm_code, open_months=open_months,
                           todo=[i for i in items if i.needs_decision],
                           waiting=[i for i in items if i.state == "queried"],
                           accepted=[i for i in items if i.state == "accepted"])


@bp.post("/desk/decide")
@role_required(Role.FACILITATOR)
def desk_decide():
    """Accept or query one value on the desk."""
    club = current_club()
    if club is None:
        abort(404)
    form = request.form
    try:
        kind = CheckKind(form.get("kind", ""))
        desk.decide_item(club, form.get("firm_id", type=int) or 0, form.get("period_id", type=int) or 0,
                         form.get("kpi_id", type=int) or 0, kind, accept=form.get("action") == "accept",
                         question=form.get("question", ""), actor=current_user)
    except (ValueError, DomainError) as exc:
        db.session.rollback()
        flash(str(exc) if isinstance(exc, DomainError) else "Unknown kind of check.", "danger")
    else:
        db.session.commit()
        flash("Accepted." if form.get("action") == "accept" else "Query sent to the firm's members.", "success")
    return redirect(url_for("kpis.desk_queue", club=club.code if permissions.is_admin(current_user) else None,
                            month=form.get("month") or None))


@bp.get("/queries")
@role_required(Role.MEMBER)
def member_queries():
    """The facilitator's questions about this firm's values, to answer here."""
    return render_template("kpis/queries.html", checks=desk.list_member_queries(current_user.firm))


@bp.post("/queries/<int:check_id>/answer")
@role_required(Role.MEMBER)
def answer_query(check_id: int):
    """Answer one query; the value returns to the facilitator's queue with the answer."""
    try:
        desk.answer_query(current_user.firm, check_id, request.form.get("answer", ""), actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash("Answer sent to the facilitator.", "success")
    return redirect(url_for("kpis.member_queries"))


@bp.post("/completeness/remind")
@role_required(Role.FACILITATOR)
def remind_missing():
    """Remind every firm still missing values for a month, in one action."""
    club = current_club()
    if club is None:
        abort(404)
    period = _period_or_404(club, request.form.get("month", ""))
    matrix = queries.get_completeness(club, periods=[period])
    missing = [firm.id for firm, cells in matrix.rows if cells[0] in ("missing", "partial")]
    count, unreachable = desk.remind_missing(club, period, missing, actor=current_user)
    db.session.commit()
    flash(f"Reminder sent to {count} firm(s) missing {period.month}."
          + (f" {unreachable} firm(s) have no member account to notify: invite them from Users." if unreachable else ""),
          "success" if not unreachable else "warning")
    return redirect(url_for("kpis.completeness", club=club.code if permissions.is_admin(current_user) else None,
                            missing=1))


@bp.get("/firms/<code>/<month>")
@role_required(Role.FACILITATOR)
@club_page("Firm month")
def firm_month(club: Club, code: str, month: str):
    """One firm's month as the facilitator sees it (identified, audited): values, customers' figures, desk items."""
    firm = next((f for f in club.firms if f.code == code), None)
    if firm is None or not firm.is_supplier:
        abort(404)
    period = _period_or_404(club, month)
    rows = queries.member_entry_rows(firm, period)
    items = [i for i in desk.list_desk_items(club, month=period.month) if i.firm.id == firm.id] if period.is_open else []
    record(current_user, "view", "firm_month", firm.id, club_id=club.id, summary=f"{firm.code} {period.month}")
    db.session.commit()
    submitted = desk.submissions([period]).get((firm.id, period.id))
    complete = all(r.current is not None for r in rows)
    return render_template("kpis/firm_month.html", club=club, firm=firm, period=period, rows=rows, items=items,
                           timeliness=desk.timeliness(period, submitted, complete, date.today()), submitted=submitted)

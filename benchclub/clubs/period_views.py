"""Facilitator pages for periods (open, close, reopen with a reason) and the club's audit log."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..audit import record
from ..errors import DomainError
from ..extensions import db
from ..kpis import periods as period_service
from ..models import Club, Role
from ..permissions import role_required
from . import queries
from .context import club_picker, current_club
from .forms import OpenPeriodForm, ReopenForm
from .views import bp


def suggested_month(club: Club) -> str:
    """The month after the newest period, or the current month for a club without periods."""
    existing = period_service.list_periods(club)
    if existing:
        return period_service.next_month(existing[0].month)
    return date.today().strftime("%Y-%m")


def _periods_page(club: Club, open_form: OpenPeriodForm, reopen_form: ReopenForm, status: int = 200,
                  reopen_month: str | None = None):
    return render_template("clubs/periods.html", club=club, periods=period_service.list_periods(club),
                           open_form=open_form, reopen_form=reopen_form, reopen_month=reopen_month), status


@bp.get("/club/periods")
@role_required(Role.FACILITATOR)
def periods():
    """The club's months: open or closed, due dates, and the actions on each."""
    club = current_club()
    if club is None:
        return club_picker("Periods")
    return _periods_page(club, OpenPeriodForm(month=suggested_month(club)), ReopenForm())


@bp.post("/club/periods/open")
@role_required(Role.FACILITATOR)
def open_period():
    """Open a month for entry (the next one by default)."""
    club = current_club()
    if club is None:
        return club_picker("Periods")
    form = OpenPeriodForm()
    if form.validate_on_submit():
        try:
            period = period_service.open_period(club, form.month.data, actor=current_user, due_on=form.due_on.data)
        except DomainError as exc:
            form.month.errors = [*form.month.errors, str(exc)]
        else:
            db.session.commit()
            flash(f"{period.month} is open for entry; due {period.due_on.isoformat()}.", "success")
            return redirect(url_for("clubs.periods", club=club.code))
    return _periods_page(club, form, ReopenForm(), 422)


@bp.post("/club/periods/<month>/close")
@role_required(Role.FACILITATOR)
def close_period(month: str):
    """Close a month: freeze its values, publish benchmarks and run the ladders."""
    club = current_club()
    if club is None:
        return club_picker("Periods")
    try:
        period_service.close_period(club, month, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for("clubs.periods", club=club.code))
    db.session.commit()
    flash(f"{month} is closed; its benchmarks are published.", "success")
    return redirect(url_for("clubs.periods", club=club.code))


@bp.post("/club/periods/<month>/reopen")
@role_required(Role.FACILITATOR)
def reopen_period(month: str):
    """Reopen a closed month for corrections; the reason is mandatory and logged."""
    club = current_club()
    if club is None:
        return club_picker("Periods")
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            period_service.reopen_period(club, month, form.reason.data, actor=current_user)
        except DomainError as exc:
            form.reason.errors = [*form.reason.errors, str(exc)]
        else:
            db.session.commit()
            flash(f"{month} is open again for corrections.", "success")
            return redirect(url_for("clubs.periods", club=club.code))
    open_form = OpenPeriodForm(formdata=None, month=suggested_month(club))
    return _periods_page(club, open_form, form, 422, reopen_month=month)


@bp.get("/club/audit")
@role_required(Role.FACILITATOR)
def audit():
    """The club's audit log: who changed what, when, from what to what, and why."""
    club = current_club()
    if club is None:
        return club_picker("Audit log")
    filters = queries.AuditFilter(actor=request.args.get("actor", "").strip()[:254],
                                  action=request.args.get("action", "").strip()[:40],
                                  entity=request.args.get("entity", "").strip()[:40],
                                  since=_day(request.args.get("since")), until=_day(request.args.get("until")))
    page = min(request.args.get("page", 1, type=int), 10**6)
    result = queries.list_audit(club, page=page, filters=filters)
    # Rule 8: the log names members and their values, so reading it is itself an identified view.
    record(current_user, "view", "audit_log", None, club_id=club.id, summary="audit log",
           detail=filters.as_dict() or None)
    db.session.commit()
    return render_template("clubs/audit.html", club=club, result=result, entity=filters.entity,
                           action=filters.action, filters=filters, query=filters.as_dict())


def _day(text: str | None) -> date | None:
    """A YYYY-MM-DD filter, or None when empty or not a date."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None

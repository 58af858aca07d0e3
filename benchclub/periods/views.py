"""Facilitator pages for periods: open, close (asking first when firms are missing), reopen with a reason."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..clubs.context import club_page
from ..errors import DomainError
from ..extensions import db
from ..kpis.queries import get_completeness
from ..models import Club, Role
from ..months import next_month
from ..permissions import role_required
from ..web import commit_or_flash, show_error
from . import services as period_service
from .blueprint import bp
from .forms import OpenPeriodForm, ReopenForm


def suggested_month(club: Club) -> str:
    """The month after the newest period, or the current month for a club without periods."""
    existing = period_service.list_periods(club)
    if existing:
        return next_month(existing[0].month)
    return date.today().strftime("%Y-%m")


def _periods_page(club: Club, open_form: OpenPeriodForm, reopen_form: ReopenForm, status: int = 200,
                  reopen_month: str | None = None):
    return render_template("periods/periods.html", club=club, periods=period_service.list_periods(club),
                           open_form=open_form, reopen_form=reopen_form, reopen_month=reopen_month), status


@bp.get("/club/periods")
@role_required(Role.FACILITATOR)
@club_page("Periods")
def list_periods(club: Club):
    """The club's months: open or closed, due dates, and the actions on each."""
    return _periods_page(club, OpenPeriodForm(month=suggested_month(club)), ReopenForm())


@bp.post("/club/periods/open")
@role_required(Role.FACILITATOR)
@club_page("Periods")
def open_period(club: Club):
    """Open a month for entry (the next one by default)."""
    form = OpenPeriodForm()
    if form.validate_on_submit():
        try:
            period = period_service.open_period(club, form.month.data, actor=current_user, due_on=form.due_on.data)
        except DomainError as exc:
            show_error(form, exc, default="month")
        else:
            db.session.commit()
            flash(f"{period.month} is open for entry; due {period.due_on.isoformat()}.", "success")
            return redirect(url_for("periods.list_periods", club=club.code))
    return _periods_page(club, form, ReopenForm(), 422)


@bp.post("/club/periods/<month>/close")
@role_required(Role.FACILITATOR)
@club_page("Periods")
def close_period(club: Club, month: str):
    """Close a month: freeze its values, publish benchmarks and run the ladders."""
    period = period_service.find_period(club, month)
    missing, total = _missing_firms(club, period) if period is not None and period.is_open else (0, 0)
    if missing and request.form.get("confirm_missing") != str(missing):
        # closing an incomplete month asks first, with the count; the confirmation must name the same count
        return render_template("periods/close_confirm.html", club=club, period=period, missing=missing, total=total)
    return commit_or_flash(lambda: period_service.close_period(club, month, actor=current_user),
                           f"{month} is closed; its benchmarks are published.",
                           url_for("periods.list_periods", club=club.code))


def _missing_firms(club: Club, period) -> tuple[int, int]:
    """How many active suppliers have not answered every KPI of the month, out of how many."""
    counts = get_completeness(club, periods=[period]).totals(0)
    return counts.get("missing", 0) + counts.get("partial", 0), sum(counts.values())


@bp.post("/club/periods/<month>/reopen")
@role_required(Role.FACILITATOR)
@club_page("Periods")
def reopen_period(club: Club, month: str):
    """Reopen a closed month for corrections; the reason is mandatory and logged."""
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            period_service.reopen_period(club, month, form.reason.data, actor=current_user)
        except DomainError as exc:
            show_error(form, exc, default="reason")
        else:
            db.session.commit()
            flash(f"{month} is open again for corrections.", "success")
            return redirect(url_for("periods.list_periods", club=club.code))
    open_form = OpenPeriodForm(formdata=None, month=suggested_month(club))
    return _periods_page(club, open_form, form, 422, reopen_month=month)

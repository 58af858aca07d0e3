"""Job pages: start a background job, watch its progress, fetch its result."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from ..clubs.context import current_club
from ..errors import DomainError, NotFoundError
from ..extensions import db
from ..models import Job
from ..periods.services import parse_month
from ..permissions import Role, can_read_member_report, can_view_job, role_required
from ..reports.spans import parse_span
from . import services

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _start(kind: str, title: str, params: dict, club_id: int | None = None):
    """Record, commit, dispatch (inline or queued), then show the job's page."""
    job = services.start_job(kind, title, params, actor=current_user, club_id=club_id)
    db.session.commit()
    services.dispatch(job)
    return redirect(url_for("jobs.show", job_id=job.id))


def _own_job(job_id: int) -> Job:
    try:
        job = services.get_job(job_id)
    except NotFoundError:
        abort(404)
    if not can_view_job(current_user, job):
        abort(404)
    return job


@bp.get("/")
@login_required
def index():
    """The jobs I started, newest first."""
    jobs = db.session.scalars(sa.select(Job).where(Job.owner_id == current_user.id)
                              .order_by(Job.created_at.desc()).limit(50)).all()
    return render_template("jobs/index.html", jobs=jobs)


@bp.get("/<int:job_id>")
@login_required
def show(job_id: int):
    """Progress while it runs (the page refreshes itself), the result link when done."""
    return render_template("jobs/show.html", job=_own_job(job_id))


@bp.get("/<int:job_id>/download")
@login_required
def download(job_id: int):
    """The file a finished job produced."""
    job = _own_job(job_id)
    if not job.result_path or not Path(job.result_path).exists():
        abort(404)
    name = f"{job.title.replace(' ', '-').replace('/', '-')}.pdf"
    return send_file(job.result_path, mimetype="application/pdf", as_attachment=True, download_name=name)


@bp.post("/close-periods")
@role_required(Role.ADMIN)
def close_periods():
    """Close one month in every club where it is still open."""
    try:
        month = parse_month(request.form.get("month", ""))
    except DomainError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("jobs.index"))
    return _start("close_periods", f"Close {month} in every club", {"month": month})


@bp.post("/reminders")
@role_required(Role.ADMIN)
def reminders():
    """Create and send due reminders now."""
    return _start("reminders", "Send due reminders", {})


@bp.post("/report")
@role_required(Role.MEMBER, Role.FACILITATOR)
def report():
    """A club report PDF (facilitator) or my confidential report PDF (member), built in the background."""
    try:
        span = parse_span(request.form.get("period", ""))
    except DomainError:
        abort(404)
    if current_user.role == Role.MEMBER:
        if not can_read_member_report(current_user):
            abort(403)
        return _start("report_pdf", f"{current_user.firm.code} confidential report {span.code}",
                      {"period": span.code, "member": True}, club_id=current_user.firm.club_id)
    club = current_club()
    if club is None:
        abort(404)
    return _start("report_pdf", f"{club.code} report {span.code}", {"period": span.code}, club_id=club.id)

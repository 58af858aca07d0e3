"""What each kind of job does. A task gets the Job and a progress callback, commits its own work in
steps, and returns an Outcome: a message, and a link or a file to offer when done."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, url_for

from ..extensions import db
from ..models import Club, Job, Period, PeriodStatus, User

Progress = Callable[..., None]


@dataclass(frozen=True)
class Outcome:
    """How a finished job reports back."""

    message: str
    url: str | None = None
    path: str | None = None


def _owner(job: Job) -> User | None:
    return db.session.get(User, job.owner_id) if job.owner_id else None


def _url(endpoint: str, **values) -> str:
    """A relative link built outside any request (the worker has none)."""
    with current_app.test_request_context(base_url=current_app.config.get("BASE_URL") or "http://localhost"):
        return url_for(endpoint, **values)


def job_folder() -> Path:
    """Where job files (PDFs) are written: shared storage when several machines run workers."""
    folder = Path(current_app.config.get("JOB_FOLDER") or Path(current_app.instance_path) / "jobs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def close_periods(job: Job, progress: Progress) -> Outcome:
    """Close one month in every club where it is open; each club commits on its own."""
    from ..periods.services import close_period

    month, actor = job.params["month"], _owner(job)
    clubs = list(db.session.scalars(sa.select(Club).join(Period, Period.club_id == Club.id).where(
        Period.month == month, Period.status == PeriodStatus.OPEN).order_by(Club.code)))
    for done, club in enumerate(clubs):
        progress(done, len(clubs), f"Closing {month} in {club.code} ({done + 1} of {len(clubs)}).")
        close_period(club, month, actor=actor)
        db.session.commit()
    return Outcome(f"Closed {month} in {len(clubs)} club(s).", url=_url("periods.list_periods"))


def report_pdf(job: Job, progress: Progress) -> Outcome:
    """The club report, or a member's confidential report, as a PDF file."""
    from ..reports.pdf import render_report_pdf
    from ..reports.queries import build_report
    from ..reports.spans import parse_span

    span, owner = parse_span(job.params["period"]), _owner(job)
    club = db.session.get(Club, job.club_id)
    firm = owner.firm if job.params.get("member") else None
    progress(1, 3, "Reading the released figures.")
    report = build_report(club, span, firm=firm)
    progress(2, 3, "Drawing the charts and the PDF.")
    path = job_folder() / f"job-{job.id}.pdf"
    path.write_bytes(render_report_pdf(report))
    return Outcome("The PDF is ready.", url=_url("jobs.download", job_id=job.id), path=str(path))


def reminders(job: Job, progress: Progress) -> Outcome:
    """Create due reminders and e-mail them (the `flask reminders send` command, as a job)."""
    from ..notifications.cli import MAIL_KEYS
    from ..notifications.services import send_reminders

    config = current_app.config
    with current_app.test_request_context(base_url=config.get("BASE_URL") or "http://localhost"):
        result = send_reminders(date.today(), mail={k: config.get(k) for k in MAIL_KEYS},
                                base_url=config.get("BASE_URL") or "")
        db.session.commit()
    return Outcome(f"{len(result.created)} new reminder(s) stored.")


def kpi_import(job: Job, progress: Progress) -> Outcome:
    """A large staged CSV: checked and written all or nothing, as the import page would."""
    from ..csvimport import ImportRejectedError
    from ..kpis import imports, uploads

    owner, folder = _owner(job), job.params["folder"]
    data, filename = uploads.load_upload(folder, job.params["token"], user_id=job.owner_id)
    progress(1, 3, f"Checking {filename}.")
    plan = imports.plan_import(data, actor=owner, limit=int(current_app.config["MAX_UPLOAD_BYTES"]))
    if not plan.ok:
        db.session.rollback()
        raise ImportRejectedError(plan.errors)
    progress(2, 3, f"Writing {len(plan.rows)} rows.")
    imports.apply_plan(plan, actor=owner)
    db.session.commit()
    uploads.discard_upload(folder, job.params["token"])
    written = plan.written or {}
    return Outcome(f"Imported {filename}: {written.get('new', 0)} new, {written.get('update', 0)} updated, "
                   f"{written.get('unchanged', 0)} unchanged.", url=_url("kpis.import_upload"))


TASKS: dict[str, Callable[[Job, Progress], Outcome]] = {
    "close_periods": close_periods,
    "report_pdf": report_pdf,
    "reminders": reminders,
    "kpi_import": kpi_import,
}

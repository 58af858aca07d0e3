"""Starting, dispatching and running jobs. Tasks are looked up by kind in `tasks.TASKS`.

In development and tests (no REDIS_URL, or JOBS_INLINE=1) a job runs inline, right after the request
that started it commits, so `make run` needs nothing but Python. Otherwise it is queued on Redis
for `make worker` (an RQ worker) and the page polls its progress.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app

from ..errors import NotFoundError
from ..extensions import db
from ..models import Job, JobStatus, User

QUEUE = "benchclub"
log = logging.getLogger(__name__)


def runs_inline(app: Flask) -> bool:
    """True without Redis or when JOBS_INLINE is set (development, tests)."""
    return bool(app.config.get("JOBS_INLINE")) or not app.config.get("REDIS_URL")


def start_job(kind: str, title: str, params: dict[str, Any], *, actor: User | None,
              club_id: int | None = None) -> Job:
    """Record a queued job (flushed; the caller commits, then calls dispatch)."""
    from .tasks import TASKS

    if kind not in TASKS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, title=title, params=params, owner_id=getattr(actor, "id", None), club_id=club_id,
              status=JobStatus.QUEUED, progress=0, message="Waiting for a worker.")
    db.session.add(job)
    db.session.flush()
    return job


def dispatch(job: Job) -> None:
    """Run the committed job now (inline) or put it on the Redis queue."""
    app = current_app._get_current_object()
    if runs_inline(app):
        run_job(job.id)
        return
    from redis import Redis
    from rq import Queue

    Queue(QUEUE, connection=Redis.from_url(app.config["REDIS_URL"])).enqueue(
        "benchclub.jobs.worker.perform", job.id, job_timeout=3600, result_ttl=86400)


def get_job(job_id: int) -> Job:
    """The job, or NotFoundError."""
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFoundError("No such job.")
    return job


class Progress:
    """What a task calls to report how far it got (committed at once so the page can show it)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id

    def __call__(self, done: int, total: int, message: str = "") -> None:
        job = db.session.get(Job, self.job_id)
        job.progress = int(100 * done / total) if total else 100
        if message:
            job.message = message
        db.session.commit()


def run_job(job_id: int) -> Job:
    """Execute one job: RUNNING, the task, then DONE with its result or FAILED with the reason."""
    from .tasks import TASKS

    job = get_job(job_id)
    job.status, job.progress, job.message = JobStatus.RUNNING, 0, "Started."
    db.session.commit()
    try:
        outcome = TASKS[job.kind](job, Progress(job.id))
    except Exception as exc:  # a failed job is reported on its page, never lost
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, job.kind)
        job = get_job(job_id)
        job.status, job.message = JobStatus.FAILED, f"Failed: {exc}"
    else:
        job = get_job(job_id)
        job.status, job.progress = JobStatus.DONE, 100
        job.message, job.result_url, job.result_path = outcome.message, outcome.url, outcome.path
    job.finished_at = datetime.now(UTC)
    db.session.commit()
    return job

"""`make worker` / `python -m benchclub.jobs.worker`: an RQ worker running BenchClub jobs.

One app for the worker's life; each job runs inside its app context (SimpleWorker: no fork per
job, so the database pool and the loaded app are reused).
"""
from __future__ import annotations

import logging
import os

from flask import Flask

_app: Flask | None = None


def _get_app() -> Flask:
    global _app
    if _app is None:
        from benchclub import create_app

        _app = create_app()
    return _app


def perform(job_id: int) -> str:
    """The RQ entry point: run one Job row inside the app."""
    from .services import run_job

    app = _get_app()
    with app.app_context():
        job = run_job(job_id)
        status = job.status.value
        from ..extensions import db

        db.session.remove()
    return status


def main() -> None:
    """Listen on the benchclub queue of REDIS_URL until stopped."""
    from redis import Redis
    from rq import Queue, SimpleWorker

    from .services import QUEUE

    logging.basicConfig(level=logging.INFO)
    url = os.environ.get("REDIS_URL")
    if not url:
        raise SystemExit("REDIS_URL is not set: without Redis, jobs run inline in the web process.")
    _get_app()
    connection = Redis.from_url(url)
    SimpleWorker([Queue(QUEUE, connection=connection)], connection=connection).work(with_scheduler=False)


if __name__ == "__main__":
    main()

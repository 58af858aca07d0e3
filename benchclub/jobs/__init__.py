"""Background jobs: long tasks (closing periods across clubs, PDF reports, reminders, big imports)
run on an RQ worker when REDIS_URL is set, inline otherwise; a Job row tracks progress and result."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Plug the feature in: the job pages (progress and results) and the kinds of job a worker runs."""
    from . import services, tasks, views

    services.register_tasks(tasks.TASKS)
    app.register_blueprint(views.bp)

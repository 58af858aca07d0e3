"""WSGI entry point: `gunicorn wsgi:app` and `flask --app wsgi ...`.

A server (gunicorn) refuses to start without BENCHCLUB_ENV, so a forgotten variable never serves the
debug settings and the public development key; `flask ...` commands on a workstation keep the
development default. BENCHCLUB_ALLOW_DEV=1 allows a local trial under gunicorn.
"""
import os
import sys

from config import startup_problem

_problem = startup_problem(from_cli=os.environ.get("FLASK_RUN_FROM_CLI") == "true")
if _problem:
    sys.exit(f"benchclub: {_problem}")

from benchclub import create_app  # noqa: E402  (only after the environment is known to be sound)

app = create_app()

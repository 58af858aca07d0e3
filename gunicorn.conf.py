"""gunicorn settings read from the working directory: check the environment once, before any worker starts."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from config import startup_problem  # noqa: E402

_problem = startup_problem()
if _problem:
    sys.exit(f"benchclub: {_problem}")  # one line and exit status 1, instead of a traceback per worker

wsgi_app = "wsgi:app"

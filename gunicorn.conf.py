"""gunicorn settings from the environment (`make serve`); command-line flags still override them.

The environment is checked once, before any worker starts: a production server without SECRET_KEY (or
without BENCHCLUB_ENV) exits with one clear line instead of a traceback per worker.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from config import startup_problem  # noqa: E402

_problem = startup_problem()
if _problem:
    sys.exit(f"benchclub: {_problem}")  # one line and exit status 1

wsgi_app = "wsgi:app"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # long work runs as jobs, not in requests
graceful_timeout = 20
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))  # recycle workers: bounded memory
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")  # the load balancer's address
accesslog = None  # the app writes one JSON line per request, with its X-Request-ID
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

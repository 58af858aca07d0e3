"""Issue 10 deployment traps: the WSGI entry point and gunicorn refuse unsafe environments with one line."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("BENCHCLUB_ENV", "SECRET_KEY", "BENCHCLUB_ALLOW_DEV", "FLASK_RUN_FROM_CLI")}
    env.update(extra)
    return env


def _import_wsgi(env):
    return subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_wsgi_refuses_development_settings_unless_asked():
    result = _import_wsgi(_env())
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0 and "BENCHCLUB_ENV is not set" in result.stderr


def test_wsgi_runs_development_settings_when_asked():
    assert _import_wsgi(_env(BENCHCLUB_ALLOW_DEV="1", DATABASE_URL="sqlite://")).returncode == 0


def test_wsgi_in_production_without_secret_key_says_so_in_one_line():
    result = _import_wsgi(_env(BENCHCLUB_ENV="production"))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SECRET_KEY must be set" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn not installed")
def test_gunicorn_without_secret_key_stops_with_one_line_and_no_worker_tracebacks():
    result = subprocess.run([str(GUNICORN), "-w", "4", "-b", "127.0.0.1:0", "wsgi:app"], cwd=ROOT,
                            env=_env(BENCHCLUB_ENV="production"), capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.count("SECRET_KEY must be set") == 1, result.stderr


def test_flask_commands_keep_the_development_default():
    result = subprocess.run([str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "routes"], cwd=ROOT,
                            env=_env(DATABASE_URL="sqlite://"), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_production_silences_the_pdf_librarys_info_logs(monkeypatch):
    import logging

    from benchclub import create_app
    from config import TestingConfig

    class Quiet(TestingConfig):
        TESTING = False

    logging.getLogger("weasyprint").setLevel(logging.NOTSET)
    create_app(Quiet)
    assert logging.getLogger("weasyprint").getEffectiveLevel() >= logging.WARNING

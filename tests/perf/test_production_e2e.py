"""End to end in production mode: gunicorn with two workers, an RQ worker, PostgreSQL and Redis.

A throw-away PostgreSQL database is created next to TEST_DATABASE_URL (and dropped afterwards),
migrated with `flask db upgrade`, given a small club; the admin logs in over HTTP and closes the
month in every club as a background job, which the RQ worker runs. Redis database 15 is used and
only it is flushed. Skipped without a PostgreSQL TEST_DATABASE_URL or without Redis.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.production
ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/15"
PASSWORD = "production-test-pass-1"


def _server_url() -> sa.URL:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("needs a PostgreSQL TEST_DATABASE_URL")
    return sa.make_url(url)


def _redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return client


@pytest.fixture()
def throwaway_database():
    """A fresh database on the test server, dropped at the end."""
    server = _server_url()
    name = f"tmp_perf_prod_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _env(url: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    env.update(DATABASE_URL=url, REDIS_URL=REDIS_URL, SECRET_KEY="production-test-secret", BENCHCLUB_ENV="production",
               SESSION_COOKIE_SECURE="0", WEB_CONCURRENCY="2", BIND=f"127.0.0.1:{port}", LOG_LEVEL="warning")
    return env


def _seed(env: dict[str, str]) -> None:
    """Migrate, then a club with 12 suppliers, values for an open month, and the admin (a subprocess:
    the production app, not the test app)."""
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)
    script = f"""
from benchclub import create_app
from benchclub.extensions import db
app = create_app()
with app.app_context():
    from benchclub.auth.services import create_user
    from benchclub.catalogue import list_kpis
    from benchclub.clubs.services import create_club, create_firm
    from benchclub.periods.services import open_period
    from benchclub.models import FirmKind, KpiValue, Role
    club = create_club("PROD", "Production test club")
    firms = [create_firm(club, f"P-{{i:02d}}", f"Prod firm {{i:02d}}", FirmKind.SUPPLIER, "ZA", "Castings", 40)
             for i in range(12)]
    period = open_period(club, "2025-01")
    for i, firm in enumerate(firms):
        for kpi in list_kpis(club):
            value = kpi.soft_min + (kpi.soft_max - kpi.soft_min) * (i + 1) / 13
            db.session.add(KpiValue(firm_id=firm.id, kpi_id=kpi.id, period_id=period.id, source_firm_id=firm.id,
                                    value=value, is_nil=False))
    create_user("admin@prod.test", Role.ADMIN, password={PASSWORD!r})
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(opener, base: str) -> dict:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with opener.open(f"{base}/healthz", timeout=3) as resp:
                return __import__("json").loads(resp.read())
        except OSError:
            time.sleep(0.3)
    raise AssertionError("gunicorn never became healthy")


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_a_period_is_closed_end_to_end_by_a_job_on_the_rq_worker(throwaway_database, tmp_path):
    redis = _redis()
    redis.flushdb()
    port = _port()
    env = _env(throwaway_database, port)
    _seed(env)
    log = open(tmp_path / "processes.log", "w")
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                           env=env, stdout=log, stderr=log, start_new_session=True)
    worker = subprocess.Popen([sys.executable, "-m", "benchclub.jobs.worker"], cwd=ROOT, env=env, stdout=log,
                              stderr=log, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        opener = build_opener(HTTPCookieProcessor(CookieJar()))
        assert _wait_healthy(opener, base) == {"status": "ok", "database": "ok", "redis": "ok"}
        login_page = opener.open(f"{base}/login", timeout=10).read().decode()
        form = {"email": "admin@prod.test", "password": PASSWORD, "csrf_token": _csrf(login_page)}
        opener.open(f"{base}/login", data=urllib.parse.urlencode(form).encode(), timeout=10)
        jobs_page = opener.open(f"{base}/jobs/", timeout=10).read().decode()
        request = Request(f"{base}/jobs/close-periods", headers={"X-Request-ID": "e2e-close-1"},
                          data=urllib.parse.urlencode({"month": "2025-01", "csrf_token": _csrf(jobs_page)}).encode())
        with opener.open(request, timeout=30) as resp:
            job_url = resp.url
            assert resp.headers["X-Request-ID"] == "e2e-close-1"
        assert "/jobs/" in job_url
        deadline, page = time.time() + 120, ""
        while time.time() < deadline:
            page = opener.open(job_url, timeout=10).read().decode()
            if 'data-job-status="done"' in page or 'data-job-status="failed"' in page:
                break
            time.sleep(0.5)
        assert 'data-job-status="done"' in page, page[-2000:]
        assert "Closed 2025-01 in 1 club(s)." in page
    finally:
        _stop(web)
        _stop(worker)
        log.close()
        redis.flushdb()
    engine = sa.create_engine(throwaway_database)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT status FROM periods WHERE month = '2025-01'")).scalar() == "CLOSED"
        assert conn.execute(sa.text("SELECT count(*) FROM snapshots")).scalar() == 1
        assert conn.execute(sa.text("SELECT status FROM jobs")).scalar() == "DONE"
    engine.dispose()

"""Throughput under gunicorn (2 workers) with wrk on loopback: the dashboard next to /healthz."""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from .data import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
AGENT = "benchclub-bench"


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int = 2) -> subprocess.Popen:
    """gunicorn on the bench database in production mode (cookies not marked Secure: plain loopback)."""
    env = dict(os.environ, DATABASE_URL=url, BENCHCLUB_ENV="production", SECRET_KEY="bench-secret-not-real",
               SESSION_COOKIE_SECURE="0", WEB_CONCURRENCY=str(workers))
    env.pop("REDIS_URL", None)
    cmd = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", str(workers),
           "--bind", f"127.0.0.1:{port}", "wsgi:app"]  # the production settings; JSON request logs to the log file
    log = open(os.environ.get("BENCH_GUNICORN_LOG", "/tmp/bench-gunicorn.log"), "ab")  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return proc
        except OSError:
            time.sleep(0.3)
    stop(proc)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def stop(proc: subprocess.Popen) -> None:
    """Stop the gunicorn we started (its own process group)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def session_cookie(port: int, email: str) -> str:
    """Log in over HTTP (CSRF token from the form) and return the Cookie header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", AGENT)]
    page = opener.open(f"http://127.0.0.1:{port}/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"email": email, "password": PASSWORD}
    if token:
        form["csrf_token"] = token.group(1)
    opener.open(f"http://127.0.0.1:{port}/login", data=urllib.parse.urlencode(form).encode(), timeout=10)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    check = urllib.request.Request(f"http://127.0.0.1:{port}/benchmarks/", headers={"Cookie": cookie,
                                                                                    "User-Agent": AGENT})
    with urllib.request.urlopen(check, timeout=30) as resp:
        if resp.status != 200 or "/login" in resp.url:
            raise RuntimeError("bench login over HTTP failed")
    return cookie


def ensure_wrk() -> str:
    """The wrk binary (installed from Debian by `make bench` when missing)."""
    path = shutil.which("wrk")
    if not path:
        raise RuntimeError("wrk is not installed: apt-get install -y wrk (make bench does it)")
    return path


def wrk(url: str, seconds: int, connections: int, headers: dict[str, str]) -> dict[str, float]:
    """Requests/s and latency of one bounded wrk run."""
    cmd = [ensure_wrk(), "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return {"rps": rps, "p50_ms": float(p50.group(1)) * scale[p50.group(2)] if p50 else -1.0,
            "non_2xx": int(non2xx.group(1)) if non2xx else 0}


def worker_rss_mb(master: int) -> float:
    """The largest peak RSS (VmHWM) among the gunicorn master's worker processes, in MB."""
    peak = 0.0
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peak = max(peak, int(match.group(1)) / 1024)
    return peak


def measure_throughput(url: str, seconds: int, connections: int, load) -> dict[str, object]:
    """/healthz, the dashboard (fresh and with If-None-Match) under the same gunicorn, plus worker memory."""
    ensure_wrk()
    port = free_port()
    proc = start_gunicorn(url, port)
    try:
        base = f"http://127.0.0.1:{port}"
        cookie = session_cookie(port, "bench@member.test")
        headers = {"Cookie": cookie, "User-Agent": AGENT}
        health = wrk(f"{base}/healthz", seconds, connections, {"User-Agent": AGENT}) | {"load": float(load())}
        board = wrk(f"{base}/benchmarks/", seconds, connections, headers) | {"load": float(load())}
        req = urllib.request.Request(f"{base}/benchmarks/", headers=headers)
        with urllib.request.urlopen(req, timeout=30) as resp:
            etag = resp.headers.get("ETag")
        revalidate = None
        if etag:
            revalidate = wrk(f"{base}/benchmarks/", seconds, connections, headers | {"If-None-Match": etag})
            revalidate["load"] = float(load())
        return {"healthz": health, "dashboard": board, "dashboard_304": revalidate,
                "worker_peak_rss_mb": worker_rss_mb(proc.pid)}
    finally:
        stop(proc)

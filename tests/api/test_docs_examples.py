"""The curl examples of docs/api.md, run as written with curl against a live server on 127.0.0.1 serving
the demo club; then the pushed month is on the member's month page."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from benchclub.demo import DEMO_LOGINS

pytestmark = pytest.mark.committed_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def examples() -> dict[str, str]:
    """Each ```sh block of the doc, by its `# task:` line."""
    blocks = re.findall(r"```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    return {re.search(r"# task: (\S+)", b).group(1): b for b in blocks}


@pytest.fixture()
def served_demo(app, db, runner):
    """The demo club committed, served on a free local port."""
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)


def _token(runner, email: str) -> str:
    result = runner.invoke(args=["tokens", "create", email, "--name", "curl", "--scope", "read-write", "--days", "7"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def _run(block: str, env: dict[str, str]) -> dict:
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, f"{block}\nexit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return json.loads(done.stdout)


def test_doc_has_a_curl_example_per_task():
    assert {"push-month", "my-benchmarks", "supplier-stages"} <= set(examples())
    assert all("curl " in block for block in examples().values())


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_every_curl_example_of_the_doc_works_against_a_live_server(served_demo, runner, client):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "BENCHCLUB_URL": served_demo,
           "TOKEN": _token(runner, DEMO_LOGINS["users"]["member"]),
           "GOV_TOKEN": _token(runner, DEMO_LOGINS["users"]["governor"])}
    out = {task: _run(block, env) for task, block in examples().items()}

    assert (out["push-month"]["new"], out["push-month"]["updated"]) == (5, 0)
    month = {v["kpi"]: v for v in out["read-month"]["items"]}
    assert month["otd_pct"]["value"] == 97.5 and month["training_hours"]["not_measured"] is True
    assert out["my-benchmarks"]["period"] == "2026-10" and out["my-benchmarks"]["firm"]["value"] is not None
    assert "CST-01" in {s["supplier"] for s in out["supplier-stages"]["items"]}
    assert {v["source"] for v in out["push-measurements"]["items"]} == {"GOV-KAW"}

    # ... and the member sees the pushed month on the month page.
    login = client.post("/login", data={"email": DEMO_LOGINS["users"]["member"],
                                        "password": DEMO_LOGINS["password"]})
    assert login.status_code == 302
    page = client.get("/kpis/month/2026-11").get_data(as_text=True)
    assert 'value="97.5"' in page or ">97.5<" in page

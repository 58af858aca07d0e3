"""Issue 10, crash safety: an import process killed half-way through its writes leaves no partial data."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from benchclub.clubs.services import create_firm
from benchclub.extensions import db
from benchclub.models import AuditEntry, FirmKind, KpiDefinition, KpiValue

pytestmark = pytest.mark.committed_db

ROOT = Path(__file__).resolve().parents[2]
FIRMS = 120
APP_NAME = "bc_crash_test"


def _big_file(world, tmp_path) -> tuple[Path, int]:
    kpis = list(db.session.scalars(sa.select(KpiDefinition).where(KpiDefinition.club_id == world.club.id)))
    lines = ["firm,period,kpi,value,source,comment"]
    for i in range(FIRMS):
        firm = create_firm(world.club, f"CR-{i:03d}", f"Crash Firm {i}", FirmKind.SUPPLIER, "ZA", "Castings", 50)
        lines += [f"{firm.code},2025-01,{k.code},{(k.soft_min + k.soft_max) / 2!r},," for k in kpis]
    db.session.commit()
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n")
    return path, len(lines) - 1


def _url() -> str:
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        url = url.update_query_dict({"application_name": APP_NAME})
    return url.render_as_string(hide_password=False)


def _writing_started() -> bool:
    """True once the import process holds uncommitted writes (PostgreSQL: a transaction id; SQLite: the write lock)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            return bool(conn.scalar(sa.text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :n "
                                            "AND backend_xid IS NOT NULL"), {"n": APP_NAME}))
    raw = db.engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA busy_timeout = 0")
        try:
            raw.driver_connection.execute("BEGIN IMMEDIATE")
        except Exception as exc:  # sqlite3.OperationalError: database is locked
            return "locked" in str(exc)
        raw.driver_connection.execute("ROLLBACK")
        return False
    finally:
        raw.close()


# `flask kpis import` in a child process that stops for a minute after its first bulk INSERT (the values,
# before their audit entries and the commit): the kill then lands half-way through the writes every time,
# however fast the import has become (it used to race a 20 ms poll against a write of a few milliseconds).
HALF_WAY = """
import sys, time
import benchclub.kpis.bulk as bulk
first = bulk.insert_rows
def stall(*args, **kwargs):
    first(*args, **kwargs)
    print("written, not committed", flush=True)
    time.sleep(60)
bulk.insert_rows = stall
from flask.cli import main
sys.argv = ["flask", *sys.argv[1:]]
main()
"""


def _import(path: Path, *, stall: bool = False) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("BENCHCLUB_ENV", "FLASK_RUN_FROM_CLI")}
    env["DATABASE_URL"] = _url()
    command = [sys.executable, "-c", HALF_WAY] if stall else [str(Path(sys.executable).with_name("flask"))]
    return subprocess.Popen([*command, "--app", "wsgi", "kpis", "import", str(path)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _counts() -> tuple[int, int]:
    db.session.rollback()  # end any read snapshot (SQLite WAL keeps one while a transaction is open)
    return (db.session.scalar(sa.select(sa.func.count(KpiValue.id))),
            db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.entity == "kpi_value")))


def test_an_import_killed_while_writing_leaves_nothing_behind(app, world, tmp_path):
    path, rows = _big_file(world, tmp_path)
    proc = _import(path, stall=True)
    said = proc.stdout.readline()  # returns at the stall (or at the end, if the import never got there)
    assert said == b"written, not committed\n", f"the import ended before it was killed: {proc.communicate()}"
    assert _writing_started()  # its values are written and still uncommitted: it holds the write
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _counts() == (0, 0)
    # The same file imported without interruption writes every row: the killed run really was half-way.
    again = _import(path)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err.decode()
    assert _counts() == (rows, rows)

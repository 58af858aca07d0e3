"""The demo club (DOMAIN §9): `flask seed demo` builds the same realistic club on every run.

The seed runs once for the module (it takes a few seconds); the last test reseeds with --reset and
compares digests, so keep it last.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import aliased

from benchclub.demo import DEMO_LOGINS
from benchclub.extensions import db as _db
from benchclub.models import (
    ActionStatus,
    Certificate,
    CertificateStatus,
    Firm,
    FirmKind,
    ImprovementAction,
    KpiDefinition,
    KpiValue,
    Period,
    PeriodStatus,
    StageChange,
    SupplyLink,
    WorkshopRegistration,
)

from .conftest import _truncate_all

pytestmark = pytest.mark.committed_db

ROOT = Path(__file__).resolve().parent.parent
OPEN_MONTH_START = date(2026, 11, 1)


@pytest.fixture(scope="module")
def demo(app):
    """The demo club, seeded once for this module and removed afterwards."""
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    yield result.output
    _db.session.remove()
    _truncate_all()


def value_rows() -> list[tuple]:
    """Every stored KPI value as (firm, kpi, month, source, value, is_nil), sorted."""
    source = aliased(Firm)
    rows = _db.session.execute(
        sa.select(Firm.code, KpiDefinition.code, Period.month, source.code, KpiValue.value, KpiValue.is_nil)
        .join(Firm, KpiValue.firm_id == Firm.id).join(source, KpiValue.source_firm_id == source.id)
        .join(KpiDefinition, KpiValue.kpi_id == KpiDefinition.id).join(Period, KpiValue.period_id == Period.id)
    ).all()
    return sorted(tuple(r) for r in rows)


def digest() -> str:
    """A fingerprint of the firms and all KPI values."""
    firms = sorted(_db.session.execute(sa.select(Firm.code, Firm.name, Firm.kind, Firm.employees)).all())
    text = repr([tuple(f) for f in firms]) + repr(value_rows())
    return hashlib.sha256(text.encode()).hexdigest()


def self_values(kpi: str) -> dict[str, list[float]]:
    """Self-reported, non-nil values of one KPI per closed month."""
    by_month: dict[str, list[float]] = defaultdict(list)
    for firm, code, month, source, value, is_nil in value_rows():
        if code == kpi and source == firm and not is_nil and month < "2026-11":
            by_month[month].append(value)
    return dict(sorted(by_month.items()))


def closed_months() -> list[str]:
    return list(_db.session.scalars(sa.select(Period.month).where(Period.status == PeriodStatus.CLOSED)
                                    .order_by(Period.month)))


def test_demo_club_has_about_thirty_suppliers_and_three_governors(demo):
    kinds = _db.session.execute(sa.select(Firm.kind, sa.func.count()).group_by(Firm.kind)).all()
    counts = dict(kinds)
    assert 28 <= counts[FirmKind.SUPPLIER] <= 32
    assert counts[FirmKind.GOVERNOR] == 3
    per_governor = _db.session.execute(sa.select(SupplyLink.governor_id, sa.func.count())
                                       .group_by(SupplyLink.governor_id)).all()
    assert all(10 <= n <= 20 for _, n in per_governor)
    sectors = _db.session.scalars(sa.select(Firm.sector).where(Firm.kind == FirmKind.SUPPLIER).distinct()).all()
    assert len(sectors) >= 6


def test_demo_has_two_years_closed_and_the_current_month_open(demo):
    months = closed_months()
    assert len(months) >= 24
    assert (months[0], months[-1]) == ("2024-10", "2026-10")
    open_months = _db.session.scalars(sa.select(Period.month).where(Period.status == PeriodStatus.OPEN)).all()
    assert open_months == ["2026-11"]


def test_club_median_on_time_delivery_improves(demo):
    medians = [float(np.median(v)) for v in self_values("otd_pct").values()]
    assert np.mean(medians[-12:]) > np.mean(medians[:12]) + 2


def test_tail_of_customer_rejects_shortens(demo):
    tails = [float(np.percentile(v, 90) - np.percentile(v, 50)) for v in self_values("customer_reject_ppm").values()]
    assert np.mean(tails[-12:]) < 0.5 * np.mean(tails[:12])


def test_some_firms_skip_months_or_file_nil_returns(demo):
    rows = value_rows()
    nil = [r for r in rows if r[5]]
    assert nil and all(r[4] is None for r in nil)
    reported = {(r[0], r[2]) for r in rows if r[3] == r[0] and r[2] < "2026-11"}
    assert len(reported) < 30 * 25


def test_governor_measures_a_bit_worse_than_self_reports(demo):
    pairs = defaultdict(dict)
    for firm, kpi, month, source, value, _nil in value_rows():
        if kpi == "customer_reject_ppm" and value is not None:
            pairs[(firm, month)]["self" if source == firm else source] = value
    worse = [v[g] >= v["self"] for v in pairs.values() if "self" in v for g in v if g != "self"]
    assert len(worse) > 500 and sum(worse) / len(worse) > 0.95


def test_certificates_include_expiring_and_expired(demo):
    statuses = [c.status_on(OPEN_MONTH_START) for c in _db.session.scalars(sa.select(Certificate))]
    assert statuses.count(CertificateStatus.EXPIRING) >= 2
    assert 1 <= statuses.count(CertificateStatus.EXPIRED) <= 2


def test_ladder_history_starts_at_stage_one_and_some_climb(demo):
    changes = _db.session.scalars(sa.select(StageChange)).all()
    links = _db.session.scalar(sa.select(sa.func.count(SupplyLink.id)))
    assert sum(1 for c in changes if c.stage == 1 and c.effective_month == "2024-10") == links
    assert any(c.stage >= 2 for c in changes)


def test_workshops_were_attended_and_left_actions(demo):
    assert _db.session.scalar(sa.select(sa.func.count()).where(WorkshopRegistration.attended.is_(True))) > 10
    actions = _db.session.scalars(sa.select(ImprovementAction)).all()
    assert any(a.status == ActionStatus.DONE for a in actions)
    overdue = [a for a in actions if a.status == ActionStatus.OPEN and a.due_on < OPEN_MONTH_START]
    assert 1 <= len(overdue) <= 4


@pytest.mark.parametrize("role", ["member", "governor", "facilitator", "admin"])
def test_demo_users_can_log_in(demo, app, role):
    client = app.test_client()
    response = client.post("/login", data={"email": DEMO_LOGINS["users"][role], "password": DEMO_LOGINS["password"]})
    assert response.status_code == 302


def test_print_logins_needs_no_database():
    env = {**os.environ, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/nowhere"}
    out = subprocess.run([sys.executable, "-m", "benchclub.demo", "--print-logins"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert DEMO_LOGINS["password"] in out and DEMO_LOGINS["users"]["member"] in out


def test_seed_refuses_a_full_database_and_is_identical_after_reset(demo, runner):
    """Keep last: --reset rebuilds the database and the runner fixture empties it afterwards."""
    before = digest()
    refused = runner.invoke(args=["seed", "demo"])
    assert refused.exit_code != 0 and "--reset" in refused.output
    _db.session.remove()
    again = runner.invoke(args=["seed", "demo", "--reset"])
    assert again.exit_code == 0, again.output
    assert digest() == before

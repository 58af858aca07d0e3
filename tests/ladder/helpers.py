"""Small builders for ladder tests: closed months, monthly values, certificates, visits."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from benchclub.extensions import db
from benchclub.models import (
    Certificate,
    Firm,
    KpiDefinition,
    KpiValue,
    Period,
    PeriodStatus,
    Visit,
    VisitorRole,
    VisitOutcome,
)

SIX_MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]


def closed_period(club, month: str) -> Period:
    """A closed period (created directly: no benchmark publication or evaluation runs)."""
    period = db.session.scalar(sa.select(Period).where(Period.club_id == club.id, Period.month == month))
    if period is None:
        period = Period(club_id=club.id, month=month, due_on=date(2030, 1, 1))
        db.session.add(period)
    period.status = PeriodStatus.CLOSED
    db.session.flush()
    return period


def put_value(firm: Firm, code: str, month: str, value: float | None, *, source: Firm | None = None) -> KpiValue:
    """A self-reported value (or a governor's measurement with source=governor); None is a nil return."""
    kpi = db.session.scalar(sa.select(KpiDefinition).where(KpiDefinition.club_id == firm.club_id,
                                                           KpiDefinition.code == code))
    period = db.session.scalar(sa.select(Period).where(Period.club_id == firm.club_id, Period.month == month))
    row = KpiValue(firm_id=firm.id, kpi_id=kpi.id, period_id=period.id, source_firm_id=(source or firm).id,
                   value=value, is_nil=value is None)
    db.session.add(row)
    return row


def give_certificate(firm: Firm, standard: str = "ISO 9001", issued=date(2024, 1, 1), expires=date(2027, 1, 1)):
    cert = Certificate(firm_id=firm.id, standard=standard, number=f"{standard}-{firm.code}", body="TÜV",
                       issued_on=issued, expires_on=expires)
    db.session.add(cert)
    return cert


def give_visit(governor: Firm, supplier: Firm, on=date(2025, 4, 10), role="quality", outcome="passed") -> Visit:
    visit = Visit(governor_id=governor.id, supplier_id=supplier.id, visited_on=on, visitor_role=VisitorRole(role),
                  outcome=VisitOutcome(outcome), purpose="Process audit")
    db.session.add(visit)
    return visit


def ready_for_stage_2(club, supplier: Firm, governors: list[Firm], months=SIX_MONTHS, ppm=120.0, otd=97.5):
    """Six closed months meeting the stage-2 thresholds, ISO 9001, and a passed quality visit per governor."""
    for month in months:
        closed_period(club, month)
        put_value(supplier, "customer_reject_ppm", month, ppm)
        put_value(supplier, "otd_pct", month, otd)
    give_certificate(supplier)
    for governor in governors:
        give_visit(governor, supplier)
    db.session.flush()

"""Read models of the kpis feature: entry pages, month statuses, comparisons, history, completeness."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from .. import permissions
from ..catalogue import list_kpis
from ..extensions import db
from ..models import AuditEntry, Club, Firm, KpiDefinition, KpiValue, Period, PeriodStatus, SupplyLink, User
from ..months import previous_month
from ..periods.services import list_periods
from .history import jump_threshold, usual_values


@dataclass
class Measurement:
    """A governor's measurement of the viewing member's firm, named: the member knows its customers."""

    governor: str
    value: KpiValue


@dataclass
class EntryRow:
    """One KPI on an entry page: the stored value, last month's, and any customer measurements."""

    kpi: KpiDefinition
    current: KpiValue | None = None
    previous: KpiValue | None = None
    customer: list[Measurement] = field(default_factory=list)
    reported: KpiValue | None = None  # governor page: the supplier's own value, only with consent
    usual: float | None = None  # member page: median of the firm's own recent months (big-jump warning)
    jump: float | None = None  # how far from `usual` a value may move before the page asks for a comment


@dataclass
class MonthStatus:
    """A month on the member's list: due, overdue, done (or closed), with how much is entered."""

    period: Period
    status: str
    entered: int
    total: int


@dataclass
class Comparison:
    """'Your customer measured X; you reported Y' for one KPI and month."""

    governor: str
    kpi: KpiDefinition
    month: str
    measured: KpiValue
    reported: KpiValue | None


def identified_values_query() -> sa.Select:
    """Stored values joined to their firm, source firm, period and KPI, in export order (firm, month, KPI, the
    firm's own value before customers' measurements): the base that exports and the API scope and filter."""
    source = aliased(Firm)
    return (
        sa.select(KpiValue)
        .join(Firm, Firm.id == KpiValue.firm_id)
        .join(source, source.id == KpiValue.source_firm_id)
        .join(Period, Period.id == KpiValue.period_id)
        .join(KpiDefinition, KpiDefinition.id == KpiValue.kpi_id)
        .order_by(Firm.code, Period.month, KpiDefinition.position,
                  sa.case((KpiValue.source_firm_id == KpiValue.firm_id, 0), else_=1), source.code, KpiValue.id)
    )


def get_period_by_month(club: Club, month: str) -> Period | None:
    """The club's period for a month, or None."""
    return db.session.scalar(sa.select(Period).where(Period.club_id == club.id, Period.month == month))


def _values(firm: Firm, periods: list[Period], *, self_only: bool | None = None) -> list[KpiValue]:
    if not periods:
        return []
    query = sa.select(KpiValue).where(KpiValue.firm_id == firm.id, KpiValue.period_id.in_([p.id for p in periods]))
    if self_only is True:
        query = query.where(KpiValue.source_firm_id == firm.id)
    elif self_only is False:
        query = query.where(KpiValue.source_firm_id != firm.id)
    return list(db.session.scalars(query))


def member_entry_rows(firm: Firm, period: Period) -> list[EntryRow]:
    """Every active KPI of the club with this month's value, last month's and customers' measurements."""
    previous = get_period_by_month(firm.club, previous_month(period.month))
    rows = {k.id: EntryRow(kpi=k) for k in list_kpis(firm.club)}
    for value in _values(firm, [p for p in (period, previous) if p is not None]):
        row = rows.get(value.kpi_id)
        if row is None:
            continue
        if value.source_firm_id != firm.id:
            if value.period_id == period.id and not value.is_nil:
                row.customer.append(Measurement(governor=value.source_firm.name, value=value))
        elif value.period_id == period.id:
            row.current = value
        else:
            row.previous = value
    usual = usual_values(firm, period)
    for row in rows.values():
        row.usual = usual.get(row.kpi.id)
        row.jump = jump_threshold(row.usual, row.kpi) if row.usual is not None else None
    return list(rows.values())


def governor_entry_rows(user: User, supplier: Firm, period: Period, *, governor: Firm | None = None) -> list[EntryRow]:
    """The measurable KPIs with the governor's own measurement, last month's, and (with consent) the
    supplier's self-reported value. `governor`: the governor whose page the admin reads (what it may see)."""
    if governor is None:
        governor, shared = user.firm, permissions.consented_kpi_codes(user, supplier)
    else:
        shared = permissions.governor_shared_kpi_codes(governor, supplier)
    previous = get_period_by_month(supplier.club, previous_month(period.month))
    rows = {k.id: EntryRow(kpi=k) for k in list_kpis(supplier.club) if k.governor_measurable}
    for value in _values(supplier, [p for p in (period, previous) if p is not None]):
        row = rows.get(value.kpi_id)
        if row is None:
            continue
        if value.source_firm_id == governor.id:
            if value.period_id == period.id:
                row.current = value
            else:
                row.previous = value
        elif value.is_self_reported and value.period_id == period.id and (shared is None or row.kpi.code in shared):
            row.reported = value
    return list(rows.values())


def _entered_counts(firms: list[Firm], periods: list[Period], kpi_ids: list[int]) -> dict[tuple[int, int], tuple[int, int]]:
    """(firm id, period id) -> (self-reported entries, nil returns among them), one query."""
    if not firms or not periods or not kpi_ids:
        return {}
    nil_sum = sa.func.sum(sa.case((KpiValue.is_nil.is_(True), 1), else_=0))
    query = (
        sa.select(KpiValue.firm_id, KpiValue.period_id, sa.func.count(KpiValue.id), nil_sum)
        .where(KpiValue.firm_id.in_([f.id for f in firms]), KpiValue.period_id.in_([p.id for p in periods]),
               KpiValue.kpi_id.in_(kpi_ids), KpiValue.source_firm_id == KpiValue.firm_id)
        .group_by(KpiValue.firm_id, KpiValue.period_id)
    )
    return {(f, p): (int(n), int(nils or 0)) for f, p, n, nils in db.session.execute(query)}


def list_member_months(firm: Firm, today: date | None = None) -> list[MonthStatus]:
    """The firm's months, newest first: done when every KPI is answered, else due or overdue (or closed)."""
    today = today or date.today()
    periods = list_periods(firm.club)
    kpi_ids = [k.id for k in list_kpis(firm.club)]
    counts = _entered_counts([firm], periods, kpi_ids)
    months = []
    for period in periods:
        entered = counts.get((firm.id, period.id), (0, 0))[0]
        if kpi_ids and entered >= len(kpi_ids):
            status = "done"
        elif period.status == PeriodStatus.CLOSED:
            status = "closed"
        else:
            status = "overdue" if today > period.due_on else "due"
        months.append(MonthStatus(period=period, status=status, entered=entered, total=len(kpi_ids)))
    return months


def list_customer_comparisons(firm: Firm, *, limit: int = 6) -> list[Comparison]:
    """The latest governor measurements of this firm beside its own reported values."""
    periods = list_periods(firm.club)[:3]
    values = _values(firm, periods)
    own = {(v.kpi_id, v.period_id): v for v in values if v.is_self_reported}
    out = [
        Comparison(governor=v.source_firm.name, kpi=v.kpi, month=v.period.month, measured=v,
                   reported=own.get((v.kpi_id, v.period_id)))
        for v in values if not v.is_self_reported and not v.is_nil
    ]
    out.sort(key=lambda c: (c.month, c.kpi.position, c.governor), reverse=True)
    return out[:limit]


def list_value_history(value: KpiValue) -> list[AuditEntry]:
    """Every recorded change of one value, oldest first."""
    return list(db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.entity == "kpi_value", AuditEntry.entity_id == value.id)
        .order_by(AuditEntry.at, AuditEntry.id)
    ))


@dataclass
class CompletenessMatrix:
    """Supplier firms x months of a club, each cell complete, partial, nil return or missing."""

    club: Club
    periods: list[Period]
    rows: list[tuple[Firm, list[str]]]
    kpi_count: int

    def totals(self, period_index: int) -> dict[str, int]:
        """How many firms are in each state for one month (a column of the matrix)."""
        counts: dict[str, int] = defaultdict(int)
        for _firm, cells in self.rows:
            counts[cells[period_index]] += 1
        return dict(counts)


def cell_status(entered: int, nils: int, total: int) -> str:
    """complete (every KPI answered), nil return (answered, all not measured), partial, missing."""
    if entered == 0:
        return "missing"
    if entered < total:
        return "partial"
    return "nil return" if nils >= entered else "complete"


def get_completeness(club: Club, *, months: int = 12, periods: list[Period] | None = None) -> CompletenessMatrix:
    """The completeness matrix of a club's active suppliers over its latest months (or given periods)."""
    periods = periods if periods is not None else list(reversed(list_periods(club)[:months]))
    firms = [f for f in club.firms if f.is_supplier and f.active]
    kpi_ids = [k.id for k in list_kpis(club)]
    counts = _entered_counts(firms, periods, kpi_ids)
    rows = [(f, [cell_status(*counts.get((f.id, p.id), (0, 0)), len(kpi_ids)) for p in periods]) for f in firms]
    return CompletenessMatrix(club=club, periods=periods, rows=rows, kpi_count=len(kpi_ids))


def list_unmeasured_months(governor: Firm) -> list[tuple[Firm, list[str]]]:
    """For each linked supplier, the open months in which this governor has measured nothing yet."""
    suppliers = list_linked_suppliers(governor)
    club_ids = {s.club_id for s in suppliers}
    open_periods = list(db.session.scalars(sa.select(Period).where(
        Period.club_id.in_(club_ids), Period.status == PeriodStatus.OPEN))) if club_ids else []
    measured = set(db.session.execute(sa.select(KpiValue.firm_id, KpiValue.period_id).distinct().where(
        KpiValue.source_firm_id == governor.id, KpiValue.period_id.in_([p.id for p in open_periods])))) \
        if open_periods else set()
    out = []
    for supplier in suppliers:
        missing = [p.month for p in open_periods if p.club_id == supplier.club_id and (supplier.id, p.id) not in measured]
        if missing:
            out.append((supplier, sorted(missing)))
    return sorted(out, key=lambda item: item[0].name)


def list_linked_suppliers(governor: Firm) -> list[Firm]:
    """The governor's linked suppliers, by name."""
    return list(db.session.scalars(
        sa.select(Firm).join(SupplyLink, SupplyLink.supplier_id == Firm.id)
        .where(SupplyLink.governor_id == governor.id).order_by(Firm.name)
    ))


def list_clubs(user: User) -> list[Club]:
    """The clubs a user works in (every club for the admin), by code."""
    return list(db.session.scalars(permissions.scope_clubs(sa.select(Club), user).order_by(Club.code)))

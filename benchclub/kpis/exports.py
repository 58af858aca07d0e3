"""CSV export of KPI values and the pre-filled import templates, in the one import format."""
from __future__ import annotations

import sqlalchemy as sa

from .. import permissions
from ..catalogue import list_kpis
from ..extensions import db
from ..models import Club, Firm, FirmKind, KpiDefinition, KpiValue, Period, PeriodStatus, User
from .csv_io import write_rows
from .queries import identified_values_query, list_linked_suppliers
from .validation import plain_number

Row = tuple[str, str, str, str, str, str]


def _cell(value: KpiValue) -> str:
    return "" if value.is_nil else plain_number(value.value)


def _source(value: KpiValue) -> str:
    return "self" if value.is_self_reported else value.source_firm.code


def export_values(user: User | None, *, club: Club | None = None, firm: Firm | None = None,
                  month: str | None = None) -> str:
    """Values the user may see identified (no user: everything, for the CLI), as import-format CSV."""
    query = identified_values_query()
    if user is not None:
        query = permissions.scope_kpi_values(query, user)
    if club is not None:
        query = query.where(Firm.club_id == club.id)
    if firm is not None:
        query = query.where(KpiValue.firm_id == firm.id)
    if month is not None:
        query = query.where(Period.month == month)
    rows = [(v.firm.code, v.period.month, v.kpi.code, _cell(v), _source(v), v.comment or "")
            for v in db.session.scalars(query)]
    return write_rows(rows)


def _latest_open_month(club_id: int) -> str | None:
    return db.session.scalar(
        sa.select(Period.month).where(Period.club_id == club_id, Period.status == PeriodStatus.OPEN)
        .order_by(Period.month.desc()).limit(1)
    )


def _template_targets(user: User) -> list[tuple[Firm, Firm, list[KpiDefinition]]]:
    """(firm, source, KPIs) the user's template covers: what the user's import rules allow."""
    if permissions.is_member(user):
        return [(user.firm, user.firm, list_kpis(user.firm.club_id))]
    if permissions.is_governor(user):
        return [(s, user.firm, [k for k in list_kpis(s.club_id) if k.governor_measurable])
                for s in list_linked_suppliers(user.firm)]
    query = permissions.scope_firms(sa.select(Firm).where(Firm.kind == FirmKind.SUPPLIER, Firm.active.is_(True)), user)
    firms = list(db.session.scalars(query.order_by(Firm.code)))
    kpis_by_club: dict[int, list[KpiDefinition]] = {}
    for firm in firms:
        kpis_by_club.setdefault(firm.club_id, list_kpis(firm.club_id))
    return [(f, f, kpis_by_club[f.club_id]) for f in firms]


def template_csv(user: User, month: str | None = None) -> str:
    """Rows to fill in for a month (default: each club's latest open month), stored values pre-filled
    so that importing the file unchanged changes nothing."""
    rows: list[Row] = []
    for firm, source, kpis in _template_targets(user):
        target_month = month or _latest_open_month(firm.club_id)
        if target_month is None:
            continue
        stored = {
            v.kpi_id: v for v in db.session.scalars(
                sa.select(KpiValue).join(Period, Period.id == KpiValue.period_id)
                .where(KpiValue.firm_id == firm.id, KpiValue.source_firm_id == source.id,
                       Period.month == target_month))
        }
        label = "self" if source.id == firm.id else source.code
        for kpi in kpis:
            value = stored.get(kpi.id)
            rows.append((firm.code, target_month, kpi.code, _cell(value) if value else "", label,
                         value.comment if value else ""))
    return write_rows(rows)


def export_filename(user: User, prefix: str, month: str | None) -> str:
    """A download name that says what is in the file."""
    who = user.firm.code if user.firm is not None else (user.club.code if user.club else "all")
    if permissions.is_admin(user):
        who = "all"
    return f"{prefix}-{who}{'-' + month if month else ''}.csv"

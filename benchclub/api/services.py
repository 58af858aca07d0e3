"""What the API does beyond the existing services: scoped reads, and the batch write's preconditions.

Writes go through `kpis.imports` (the CSV import's checks, role rules, audit and all-or-nothing rule);
reads through `permissions.scope_api_kpi_values`. Nothing here decides disclosure or permissions.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from .. import permissions
from ..audit import record
from ..csvimport import RowError
from ..extensions import db
from ..kpis import imports
from ..kpis.csv_io import CsvRow
from ..kpis.queries import identified_values_query
from ..kpis.validation import plain_number
from ..models import Firm, KpiDefinition, KpiValue, Period, User
from .problems import ApiProblem


def value_etag(value: KpiValue) -> str:
    """The strong ETag of one stored value: its id and version."""
    return f'"kv-{value.id}-{value.version}"'


def iso(moment: datetime | None) -> datetime | None:
    """A timezone-aware UTC timestamp, dumped as ISO 8601 (SQLite hands back naive datetimes stored as UTC)."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def value_dict(value: KpiValue) -> dict[str, Any]:
    """One value as the API returns it."""
    return {"id": value.id, "firm": value.firm.code, "period": value.period.month, "kpi": value.kpi.code,
            "value": None if value.is_nil else value.value, "not_measured": value.is_nil,
            "source": "self" if value.is_self_reported else value.source_firm.code,
            "comment": value.comment or "", "flagged": value.flagged, "version": value.version,
            "etag": value_etag(value), "updated_at": iso(value.updated_at)}


@dataclass
class PageOf:
    """One page of a list, with the totals a client needs to walk it."""

    items: list[Any]
    page: int
    per_page: int
    total: int

    def as_dict(self, items: Sequence[Any]) -> dict[str, Any]:
        return {"items": list(items), "page": self.page, "per_page": self.per_page, "total": self.total,
                "pages": max(1, math.ceil(self.total / self.per_page))}


def paginate(query: sa.Select, page: int, per_page: int) -> PageOf:
    """A page of a select (ordered by the caller) and the count of all rows."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return PageOf(items, page, per_page, total)


def list_values(user: User, *, firm: str | None, period: str | None, kpi: str | None, page: int,
                per_page: int) -> PageOf:
    """Identified values the user may read, filtered by firm code, month and KPI code."""
    query = identified_values_query()
    query = permissions.scope_api_kpi_values(query, user)
    if firm:
        query = query.where(Firm.code == firm)
    if period:
        query = query.where(Period.month == period)
    if kpi:
        query = query.where(KpiDefinition.code == kpi)
    result = paginate(query, page, per_page)
    if permissions.can_see_identified_club_data(user, user.home_club_id) or permissions.is_admin(user):
        record(user, "view", "kpi_values", None, club_id=user.home_club_id,
               summary=f"API read of identified values firm={firm or '*'} period={period or '*'} kpi={kpi or '*'}")
    return result


def _rows(items: list[dict[str, Any]]) -> list[CsvRow]:
    """API items as the CSV import's rows: the same checks then apply, item index in place of line."""
    return [CsvRow(line=i, firm=it["firm"], period=it["period"], kpi=it["kpi"],
                   value="" if it["value"] is None else plain_number(it["value"]),
                   source=it.get("source") or "self", comment=it.get("comment") or "")
            for i, it in enumerate(items)]


def _item_error(error: RowError) -> dict[str, Any]:
    # The import names file lines; an API client thinks in item indexes and requests.
    reason = error.reason.replace("Repeats line", "Repeats item").replace("in a file", "in one request")
    return {"index": error.line, "field": error.column or None, "reason": reason}


def _check_preconditions(plan: imports.ImportPlan, items: list[dict[str, Any]], if_match: set[str] | None) -> None:
    """Optimistic locking: replacing a stored value needs its version (item `version` or If-Match ETag)."""
    missing, stale = [], []
    for row in plan.rows:
        item, current = items[row.line], row.current
        expected = item.get("version")
        if expected is not None:
            if (current.version if current is not None else 0) != expected:
                stale.append({"index": row.line, "field": "version",
                              "reason": f"{row.kpi.code} {row.period.month} of {row.firm.code} is at version "
                                        f"{current.version if current else 0}, not {expected}; read it again."})
            continue
        if current is None or if_match == {"*"}:
            continue
        if not if_match:
            missing.append({"index": row.line, "field": "version",
                            "reason": f"{row.kpi.code} {row.period.month} of {row.firm.code} already has a value; "
                                      "send its version or its ETag in If-Match."})
        elif value_etag(current) not in if_match:
            stale.append({"index": row.line, "field": "version",
                          "reason": f"{row.kpi.code} {row.period.month} of {row.firm.code} changed since you read "
                                    f"it (now {value_etag(current)})."})
    if stale:
        raise ApiProblem(412, "Some values changed since you read them; nothing was saved.", errors=stale)
    if missing:
        raise ApiProblem(428, "Replacing stored values needs their version or ETag; nothing was saved.",
                         errors=missing)


def put_values(items: list[dict[str, Any]], *, actor: User, if_match: set[str] | None) -> imports.ImportPlan:
    """Check every item like a CSV row, check versions, then write all of them or none."""
    plan = imports.plan_rows(_rows(items), actor=actor)
    if not plan.ok:
        raise ApiProblem(422, f"{len(plan.errors)} problem(s) found; nothing was saved.",
                         errors=[_item_error(e) for e in plan.errors])
    _check_preconditions(plan, items, if_match)
    return imports.apply_plan(plan, actor=actor, via="API")


def stored_values(rows: Sequence[imports.PlannedRow]) -> list[KpiValue]:
    """The values written rows left in the database, read afresh in one query (imports write in bulk, not via
    the ORM, so objects already in the session are refreshed), in the rows' order."""
    keys = [(r.firm.id, r.kpi.id, r.period.id, r.source.id) for r in rows]
    if not keys:
        return []
    columns = (KpiValue.firm_id, KpiValue.kpi_id, KpiValue.period_id, KpiValue.source_firm_id)
    found = {(v.firm_id, v.kpi_id, v.period_id, v.source_firm_id): v for v in db.session.scalars(
        sa.select(KpiValue).where(sa.tuple_(*columns).in_(keys)).execution_options(populate_existing=True))}
    return [found[k] for k in keys]


def parse_if_match(header: str | None) -> set[str] | None:
    """The ETags of an If-Match header ('*' kept as is), or None when absent."""
    if not header or not header.strip():
        return None
    return {part.strip() for part in header.split(",") if part.strip()}

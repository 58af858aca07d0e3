"""Writing a checked import in bulk: one INSERT ... executemany for new values, one for their audit
entries, batched UPDATEs for changed ones, all inside the caller's transaction (all or nothing).

The per-row rules (open period, role, ranges, comment) were applied while planning; this module only
writes, producing exactly the rows and audit entries `services.upsert_value` would, thousands at a time.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa

from ..errors import ConflictError
from ..extensions import db
from ..models import AuditEntry, Firm, KpiDefinition, KpiValue, Period, User
from ..models._base import utcnow
from ..sqlbulk import insert_rows, to_driver
from .validation import CheckedValue, describe

BATCH = 5000  # rows per executemany: bounded memory, few round trips
IN_CHUNK = 500  # ids per IN (...) list, well under every database's parameter limit


@dataclass(frozen=True)
class StoredValue:
    """The stored value an import row replaces: read as plain columns (no ORM objects by the thousand)."""

    id: int
    value: float | None
    is_nil: bool
    comment: str | None
    version: int


class PlannedValue(Protocol):
    """What a planned import row offers (imports.PlannedRow)."""

    firm: Firm
    kpi: KpiDefinition
    period: Period
    source: Firm
    checked: CheckedValue
    current: StoredValue | None

    @property
    def action(self) -> str: ...


def _actor_ids(actor: User | None) -> tuple[int | None, int | None]:
    """(updated_by_id, audit actor_id) exactly as upsert_value and audit.record derive them."""
    updated_by = actor.id if actor is not None and getattr(actor, "is_authenticated", False) else None
    audit_actor = getattr(actor, "id", None) if actor is not None and getattr(actor, "is_authenticated", True) else None
    return updated_by, audit_actor


AUDIT_COLUMNS = ("at", "actor_id", "club_id", "action", "entity", "entity_id", "summary", "old_value", "new_value",
                 "reason", "detail")
VALUE_COLUMNS = ("firm_id", "kpi_id", "period_id", "source_firm_id", "value", "is_nil", "comment", "flagged", "version",
                 "updated_by_id", "updated_at")


def _raw_insert(table: sa.Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Straight to the driver (COPY on PostgreSQL, executemany elsewhere): tens of thousands of rows without
    SQLAlchemy's per-row parameter processing (values are already in driver types, see sqlbulk.to_driver)."""
    insert_rows(table.name, columns, rows)


class _AuditRows:
    """Builds the audit rows of an import: the same summary and JSON detail `audit.record` would store
    (`json.dumps` of {firm, kpi, period, source, via}), from pieces encoded once per firm, period and
    source and once per KPI instead of one json.dumps per row."""

    def __init__(self, actor_id: int | None, via: str, at: Any):
        self.actor_id, self.at, self.via = actor_id, at, via
        self._heads: dict[tuple[int, int, int], tuple[str, str, str, str]] = {}
        self._kpis: dict[str, str] = {}

    def _head(self, row: PlannedValue) -> tuple[str, str, str, str]:
        firm, month = row.firm, row.period.month
        source = "self" if row.source.id == firm.id else row.source.code
        return (f'{{"firm": {json.dumps(firm.code)}, "kpi": ',
                f', "period": {json.dumps(month)}, "source": {json.dumps(source)}, "via": {json.dumps(self.via)}}}',
                f"{firm.code} ", f" {month} ({source})")

    def row(self, row: PlannedValue, entity_id: int, action: str, old: str | None) -> tuple:
        key = (row.firm.id, row.period.id, row.source.id)
        head = self._heads.get(key)
        if head is None:
            head = self._heads[key] = self._head(row)
        code, checked = row.kpi.code, row.checked
        encoded = self._kpis.get(code)
        if encoded is None:
            encoded = self._kpis[code] = json.dumps(code)
        return (self.at, self.actor_id, row.firm.club_id, action, "kpi_value", entity_id,
                (head[2] + code + head[3])[:400], old, describe(checked.value, checked.is_nil),
                checked.comment or f"entered via {self.via}", head[0] + encoded + head[1])


def _insert_new(rows: Sequence[PlannedValue], updated_by: int | None) -> list[int]:
    """INSERT the new values with plain executemany (no RETURNING: SQLite would go row by row), then
    read their ids back in one range query; ids in the rows' order.

    Every id handed out after the highest one committed before the INSERT is larger than it (SQLite's
    rowid is max + 1; a PostgreSQL sequence only grows), so `id > highest` finds all of this import's
    rows; rows other writers added meanwhile are skipped by their key (firm, KPI, period and source
    are unique, and this import holds those keys).
    """
    if not rows:
        return []
    table = KpiValue.__table__
    highest = db.session.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar_one()
    now = to_driver(table.c.updated_at)(utcnow())
    _raw_insert(table, VALUE_COLUMNS, [
        (r.firm.id, r.kpi.id, r.period.id, r.source.id, r.checked.value, r.checked.is_nil, r.checked.comment,
         r.checked.flagged, 1, updated_by, now) for r in rows])
    query = sa.select(table.c.period_id, table.c.firm_id, table.c.kpi_id, table.c.source_firm_id, table.c.id).where(
        table.c.id > highest)
    ids = {(p, f, k, s): i for p, f, k, s, i in db.session.execute(query).fetchall()}
    return [ids[(r.period.id, r.firm.id, r.kpi.id, r.source.id)] for r in rows]


def _update_changed(rows: Sequence[PlannedValue], updated_by: int | None) -> list[str]:
    """UPDATE the changed values with one version-checked executemany; the old texts, in the rows' order.

    The WHERE names the version read while planning, as the ORM's optimistic lock does; if another
    writer got there first, fewer rows match and the whole import is refused.
    """
    table = KpiValue.__table__
    olds = [describe(r.current.value, r.current.is_nil) for r in rows]
    if not rows:
        return olds
    statement = table.update().where(table.c.id == sa.bindparam("b_id"), table.c.version == sa.bindparam("b_version"))
    statement = statement.values(version=table.c.version + 1, updated_at=sa.bindparam("b_at"))
    now = utcnow()
    matched = 0
    for start in range(0, len(rows), BATCH):
        result = db.session.execute(statement, [
            dict(b_id=r.current.id, b_version=r.current.version, b_at=now, value=r.checked.value,
                 is_nil=r.checked.is_nil, comment=r.checked.comment, flagged=r.checked.flagged,
                 updated_by_id=updated_by) for r in rows[start:start + BATCH]])
        matched += result.rowcount
    if db.engine.dialect.supports_sane_multi_rowcount and matched != len(rows):
        raise ConflictError("Some values were changed by someone else during the import; import the file again.",
                            field="file")
    return olds


def write_planned(rows: Sequence[PlannedValue], *, actor: User | None, via: str) -> None:
    """Write new and changed rows with one audit entry each; unchanged rows are left alone."""
    updated_by, audit_actor = _actor_ids(actor)
    table = AuditEntry.__table__
    # the detail goes to the driver as JSON text: every driver casts it
    build = _AuditRows(audit_actor, via, to_driver(table.c.at)(utcnow())).row
    new = [r for r in rows if r.action == "new"]
    changed = [r for r in rows if r.action == "update"]
    audit = [build(r, i, "create", None) for r, i in zip(new, _insert_new(new, updated_by), strict=True)]
    changed_ids = [r.current.id for r in changed]
    olds = _update_changed(changed, updated_by)
    audit += [build(r, i, "update", old) for r, i, old in zip(changed, changed_ids, olds, strict=True)]
    _raw_insert(table, AUDIT_COLUMNS, audit)

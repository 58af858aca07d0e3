"""CSV import of KPI values: check every row against the database and the importer's role, then write
all of them or none (issue 2 item 9).

Who may import what is permissions.value_import_reach: a member imports its own firm's self-reported
values; governor staff import their own firm's measurements of linked suppliers (governor-measurable
KPIs only); a facilitator imports for the whole club, any source; the admin (and the CLI without --as)
imports anything. This module only turns that reach into row errors.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..catalogue import list_kpis
from ..errors import DomainError
from ..extensions import db
from ..models import Firm, KpiDefinition, KpiValue, Period, SupplyLink, User
from ..periods.services import parse_month
from ..permissions import ImportReach, value_import_reach
from .bulk import StoredValue, write_planned
from .csv_io import CsvRow, RowError, read_rows
from .desk import record_submissions
from .validation import CheckedValue, check_value, describe, parse_number


class ImportRejectedError(DomainError):
    """At least one row is bad, so nothing was written; `errors` lists them all."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} problem(s) found; nothing was imported.")
        self.errors = errors


@dataclass(frozen=True)
class ImportScope:
    """Whose rules apply: the importer's reach (permissions.py) and the firm or club it belongs to."""

    reach: ImportReach
    firm: Firm | None = None
    club_id: int | None = None

    @classmethod
    def of(cls, user: User | None) -> ImportScope:
        """The user's rules; no user (the CLI without --as) means admin rules."""
        reach = value_import_reach(user)
        if user is None or reach == ImportReach.ALL:
            return cls(reach)
        return cls(reach, firm=user.firm, club_id=user.home_club_id)


@dataclass
class PlannedRow:
    """A good row, resolved: what it will write and what it replaces."""

    line: int
    firm: Firm
    kpi: KpiDefinition
    period: Period
    source: Firm
    checked: CheckedValue
    current: StoredValue | None

    @property
    def action(self) -> str:
        """new, update or unchanged: what committing this row does."""
        if self.current is None:
            return "new"
        same = (self.current.value, self.current.is_nil, self.current.comment or "") == (
            self.checked.value, self.checked.is_nil, self.checked.comment)
        return "unchanged" if same else "update"

    @property
    def old_text(self) -> str:
        """The stored value this row replaces, as people read it."""
        return describe(self.current.value, self.current.is_nil) if self.current else ""

    @property
    def new_text(self) -> str:
        """The value this row writes, as people read it."""
        return describe(self.checked.value, self.checked.is_nil)

    @property
    def source_label(self) -> str:
        """'self' or the measuring governor's code, as in the CSV."""
        return "self" if self.source.id == self.firm.id else self.source.code


@dataclass
class ImportPlan:
    """The outcome of checking a file: rows to write, or every error found."""

    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    written: dict[str, int] | None = None  # set by apply_plan: new/update/unchanged counts

    @property
    def ok(self) -> bool:
        """True when no row has an error."""
        return not self.errors

    def count(self, action: str) -> int:
        """How many rows would be (or were) new, updated or unchanged."""
        return sum(1 for r in self.rows if r.action == action)


IN_CHUNK = 500  # ids or codes per IN (...) list: well under every database's parameter limit


def _problem(column: str, message: str) -> DomainError:
    return DomainError(message, field=column)


class _Resolver:
    """Looks codes up once per file, applying the importer's role rules as it goes."""

    def __init__(self, scope: ImportScope):
        self.scope = scope
        self._firms: dict[str, Firm | None] = {}
        self._kpis: dict[int, dict[str, KpiDefinition]] = {}
        self._periods: dict[tuple[int, str], Period | None] = {}
        self._values: dict[int, dict[tuple[int, int, int], StoredValue]] = {}
        self._linked: dict[int, set[int]] = {}

    def preload(self, rows: list[CsvRow]) -> None:
        """Look every firm code of the file up in a few IN queries instead of one query per code."""
        codes = sorted({r.firm for r in rows} | {r.source for r in rows} - {"", "self", "SELF", "Self"})
        for start in range(0, len(codes), IN_CHUNK):
            chunk = codes[start:start + IN_CHUNK]
            found = {f.code: f for f in db.session.scalars(sa.select(Firm).where(Firm.code.in_(chunk)))}
            self._firms.update({code: found.get(code) for code in chunk})

    def _period_values(self, period: Period) -> dict[tuple[int, int, int], StoredValue]:
        """The stored values of the file's firms in a period, loaded once per period in IN chunks."""
        if period.id not in self._values:
            ids = sorted({f.id for f in self._firms.values() if f is not None and f.club_id == period.club_id})
            found: dict[tuple[int, int, int], StoredValue] = {}
            columns = (KpiValue.firm_id, KpiValue.kpi_id, KpiValue.source_firm_id, KpiValue.id, KpiValue.value,
                       KpiValue.is_nil, KpiValue.comment, KpiValue.version)
            for start in range(0, len(ids), IN_CHUNK):
                for firm_id, kpi_id, source_id, *stored in db.session.execute(sa.select(*columns).where(
                        KpiValue.period_id == period.id, KpiValue.firm_id.in_(ids[start:start + IN_CHUNK]))):
                    found[(firm_id, kpi_id, source_id)] = StoredValue(*stored)
            self._values[period.id] = found
        return self._values[period.id]

    def _lookup_firm(self, code: str) -> Firm | None:
        if code not in self._firms:
            self._firms[code] = db.session.scalar(sa.select(Firm).where(Firm.code == code))
        return self._firms[code]

    def linked_suppliers(self, governor: Firm) -> set[int]:
        """Ids of the governor's linked suppliers (looked up once per file)."""
        if governor.id not in self._linked:
            self._linked[governor.id] = set(db.session.scalars(
                sa.select(SupplyLink.supplier_id).where(SupplyLink.governor_id == governor.id)))
        return self._linked[governor.id]

    def firm(self, code: str) -> Firm:
        """The row's firm, within what the importer may write (never revealing other firms exist)."""
        scope, firm = self.scope, self._lookup_firm(code)
        if not code:
            raise _problem("firm", "The firm code is missing.")
        if scope.reach == ImportReach.OWN_FIRM and (firm is None or firm.id != scope.firm.id):
            raise _problem("firm", f"You can only import values for your own firm ({scope.firm.code}), "
                                   f"not for '{code}'.")
        if scope.reach == ImportReach.LINKED_SUPPLIERS and (firm is None or firm.id not in self.linked_suppliers(scope.firm)):
            raise _problem("firm", f"'{code}' is not one of your linked suppliers.")
        if firm is None or (scope.reach == ImportReach.CLUB and firm.club_id != scope.club_id):
            raise _problem("firm", f"Unknown firm code '{code}'.")
        if not firm.is_supplier:
            raise _problem("firm", f"'{code}' is a governor firm; values are reported for supplier firms.")
        return firm

    def kpi(self, firm: Firm, code: str) -> KpiDefinition:
        """The KPI of the firm's club catalogue with that code."""
        if firm.club_id not in self._kpis:
            self._kpis[firm.club_id] = {k.code: k for k in list_kpis(firm.club_id)}
        known = self._kpis[firm.club_id]
        if code not in known:
            raise _problem("kpi", f"Unknown KPI code '{code}'. Known codes: {', '.join(known)}.")
        return known[code]

    def period(self, firm: Firm, text: str) -> Period:
        """An open period of the firm's club."""
        month = parse_month(text)
        key = (firm.club_id, month)
        if key not in self._periods:
            self._periods[key] = db.session.scalar(
                sa.select(Period).where(Period.club_id == firm.club_id, Period.month == month))
        period = self._periods[key]
        if period is None:
            raise _problem("period", f"Period {month} has not been opened yet; values cannot be entered for it.")
        if not period.is_open:
            raise _problem("period", f"Period {month} is closed; its values can no longer be changed.")
        return period

    def source(self, firm: Firm, kpi: KpiDefinition, text: str) -> Firm:
        """`self` (or blank, or the firm's own code), or a governor linked to the firm measuring that KPI."""
        scope, is_self = self.scope, text.lower() in ("", "self") or text == firm.code
        if scope.reach == ImportReach.OWN_FIRM and not is_self:
            raise _problem("source", "Members import their own values: leave the source empty or write 'self'.")
        if scope.reach == ImportReach.LINKED_SUPPLIERS and (is_self or text != scope.firm.code):
            raise _problem("source", f"You import your own firm's measurements: the source must be {scope.firm.code}.")
        if is_self:
            return firm
        governor = self._lookup_firm(text)
        if governor is None or governor.club_id != firm.club_id or not governor.is_governor:
            raise _problem("source", f"'{text}' is neither 'self' nor a governor firm of this club.")
        if firm.id not in self.linked_suppliers(governor):
            raise _problem("source", f"{governor.code} is not linked to supplier {firm.code}.")
        if not kpi.governor_measurable:
            raise _problem("kpi", f"{kpi.name} ({kpi.code}) is not a KPI governors measure.")
        return governor

    def current(self, firm: Firm, kpi: KpiDefinition, period: Period, source: Firm) -> StoredValue | None:
        """The stored value this row would replace."""
        return self._period_values(period).get((firm.id, kpi.id, source.id))


def _number(row: CsvRow) -> float | None:
    return None if row.value == "" else parse_number(row.value)


def _plan_row(row: CsvRow, resolver: _Resolver) -> tuple[PlannedRow | None, list[RowError]]:
    """Check one row, collecting every independent problem rather than stopping at the first."""
    errors: list[RowError] = []

    def attempt(check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one check; record its error against the column it names."""
        try:
            return check(*args, **kwargs)
        except DomainError as exc:
            errors.append(RowError(row.line, exc.field or "", str(exc)))
            return None

    firm = attempt(resolver.firm, row.firm)
    before = len(errors)
    number = attempt(_number, row)
    number_ok = len(errors) == before
    if firm is None:
        attempt(parse_month, row.period)
        return None, errors
    kpi = attempt(resolver.kpi, firm, row.kpi)
    period = attempt(resolver.period, firm, row.period)
    source = attempt(resolver.source, firm, kpi, row.source) if kpi else None
    checked = attempt(check_value, kpi, number, is_nil=row.value == "", comment=row.comment) \
        if kpi and number_ok else None
    if errors:
        return None, errors
    return PlannedRow(row.line, firm, kpi, period, source, checked, resolver.current(firm, kpi, period, source)), []


def _duplicate_key(row: CsvRow) -> tuple[str, str, str, str]:
    source = row.source
    if source.lower() in ("", "self") or source == row.firm:
        source = "self"
    return row.firm, row.period, row.kpi, source


def plan_rows(rows: list[CsvRow], *, actor: User | None) -> ImportPlan:
    """Check parsed rows under the actor's role rules; nothing is written."""
    resolver, plan, seen = _Resolver(ImportScope.of(actor)), ImportPlan(), {}
    resolver.preload(rows)
    for row in rows:
        key = _duplicate_key(row)
        if key in seen:
            plan.errors.append(RowError(row.line, "", f"Repeats line {seen[key]}: the same firm, period, KPI and "
                                                      "source may appear only once in a file."))
            continue
        seen[key] = row.line
        planned, errors = _plan_row(row, resolver)
        plan.errors.extend(errors)
        if planned is not None:
            plan.rows.append(planned)
    return plan


def plan_import(data: bytes, *, actor: User | None, limit: int) -> ImportPlan:
    """Read and check a whole file (size first, then UTF-8, header, every row)."""
    rows, errors = read_rows(data, limit=limit)
    if errors:
        return ImportPlan(errors=errors)
    return plan_rows(rows, actor=actor)


def apply_plan(plan: ImportPlan, *, actor: User | None, via: str = "CSV import") -> ImportPlan:
    """Write every row of a clean plan, auditing each change; refuse the whole plan if any row is bad."""
    if not plan.ok:
        raise ImportRejectedError(plan.errors)
    plan.written = {action: plan.count(action) for action in ("new", "update", "unchanged")}
    # Rows are written in one global order (firm, KPI, period, source), so two imports touching the same
    # rows queue behind each other instead of deadlocking (each waits for the row the other holds).
    ordered = sorted(plan.rows, key=lambda r: (r.firm.id, r.kpi.id, r.period.id, r.source.id))
    write_planned(ordered, actor=actor, via=via)
    db.session.flush()
    own = [r for r in plan.rows if r.source.id == r.firm.id]
    per_club = {club_id: len(list_kpis(club_id)) for club_id in {r.firm.club_id for r in own}}
    record_submissions({(r.firm.id, r.period.id) for r in own}, {r.firm.id: per_club[r.firm.club_id] for r in own})
    return plan


def plan_and_apply(data: bytes, *, actor: User | None, limit: int) -> ImportPlan:
    """Check the whole file, then write it if clean; a plan with errors is returned and writes nothing."""
    plan = plan_import(data, actor=actor, limit=limit)
    if plan.ok:
        apply_plan(plan, actor=actor)
    return plan


def import_csv(data: bytes, *, actor: User | None, limit: int) -> ImportPlan:
    """Check and write a file in one go (the CLI, the API); raises ImportRejectedError when any row is bad."""
    return apply_plan(plan_import(data, actor=actor, limit=limit), actor=actor)
